// Outbox entries that send media: what they record (sealed with the entry),
// the clear copy TDLib uploads from, and its removal once the entry ends.
#include <spdlog/spdlog.h>

#include "service/outbox/outbox.h"

namespace tgmux::service {

nlohmann::json OutboxService::MediaRecord(const std::string& account_id, MediaRequest& media) {
  nlohmann::json record = {{"kind", std::string(telegram::MediaKindName(media.kind))}};
  if (!media.file_id.empty()) {
    store::FileRecord file = files_.Find(account_id, media.file_id);  // not_found for other accounts' ids
    auto kind = telegram::MediaKindFromName(file.kind).value_or(telegram::MediaKind::kDocument);
    if (media.kind_given && kind != media.kind) {
      throw Error(ErrorCode::kInvalidRequest, "file " + media.file_id + " is a " + file.kind +
                                                  "; send it with type \"" + file.kind + "\" or without a type");
    }
    record["kind"] = file.kind;
    record["file_id"] = file.file_id;
    record["remote_id"] = file.remote_id;
  } else {
    if (media.files.size() != 1) throw Error(ErrorCode::kInvalidRequest, "send exactly one file");
    record["files"] = nlohmann::json::array();
    for (const auto& file : media.files) {
      if (file.size == 0) throw Error(ErrorCode::kInvalidRequest, "the file \"" + file.field + "\" is empty");
      record["files"].push_back(MediaSpool::Record(file));
    }
  }
  if (media.width > 0) record["width"] = media.width;
  if (media.height > 0) record["height"] = media.height;
  if (media.duration > 0) record["duration"] = media.duration;
  return record;
}

void OutboxService::SendMediaEntry(telegram::AccountClient& client, Queued& item,
                                   const telegram::FormattedText& caption, telegram::AccountClient::MessageDone done,
                                   std::function<void(std::int64_t)> accepted) {
  auto record = nlohmann::json::parse(item.entry.media);
  telegram::MediaToSend media;
  media.kind = telegram::MediaKindFromName(record.value("kind", "")).value_or(telegram::MediaKind::kDocument);
  media.remote_id = record.value("remote_id", "");
  media.width = record.value("width", 0);
  media.height = record.value("height", 0);
  media.duration = record.value("duration", 0);
  if (media.remote_id.empty()) {
    try {
      media.local_path = spool_.Unseal(item.entry.id, record.value("files", nlohmann::json::array())).at(0);
    } catch (const std::exception& e) {
      spdlog::error("outbox {}: its file cannot be read: {}", item.entry.id, e.what());
      return done(Error(ErrorCode::kInternal, "the file to send is missing or damaged in the data directory"));
    }
  }
  client.SendMedia(item.entry.chat_id, media, caption, item.entry.reply_to_message_id, item.entry.silent,
                   std::move(done), std::move(accepted));
}

void OutboxService::ReleaseMedia(const store::OutboxEntry& entry) {
  if (entry.media.empty()) return;
  try {
    spool_.Release(entry.id, nlohmann::json::parse(entry.media).value("files", nlohmann::json::array()));
  } catch (const std::exception& e) {
    spdlog::error("outbox {}: its files could not be removed: {}", entry.id, e.what());
  }
}

}  // namespace tgmux::service
