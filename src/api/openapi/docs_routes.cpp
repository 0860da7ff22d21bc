#include "api/openapi/docs_routes.h"

#include <memory>
#include <mutex>

#include "api/openapi/document.h"
#include "api/openapi/embedded.h"

namespace tgmux::api::openapi {

const char* const kDocsContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

namespace {

struct Docs {
  Router& router;
  std::vector<std::string> surfaces;
  std::once_flag once;
  std::string document;  // the JSON text, built once

  const std::string& Document() {
    std::call_once(once, [this] { document = BuildDocument(router.Routes(), surfaces).dump(); });
    return document;
  }
};

std::string ContentTypeOf(const std::string& path) {
  auto ends = [&path](std::string_view suffix) {
    return path.size() >= suffix.size() && path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  if (ends(".js")) return "text/javascript; charset=utf-8";
  if (ends(".css")) return "text/css; charset=utf-8";
  return "text/html; charset=utf-8";
}

Response Page(Response response) {
  response.headers = {{"Cache-Control", "no-cache"},
                      {"Content-Security-Policy", kDocsContentSecurityPolicy},
                      {"X-Frame-Options", "DENY"},
                      {"X-Content-Type-Options", "nosniff"},
                      {"Referrer-Policy", "no-referrer"}};
  return response;
}

}  // namespace

void RegisterDocsRoutes(Router& router, std::vector<std::string> surfaces) {
  auto docs = std::make_shared<Docs>(router, std::move(surfaces));
  router.Add("GET", "/openapi.json", Access::Public(), [docs](const Request&, const Reply& reply) {
    Response response = Response::Text(200, docs->Document(), "application/json");
    response.headers.emplace_back("Cache-Control", "no-cache");
    reply(std::move(response));
  });
  router.Add("GET", "/docs/errors", Access::Public(), [](const Request&, const Reply& reply) {
    reply(Page(Response::Text(200, ErrorsPage(), "text/html; charset=utf-8")));
  });
  // The viewer's page and files, as built in ("/docs", "/docs/swagger-ui-bundle.js", ...).
  auto serve = [](const Request& r, const Reply& reply) {
    for (std::size_t i = 0; i < kEmbeddedCount; ++i) {
      if (!kEmbedded[i].path || r.path != kEmbedded[i].path) continue;
      std::string body(reinterpret_cast<const char*>(kEmbedded[i].data), kEmbedded[i].size);
      return reply(Page(Response::Text(200, std::move(body), ContentTypeOf(r.path))));
    }
    throw Error(ErrorCode::kNotFound, "no such file of the documentation");
  };
  router.Add("GET", "/docs", Access::Public(), serve);
  router.Add("GET", "/docs/{file}", Access::Public(), serve);
}

}  // namespace tgmux::api::openapi
