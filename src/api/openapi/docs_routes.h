// The API's documentation, public: /openapi.json (document.h), /docs (Swagger UI
// rendering it, built into the binary: nothing is fetched from elsewhere), its
// files under /docs/<file>, and /docs/errors (every error code).
#pragma once

#include <string>
#include <vector>

#include "api/router.h"

namespace tgmux::api::openapi {

// `router` must outlive the routes; the document is built at the first request,
// from the routes registered by then (all of them, once tgmux serves).
// `surfaces`: the compatibility surfaces served (config::Config::compat).
void RegisterDocsRoutes(Router& router, std::vector<std::string> surfaces);

// The Content-Security-Policy of /docs and /docs/errors: nothing from elsewhere;
// inline styles allowed (Swagger UI sets them), inline scripts not.
extern const char* const kDocsContentSecurityPolicy;

}  // namespace tgmux::api::openapi
