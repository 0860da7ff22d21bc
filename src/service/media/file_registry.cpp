#include "service/media/file_registry.h"

#include <spdlog/spdlog.h>

#include "common/time.h"
#include "crypto/secrets.h"

namespace tgmux::service {
namespace {

constexpr std::string_view kKeyName = "file_id_key";
constexpr std::size_t kDigestChars = 32;  // 128 bits of the HMAC, in hex

}  // namespace

FileRegistry::FileRegistry(Infrastructure& infra)
    : infra_(infra), key_(LoadOrCreateMetaKey(infra.store(), infra.envelope(), kKeyName, kKeyName)) {}

std::string FileRegistry::FileIdFor(const std::string& account_id, const std::string& unique_id) const {
  return "file_" + crypto::HmacSha256Hex(key_.bytes(), account_id + "\n" + unique_id).substr(0, kDigestChars);
}

void FileRegistry::Fill(const std::string& account_id, telegram::Message& message,
                        std::vector<store::FileRecord>& records) {
  if (!message.media || message.media->unique_id.empty() || message.media->remote_id.empty()) return;
  auto& media = *message.media;
  media.file_id = FileIdFor(account_id, media.unique_id);
  store::FileRecord record;
  record.account_id = account_id;
  record.file_id = media.file_id;
  record.kind = std::string(telegram::MediaKindName(media.kind));
  record.remote_id = media.remote_id;
  record.chat_id = message.chat_id;
  record.message_id = message.message_id;
  record.size = media.size;
  record.mime_type = media.mime_type;
  record.file_name = infra_.envelope().SealRecord("file", account_id + "/" + media.file_id, media.file_name);
  record.created_at = UnixSeconds();
  records.push_back(std::move(record));
}

void FileRegistry::Register(const std::string& account_id, const std::vector<telegram::Message*>& messages) {
  std::vector<store::FileRecord> records;
  for (auto* message : messages) Fill(account_id, *message, records);
  if (records.empty()) return;
  try {
    infra_.store().UpsertFiles(records);
  } catch (const store::StoreUnavailable& e) {
    // The messages still go on (events, history): only these files cannot be
    // fetched by id until they are seen again.
    spdlog::warn("account {}: {} file(s) not recorded while the store is unreachable: {}", account_id,
                 records.size(), e.what());
  }
}

void FileRegistry::Register(const std::string& account_id, std::vector<telegram::Message>& messages) {
  std::vector<telegram::Message*> all;
  for (auto& message : messages) all.push_back(&message);
  Register(account_id, all);
}

void FileRegistry::Annotate(const std::string& account_id, telegram::Message& message) {
  Register(account_id, std::vector<telegram::Message*>{&message});
}

store::FileRecord FileRegistry::Find(const std::string& account_id, const std::string& file_id) {
  auto found = infra_.store().FindFile(account_id, file_id);
  if (!found) throw Error(ErrorCode::kNotFound, "no file " + file_id + " in this account");
  found->file_name = infra_.envelope().OpenRecord("file", account_id + "/" + file_id, found->file_name);
  return *found;
}

void FileRegistry::SetCache(const store::FileRecord& file, std::int64_t cached_bytes, std::int64_t last_used_at) {
  infra_.store().SetFileCache(file.account_id, file.file_id, cached_bytes, last_used_at);
}

std::vector<store::FileRecord> FileRegistry::Cached(const std::string& account_id) {
  return infra_.store().ListCachedFiles(account_id);
}

}  // namespace tgmux::service
