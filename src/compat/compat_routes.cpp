#include "compat/compat_routes.h"

#include <spdlog/spdlog.h>

#include <array>
#include <set>
#include <string_view>

#include "compat/compat_common.h"

namespace tgmux::compat {
namespace {

struct Surface {
  std::string_view name;  // as TGMUX_COMPAT names it
  void (*install)(api::Router&, service::Services&);
};

constexpr std::array kSurfaces = {
    Surface{"personal-accounts", RegisterPersonalAccounts},
    Surface{"user-api", RegisterUserApi},
    Surface{"multi-profile", RegisterMultiProfile},
};

}  // namespace

void RegisterCompatRoutes(api::Router& router, service::Services& services, const std::vector<std::string>& surfaces) {
  std::set<std::string> wanted(surfaces.begin(), surfaces.end());
  for (const auto& surface : kSurfaces) {
    if (!wanted.count(std::string(surface.name))) continue;
    surface.install(router, services);
    spdlog::info("compat: serving the {} surface (docs/compat.md)", surface.name);
  }
}

}  // namespace tgmux::compat
