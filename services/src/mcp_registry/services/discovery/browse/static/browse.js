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
