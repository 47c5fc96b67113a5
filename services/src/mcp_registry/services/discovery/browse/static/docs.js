// Starts Swagger UI on /docs over this registry's OpenAPI document. A static file, because
// the page's Content-Security-Policy allows no inline script.
"use strict";
window.addEventListener("DOMContentLoaded", function () {
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.getAttribute("data-spec-url"),
    domNode: root,
    deepLinking: true,
    layout: "BaseLayout",
    presets: [SwaggerUIBundle.presets.apis],
    tryItOutEnabled: false,
    displayRequestDuration: true,
    // Never ask the public validator about this document (nothing leaves this origin).
    validatorUrl: null,
    supportedSubmitMethods: ["get", "head", "put", "post", "patch", "delete", "options"]
  });
});
