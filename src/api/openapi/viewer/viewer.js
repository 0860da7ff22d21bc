// Renders /openapi.json with Swagger UI (swagger-ui-dist, built into tgmux).
// Relative URLs, so that it works behind a proxy that serves tgmux under a prefix;
// no validator badge, which would send the document to a third party.
window.ui = SwaggerUIBundle({
  url: new URL("openapi.json", document.baseURI).href,
  dom_id: "#swagger-ui",
  deepLinking: true,
  validatorUrl: null,
  docExpansion: "list",
  defaultModelsExpandDepth: 0,
});
