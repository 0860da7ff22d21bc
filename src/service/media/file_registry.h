// tgmux's file ids (docs/architecture.md, Media): per account, stable across
// restarts (a keyed digest of the account and Telegram's unique id of the
// file), recorded with where the file was seen so that it can be downloaded
// or sent again. Another account's id is unknown here, like any unknown id.
// Thread-safe.
#pragma once

#include <string>
#include <vector>

#include "service/accounts/account_observer.h"
#include "service/infrastructure.h"
#include "store/file_records.h"
#include "telegram/messages.h"

namespace tgmux::service {

class FileRegistry : public AccountObserver {
 public:
  explicit FileRegistry(Infrastructure& infra);

  // Gives the media of each message its file id and records where it was seen
  // (one write for all of them).
  void Register(const std::string& account_id, const std::vector<telegram::Message*>& messages);
  void Register(const std::string& account_id, std::vector<telegram::Message>& messages);
  void Annotate(const std::string& account_id, telegram::Message& message) override;

  // The account's file (file name in clear); throws Error(not_found).
  store::FileRecord Find(const std::string& account_id, const std::string& file_id);
  // The cache bookkeeping of a file (see store::FileRecord).
  void SetCache(const store::FileRecord& file, std::int64_t cached_bytes, std::int64_t last_used_at);
  // The account's cached files, least recently used first (file names not opened).
  std::vector<store::FileRecord> Cached(const std::string& account_id);

 private:
  std::string FileIdFor(const std::string& account_id, const std::string& unique_id) const;
  void Fill(const std::string& account_id, telegram::Message& message, std::vector<store::FileRecord>& records);

  Infrastructure& infra_;
  const crypto::SecretKey key_;
};

}  // namespace tgmux::service
