// The tgmux command line: `tgmux serve`, `tgmux version`, the clients of a
// running tgmux (`login`, `accounts`) and the maintenance commands run while it
// is stopped (`migrate`, `rotate-master-key`).
#pragma once

namespace tgmux::app {

// Exit status: 0 on success, 2 on a bad setting or a start-up failure the
// operator must fix, 1 on other failures.
int Main(int argc, char** argv);

}  // namespace tgmux::app
