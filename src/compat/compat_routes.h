// Compatibility surfaces (docs/compat.md): the routes of three HTTP APIs that
// teams already call, served as thin translations onto the native services,
// so that such a client switches to tgmux by changing its base URL.
#pragma once

#include <string>
#include <vector>

#include "api/router.h"
#include "service/services.h"

namespace tgmux::compat {

// Registers the routes of each surface named ("personal-accounts",
// "user-api", "multi-profile", as config::Config::compat holds them). A surface
// not named has no routes: its paths answer 404. Before serving.
void RegisterCompatRoutes(api::Router& router, service::Services& services, const std::vector<std::string>& surfaces);

}  // namespace tgmux::compat
