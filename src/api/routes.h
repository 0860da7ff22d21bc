// Registration of every route group on the router.
#pragma once

#include "api/router.h"
#include "service/gateway.h"

namespace tgmux::api {

// /healthz, /readyz, /metrics.
void RegisterHealthRoutes(Router& router, service::Gateway& gateway);

// Everything the gateway serves.
void RegisterAllRoutes(Router& router, service::Gateway& gateway);

}  // namespace tgmux::api
