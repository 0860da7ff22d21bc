// `tgmux rotate-master-key`: re-wraps every data key and re-seals every value
// the master key seals directly (sealed_columns.h) under a new master key, on
// either store, while tgmux is stopped.
//
// It goes in batches, each one a transaction that also records how far the
// rotation got in meta (kRotationMetaKey), so a crash leaves whole batches
// done: every value opens under the old key or the new one (the rotation tries
// the new one first), and a rerun with the same new key goes on from the
// record. The master-key check switches to the new key in the last batch;
// the record goes once the caller has put the new key in place.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "crypto/keys.h"
#include "store/store.h"

namespace tgmux::store::rekey {

// The meta key of a rotation in progress: while it is there tgmux does not start.
inline constexpr std::string_view kRotationMetaKey = "master_key_rotation";
inline constexpr std::string_view kKeyCheckMetaKey = "master_key_check";

// Refused before anything changed: the old key is not the data's, the new key
// is the one in use, a rotation to another key is half-finished, the schema is
// not this tgmux's. One line for the operator.
class RotationRefused : public StoreError {
 public:
  using StoreError::StoreError;
};

struct RotationOptions {
  // The store: a PostgreSQL conninfo, or else the SQLite database file.
  std::string postgres;
  std::filesystem::path sqlite;
  int batch_rows = 500;
  // Test only: stop (returning stopped) after this many batches; 0: never.
  int stop_after_batches = 0;
  // After each batch: the table, and the values re-sealed so far in all.
  std::function<void(std::string_view table, std::int64_t resealed)> progress;
  // Called once every value is sealed under the new key, before the record
  // goes: puts the new key where tgmux reads it (master.key). A crash before
  // it returns leaves the record: a rerun calls it again.
  std::function<void()> install_new_key;
};

struct RotationResult {
  bool stopped = false;         // stop_after_batches reached; run again to finish
  bool resumed = false;         // a half-finished rotation was found and finished
  std::int64_t resealed = 0;    // values re-sealed by this run
  int batches = 0;              // batches committed by this run
};

// `old_key` is the key tgmux is configured with (it may already be the new
// one when a previous run stopped after installing it). Throws
// RotationRefused, or StoreError on database errors and on a value that opens
// under neither key.
RotationResult RotateMasterKey(const RotationOptions& options, const crypto::Envelope& old_key,
                               const crypto::Envelope& new_key);

}  // namespace tgmux::store::rekey
