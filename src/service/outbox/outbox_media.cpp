// Outbox entries that send media: what they record (sealed with the entry),
// the clear copy TDLib uploads from, and its removal once the entry ends.
#include <spdlog/spdlog.h>

#include "service/outbox/outbox.h"

namespace tgmux::service {
namespace {

using telegram::MediaKind;

bool EndsWith(const std::string& text, std::string_view suffix) {
  return text.size() >= suffix.size() &&
         std::equal(suffix.rbegin(), suffix.rend(), text.rbegin(),
                    [](char a, char b) { return a == std::tolower(static_cast<unsigned char>(b)); });
}

// What an album item is, from its declared type, else its name.
MediaKind AlbumItemKind(const StagedFile& file) {
  const std::string& type = file.content_type;
  if (type.rfind("image/", 0) == 0 && type != "image/gif") return MediaKind::kPhoto;
  if (type.rfind("video/", 0) == 0) return MediaKind::kVideo;
  if (type.rfind("audio/", 0) == 0) return MediaKind::kAudio;
  if (!type.empty() && type != "application/octet-stream") return MediaKind::kDocument;
  for (auto ext : {".jpg", ".jpeg", ".png", ".webp"}) {
    if (EndsWith(file.file_name, ext)) return MediaKind::kPhoto;
  }
  for (auto ext : {".mp4", ".mov", ".webm"}) {
    if (EndsWith(file.file_name, ext)) return MediaKind::kVideo;
  }
  for (auto ext : {".mp3", ".m4a", ".flac", ".ogg"}) {
    if (EndsWith(file.file_name, ext)) return MediaKind::kAudio;
  }
  return MediaKind::kDocument;
}

// Telegram's album rules: 2 to 10 items, photos and videos together, or
// documents only, or audio only.
void CheckAlbum(const std::vector<StagedFile>& files, const std::vector<MediaKind>& kinds) {
  if (files.size() < 2 || files.size() > 10) {
    throw Error(ErrorCode::kInvalidRequest,
                "an album has 2 to 10 files (file0 ... file9); got " + std::to_string(files.size()));
  }
  bool visual = false, documents = false, audio = false;
  for (auto kind : kinds) {
    visual |= kind == MediaKind::kPhoto || kind == MediaKind::kVideo;
    documents |= kind == MediaKind::kDocument;
    audio |= kind == MediaKind::kAudio;
  }
  if (int(visual) + int(documents) + int(audio) > 1) {
    throw Error(ErrorCode::kInvalidRequest,
                "an album holds photos and videos together, or documents only, or audio only; these files mix "
                "them (a file's kind comes from its Content-Type, else its name)");
  }
}

}  // namespace

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
    std::vector<MediaKind> kinds;
    for (const auto& file : media.files) kinds.push_back(media.album ? AlbumItemKind(file) : media.kind);
    if (media.album) {
      CheckAlbum(media.files, kinds);
      record["kind"] = "album";
    } else if (media.files.size() != 1) {
      throw Error(ErrorCode::kInvalidRequest, "send exactly one file");
    }
    record["files"] = nlohmann::json::array();
    for (std::size_t i = 0; i < media.files.size(); ++i) {
      const auto& file = media.files[i];
      if (file.size == 0) throw Error(ErrorCode::kInvalidRequest, "the file \"" + file.field + "\" is empty");
      auto item = MediaSpool::Record(file);
      item["kind"] = std::string(telegram::MediaKindName(kinds[i]));
      record["files"].push_back(std::move(item));
    }
  }
  // Several nodes: where the files are, for a node that sends the entry after the account moved.
  if (record.contains("files") && !infra_.config().node_url.empty()) record["spool_url"] = infra_.config().node_url;
  if (media.width > 0) record["width"] = media.width;
  if (media.height > 0) record["height"] = media.height;
  if (media.duration > 0) record["duration"] = media.duration;
  return record;
}

void OutboxService::SendMediaEntry(telegram::AccountClient& client, Queued& item,
                                   const telegram::FormattedText& caption, telegram::AccountClient::MessageDone done,
                                   std::function<void(std::int64_t)> accepted) {
  auto record = nlohmann::json::parse(item.entry.media);
  const std::string kind = record.value("kind", "");
  std::vector<telegram::MediaToSend> items;
  if (record.contains("remote_id")) {
    telegram::MediaToSend media;
    media.kind = telegram::MediaKindFromName(kind).value_or(MediaKind::kDocument);
    media.remote_id = record.value("remote_id", "");
    items.push_back(media);
  } else {
    std::vector<std::string> paths;
    FetchSpooledElsewhere(item.entry.id, record);
    try {
      paths = spool_.Unseal(item.entry.id, record.value("files", nlohmann::json::array()));
    } catch (const std::exception& e) {
      spdlog::error("outbox {}: its file cannot be read: {}", item.entry.id, e.what());
      return done(Error(ErrorCode::kInternal, "the file to send is missing or damaged in the data directory"));
    }
    for (std::size_t i = 0; i < paths.size(); ++i) {
      telegram::MediaToSend media;
      media.kind = telegram::MediaKindFromName(record["files"][i].value("kind", kind)).value_or(MediaKind::kDocument);
      media.local_path = paths[i];
      items.push_back(media);
    }
  }
  for (auto& media : items) {
    media.width = record.value("width", 0);
    media.height = record.value("height", 0);
    media.duration = record.value("duration", 0);
  }
  if (kind != "album") {
    return client.SendMedia(item.entry.chat_id, items.front(), caption, item.entry.reply_to_message_id,
                            item.entry.silent, std::move(done), std::move(accepted));
  }
  // The album's message ids go into its record before the entry completes
  // (both steps are posted to the background thread, in this order).
  auto album_done = [this, account_id = item.entry.account_id, id = item.entry.id,
                     done](telegram::Result<std::vector<telegram::Message>> all) {
    if (!all.ok()) return done(all.error());
    std::vector<std::int64_t> ids;
    for (const auto& message : all.value()) ids.push_back(message.message_id);
    background_.Post([this, account_id, id, ids] {
      if (Queued* queued = Find(SenderOf(account_id), id)) {
        auto updated = nlohmann::json::parse(queued->entry.media);
        updated["message_ids"] = ids;
        queued->entry.media = updated.dump();
      }
    });
    done(all.value().front());
  };
  client.SendAlbum(item.entry.chat_id, items, caption, item.entry.reply_to_message_id, item.entry.silent,
                   std::move(album_done), std::move(accepted));
}

void OutboxService::ReleaseMedia(const store::OutboxEntry& entry) {
  if (entry.media.empty()) return;
  try {
    const auto record = nlohmann::json::parse(entry.media);
    const auto files = record.value("files", nlohmann::json::array());
    spool_.Release(entry.id, files);
    // Spooled on another node: its copy goes too.
    const std::string origin = record.value("spool_url", "");
    if (origin.empty() || origin == infra_.config().node_url || !remote_spool_.drop) return;
    for (const auto& file : files) remote_spool_.drop(origin, file.value("name", ""));
  } catch (const std::exception& e) {
    spdlog::error("outbox {}: its files could not be removed: {}", entry.id, e.what());
  }
}

void OutboxService::FetchSpooledElsewhere(const std::string& entry_id, const nlohmann::json& record) {
  const std::string origin = record.value("spool_url", "");
  if (origin.empty() || origin == infra_.config().node_url || !remote_spool_.fetch) return;
  for (const auto& file : record.value("files", nlohmann::json::array())) {
    const std::string name = file.value("name", "");
    if (name.empty() || name.find('/') != std::string::npos || name.front() == '.') continue;
    const auto path = spool_.upload_dir() / name;
    std::error_code ec;
    if (std::filesystem::exists(path, ec)) continue;
    if (remote_spool_.fetch(origin, name, path)) {
      spdlog::info("outbox {}: its file came from the node it was posted on ({})", entry_id, origin);
    } else {
      spdlog::warn("outbox {}: its file could not be fetched from the node it was posted on ({})", entry_id, origin);
    }
  }
}

}  // namespace tgmux::service
