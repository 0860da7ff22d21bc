#pragma once
// The client's local session, kept like TDLib's td.binlog: one file in the database
// directory, always encrypted (XChaCha20-Poly1305 under a key derived from the
// database_encryption_key; an empty key means TDLib's built-in "cucumber").
#include <string>

#include "sim/tdapi/json.h"

namespace tgsim::lib {

struct DbLocation {
  std::string directory;
  std::string file;  // td.binlog, or td_test.binlog with use_test_dc
  std::string key;   // raw key bytes
  std::string Path() const { return directory + "/" + file; }
};

// What setTdlibParameters finds: {} for a fresh directory, {"session":{…}} for an
// existing one, or {"error":{code,message}} with TDLib's wording (wrong key, bad path).
Json OpenLocalDb(const DbLocation& location);
// Creates the file with an empty session if there is none yet.
void InitLocalDb(const DbLocation& location);
void WriteLocalDb(const DbLocation& location, const Json& data);
void WipeLocalDb(const DbLocation& location);

}  // namespace tgsim::lib
