#include "service/media/downloads.h"

#include <spdlog/spdlog.h>

#include "common/time.h"

namespace tgmux::service {

DownloadService::DownloadService(Infrastructure& infra, AccountService& accounts, FileRegistry& files,
                                 Background& background)
    : infra_(infra),
      accounts_(accounts),
      files_(files),
      background_(background),
      limit_(static_cast<std::int64_t>(infra.config().file_cache_bytes)) {}

void DownloadService::Download(const std::string& tenant_id, const std::string& account_id, const std::string& file_id,
                               std::function<void(telegram::Result<DownloadedMedia>)> done) {
  auto account = accounts_.Get(tenant_id, account_id);  // not_found for other tenants
  store::FileRecord file = files_.Find(account_id, file_id);
  auto client = accounts_.Client(account_id);
  if (!client) {
    throw Error(ErrorCode::kAccountNotReady, "account " + account_id + " is not connected to Telegram (status " +
                                                 std::string(store::AccountStatusName(account.status)) + ")");
  }
  auto kind = telegram::MediaKindFromName(file.kind).value_or(telegram::MediaKind::kDocument);
  client->DownloadFile(
      file.remote_id, kind, kDeadline,
      [this, file, kind, done = std::move(done)](telegram::Result<telegram::DownloadedFile> got) {
        if (!got.ok()) return done(got.error());
        DownloadedMedia media{got.value().path, got.value().size, kind, file.mime_type, file.file_name};
        if (media.size == 0) media.size = file.size;
        files_.SetCache(file, media.size, UnixMillis());
        background_.Post([this, account_id = file.account_id, file_id = file.file_id] { Evict(account_id, file_id); });
        done(std::move(media));
      });
}

void DownloadService::Evict(const std::string& account_id, const std::string& keep) {
  auto cached = files_.Cached(account_id);
  std::int64_t total = 0;
  for (const auto& file : cached) total += file.cached_bytes;
  auto client = accounts_.Client(account_id);
  for (const auto& file : cached) {
    if (total <= limit_ || !client) break;
    if (file.file_id == keep) continue;
    total -= file.cached_bytes;
    files_.SetCache(file, 0, file.last_used_at);
    auto kind = telegram::MediaKindFromName(file.kind).value_or(telegram::MediaKind::kDocument);
    client->DeleteDownload(file.remote_id, kind, [account_id, file_id = file.file_id](telegram::Status status) {
      if (!status.ok()) spdlog::warn("account {}: cached file {} not deleted: {}", account_id, file_id,
                                     status.error().what());
    });
  }
}

}  // namespace tgmux::service
