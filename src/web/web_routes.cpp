#include "web/web_routes.h"

namespace tgmux::web {

const char* const kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

namespace {

api::Response Serve(const Asset& asset, const api::Request& request) {
  api::Response response;
  if (request.Header("if-none-match") == asset.etag) {
    response.status = 304;
    response.content_type.clear();
  } else {
    response.content_type = asset.content_type;
    response.body = asset.body;
  }
  response.headers = {
      {"ETag", asset.etag},
      // Always asks again, cheaply (304), so that a new version shows at once.
      {"Cache-Control", "no-cache"},
      {"Content-Security-Policy", kContentSecurityPolicy},
      {"X-Frame-Options", "DENY"},
      {"X-Content-Type-Options", "nosniff"},
      {"Referrer-Policy", "no-referrer"},
  };
  return response;
}

}  // namespace

void RegisterWebRoutes(api::Router& router, const Assets& assets) {
  auto serve = [&assets](const api::Request& r, const api::Reply& reply) {
    auto asset = assets.Find(r.path);
    if (!asset) {
      throw Error(ErrorCode::kNotFound, r.path == "/" ? "the dashboard is not built into this binary (web/ was missing "
                                                        "when it was built)"
                                                      : "no such file of the dashboard");
    }
    reply(Serve(*asset, r));
  };
  router.Add("GET", "/", api::Access::Public(), serve);
  router.Add("GET", "/ui/{file}", api::Access::Public(), serve);
  router.Add("GET", "/ui/{folder}/{file}", api::Access::Public(), serve);
}

}  // namespace tgmux::web
