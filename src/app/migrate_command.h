// `tgmux migrate --from sqlite:PATH --to postgres://…` (store/transfer/copy.h).
#pragma once

#include <string>

namespace tgmux::app {

struct MigrateOptions {
  std::string from;  // sqlite:PATH (or a bare path)
  std::string to;    // PostgreSQL conninfo; never printed (it may hold a password)
};

// Prints progress and the rows of each table on stderr. Exit status: 0 when
// copied, 2 when refused (bad arguments, a target that is not empty, a source
// in use or at another schema version; one line), 1 when the copy failed.
int MigrateCommand(const MigrateOptions& options);

}  // namespace tgmux::app
