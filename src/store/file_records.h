// A file an account has seen (received, sent, or found in its history), under
// tgmux's own id, and how much of it sits in the account's download cache.
#pragma once

#include <cstdint>
#include <string>

namespace tgmux::store {

struct FileRecord {
  std::string account_id;
  std::string file_id;    // "file_" + keyed digest of the account and Telegram's unique id
  std::string kind;       // telegram::MediaKind's name
  std::string remote_id;  // Telegram's id of the file for this account
  std::int64_t chat_id = 0;     // where it was last seen
  std::int64_t message_id = 0;
  std::int64_t size = 0;
  std::string mime_type;
  std::string file_name;        // sealed in the store (Envelope::SealRecord "file"); clear above it
  std::int64_t cached_bytes = 0;  // in the account's download cache; 0: not downloaded
  std::int64_t last_used_at = 0;  // unix ms of the last download request
  std::int64_t created_at = 0;    // unix seconds
};

}  // namespace tgmux::store
