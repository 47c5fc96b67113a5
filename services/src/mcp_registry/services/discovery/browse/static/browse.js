// Progressive enhancement only: every page works without this script.
// Adds a "Copy" button to each install snippet.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  if (!navigator.clipboard) {
    return;
  }
  document.querySelectorAll(".snippet").forEach(function (box) {
    var code = box.querySelector("code");
    if (!code) {
      return;
    }
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = "Copy";
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(code.textContent).then(function () {
        button.textContent = "Copied";
        setTimeout(function () { button.textContent = "Copy"; }, 1500);
      });
    });
    box.appendChild(button);
  });
});

// The report form: sends {name, version, reason} as JSON to the reports extension and says
// what the registry answered (the form has no action a browser could use without a script).
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("report");
  if (!form || !window.fetch) {
    return;
  }
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var result = form.querySelector(".report-result");
    var body = {
      name: form.dataset.name,
      version: form.dataset.version,
      reason: form.querySelector("textarea").value
    };
    result.textContent = "Sending…";
    fetch(form.getAttribute("action"), {
      method: "POST",
      headers: {"Content-Type": "application/json"},
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().then(function (answer) {
        if (response.ok) {
          result.textContent = "Report received (" + answer.id + "). Thank you.";
          form.querySelector("textarea").value = "";
        } else {
          result.textContent = "Not sent: " + (answer.detail || response.status);
        }
      });
    }).catch(function () {
      result.textContent = "Not sent: the registry could not be reached.";
    });
  });
});
