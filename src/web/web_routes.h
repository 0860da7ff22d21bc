// The dashboard's routes: "/" (the page) and "/ui/..." (its modules, styles,
// images), public, with the page's security headers.
#pragma once

#include "api/router.h"
#include "web/assets.h"

namespace tgmux::web {

// The Content-Security-Policy of the page and its files: nothing inline,
// nothing from elsewhere, never framed.
extern const char* const kContentSecurityPolicy;

// `assets` must outlive the router.
void RegisterWebRoutes(api::Router& router, const Assets& assets);

}  // namespace tgmux::web
