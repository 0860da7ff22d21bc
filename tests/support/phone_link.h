// Links an account through tgmux's REST API by a phone login against tgsim
// (the user must exist in tgsim), for benchmarks that need one linked account.
#pragma once

#include <string>

#include "sim/testing/tgsim_process.h"
#include "tests/support/tgmux_server.h"

namespace tgmux::testing {

// Returns the new account's id, "" on failure.
std::string LinkByPhone(TgmuxServer& server, const tgsim::testing::TgsimProcess& sim, const std::string& phone);

}  // namespace tgmux::testing
