// The OpenAPI 3.1 document served at /openapi.json (issue 21).
//
// Its source is one JSON file per route group in document/ (base.json holds the
// info, security schemes and shared schemas), built into the binary and merged
// here. A part with "x-tgmux-compat": "<surface>" documents a compatibility
// surface and is merged only when that surface is served. What the route table
// knows is not written by hand: each operation's security and `x-tgmux-role`
// come from its route's access, path parameters not described get a string
// schema, every operation may answer a problem (`default`), and the problem's
// `code` lists every code of the error table (common/error.h).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api/router.h"

namespace tgmux::api::openapi {

// The document for a gateway serving `routes` (Router::Routes() once every
// route is registered) with the compatibility surfaces `surfaces` enabled.
// Routes the parts do not describe are left out (tests/openapi_test.cpp finds
// them); throws std::logic_error when a part is not valid JSON or describes
// an operation another part describes too (mistakes of the build, not of input).
nlohmann::json BuildDocument(const std::vector<RouteInfo>& routes, const std::vector<std::string>& surfaces);

// The HTML page at /docs/errors: every error code, its HTTP status and what it
// means, each under an anchor of its name (the target of problems' `type`).
std::string ErrorsPage();

}  // namespace tgmux::api::openapi
