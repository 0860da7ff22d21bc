// `tgmux migrate`: copies a whole installation from its SQLite database into
// a new PostgreSQL database, row for row. Sealed columns are copied as the
// bytes they are, so the same master key opens them on PostgreSQL.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "store/store.h"

namespace tgmux::store::transfer {

// The copy was refused before anything was written: a target that is not
// empty, a source that is not at this tgmux's schema version, a source in use.
// One line for the operator.
class CopyRefused : public StoreError {
 public:
  using StoreError::StoreError;
};

struct TableCount {
  std::string table;
  std::int64_t rows = 0;
};

// Called as a table's rows are copied (after each batch, and once with
// copied == total when the table is done).
using CopyProgress = std::function<void(const std::string& table, std::int64_t copied, std::int64_t total)>;

struct CopyOptions {
  std::filesystem::path source;  // the SQLite database file
  std::string target;            // a PostgreSQL conninfo (URL or key=value)
  CopyProgress progress;
};

// Opens the source read-only (nothing on disk changes: see
// sql::ReadOnlySqliteUri) and reads it in one snapshot; refuses a source with a
// -wal file (a tgmux still running on it, or not stopped cleanly). Creates the
// schema on the target when missing and refuses one whose tgmux tables hold
// any row. Copies every table of StoreTables() in one PostgreSQL transaction
// (a failure leaves the target as empty as it was) in batches of rows, then
// moves PostgreSQL's identity counters past the copied ids. Returns the rows
// copied per table. Throws CopyRefused, or StoreError naming the table on
// other failures; no message holds the target's password.
std::vector<TableCount> CopySqliteToPostgres(const CopyOptions& options);

}  // namespace tgmux::store::transfer
