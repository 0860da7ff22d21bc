// `tgmux rotate-master-key --new-key-file F` (store/rekey/rotation.h), run while
// tgmux is stopped.
#pragma once

#include <string>

#include "config/config.h"

namespace tgmux::app {

struct RotateOptions {
  std::string new_key_file;    // base64 of 32 bytes, like master.key, mode 0600
  int stop_after_batches = 0;  // hidden, for tests: stop (status 3) after this many batches
  int batch_rows = 500;        // hidden, for tests: rows per batch
};

// Exit status: 0 when done, 2 when refused before anything changed (tgmux
// running on the data directory, a key that does not fit; one line), 3 when
// stopped by --stop-after-batches, 1 on other failures (rerun to finish).
int RotateMasterKeyCommand(const config::Config& config, const RotateOptions& options);

}  // namespace tgmux::app
