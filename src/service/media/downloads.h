// Serving an account's files (docs/architecture.md, Media): the file is
// downloaded through the account's TDLib client on first request and kept in
// its files directory, within TGMUX_FILE_CACHE per account; past that, the
// least recently requested files are deleted (they download again when asked).
// Thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <set>
#include <mutex>
#include <string>

#include "service/accounts/accounts.h"
#include "service/background.h"
#include "service/media/file_registry.h"
#include "telegram/result.h"

namespace tgmux::service {

struct DownloadedMedia {
  std::string path;  // in the account's TDLib files directory; read it soon
  std::int64_t size = 0;
  telegram::MediaKind kind = telegram::MediaKind::kDocument;
  std::string mime_type;
  std::string file_name;
};

class DownloadService {
 public:
  DownloadService(Infrastructure& infra, AccountService& accounts, FileRegistry& files, Background& background);

  // Throws Error: not_found (another tenant's account, a file_id this account
  // does not have), account_not_ready. `done` gets the file, or
  // telegram_unreachable when the download takes longer than kDeadline.
  void Download(const std::string& tenant_id, const std::string& account_id, const std::string& file_id,
                std::function<void(telegram::Result<DownloadedMedia>)> done);

  static constexpr std::chrono::minutes kDeadline{5};

 private:
  // On the background thread: deletes the least recently used downloads of
  // the account while its cache is over the limit, never `keep`.
  void Evict(const std::string& account_id, const std::string& keep);

  Infrastructure& infra_;
  AccountService& accounts_;
  FileRegistry& files_;
  Background& background_;
  const std::int64_t limit_;
};

}  // namespace tgmux::service
