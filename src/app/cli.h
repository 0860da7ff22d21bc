// The tgmux command line: `tgmux serve`, `tgmux version`.
#pragma once

namespace tgmux::app {

// Exit status: 0 on success, 2 on a bad setting or a start-up failure the
// operator must fix, 1 on other failures.
int Main(int argc, char** argv);

}  // namespace tgmux::app
