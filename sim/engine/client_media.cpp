// Media messages: sendMessage with inputMessagePhoto / Document / Video / VoiceNote /
// Audio / Animation, sendMessageAlbum and editMessageCaption, with TDLib's checks of the
// input files (FileManager::get_input_file_id, check_full_local_location) and of albums
// (check_message_group_message_contents).
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <sodium.h>

#include <fstream>
#include <set>

#include "sim/engine/client.h"
#include "sim/engine/objects.h"
#include "sim/tdapi/text.h"

namespace tgsim {
namespace {

constexpr std::int64_t kMaxFileSize = std::int64_t{4000} << 20;  // TDLib's local limit
constexpr std::int64_t kMaxPhotoSize = 10 << 20;
constexpr std::size_t kMaxAlbumSize = 10;

std::string SizeError(std::int64_t size, std::string_view reason, std::int64_t max_size) {
  return "File of size " + std::to_string(size) + " bytes is too big" + std::string(reason) +
         "; the maximum size is " + std::to_string(max_size) + " bytes";
}

std::string Basename(const std::string& path) {
  auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string ReadPrefix(const std::string& path, std::size_t limit) {
  std::ifstream in(path, std::ios::binary);
  std::string out(limit, '\0');
  in.read(out.data(), static_cast<std::streamsize>(limit));
  out.resize(static_cast<std::size_t>(in.gcount()));
  return out;
}

// The InputFile and attributes of each input content type, as td_api.tl 1.8.65 names them.
struct InputParts {
  Json file;
  const Json* attributes = nullptr;  // the inputPhoto / inputVideo / … object, or the content
};

InputParts SplitInput(MediaKind kind, const Json& content) {
  static const char* const kWrapper[] = {"photo", "document", "video", nullptr, "audio", "animation"};
  const char* wrapper = kWrapper[static_cast<int>(kind)];
  if (wrapper == nullptr) return {GetObject(content, "voice_note"), &content};
  const Json& inner = GetObject(content, wrapper);
  return {GetObject(inner, wrapper), &inner};
}

}  // namespace

ClientFile* ClientSession::ResolveLocalFile(const std::string& path, MediaKind kind, std::string& error) {
  if (path.empty()) return error = "File must have non-empty path", nullptr;
  std::string absolute = path[0] == '/' || cwd_.empty() ? path : cwd_ + "/" + path;
  char real[PATH_MAX];
  if (::realpath(absolute.c_str(), real) == nullptr) return error = "Can't find real file path", nullptr;
  struct stat info {};
  if (::stat(real, &info) != 0) return error = "Can't get stat about the file", nullptr;
  if (!S_ISREG(info.st_mode)) return error = "File must be a regular file", nullptr;
  std::int64_t size = info.st_size;
  if (size == 0) return error = "File must be non-empty", nullptr;
  if (size > kMaxFileSize) return error = SizeError(size, "", kMaxFileSize), nullptr;
  if (kind == MediaKind::kPhoto && size > kMaxPhotoSize) {
    return error = SizeError(size, " for a photo", kMaxPhotoSize), nullptr;
  }
  ClientFile& file = files_.ForLocalPath(real, kind, size);
  bool named = kind != MediaKind::kPhoto && kind != MediaKind::kVoiceNote;
  file.file_name = named ? Basename(real) : "";
  file.mime_type = MimeTypeFor(Basename(real), kind);
  if (kind == MediaKind::kPhoto && file.width == 0) {
    std::tie(file.width, file.height) = ImageDimensions(ReadPrefix(real, 1 << 16));
  }
  return &file;
}

ClientFile* ClientSession::ResolveInputFile(const Json& input_file, MediaKind kind, std::string& error) {
  std::string type = TypeOf(input_file);
  ClientFile* file = nullptr;
  if (type.empty()) return error = "InputFile is not specified", nullptr;
  if (type == "inputFileLocal") return ResolveLocalFile(GetString(input_file, "path"), kind, error);
  if (type == "inputFileId") {
    file = files_.Find(static_cast<int>(GetInt(input_file, "id")));
    if (file == nullptr) return error = "File not found", nullptr;
  } else if (type == "inputFileRemote") {
    std::string remote_id = GetString(input_file, "id");
    if (!IsValidUtf8(remote_id)) return error = "Strings must be encoded in UTF-8", nullptr;
    RemoteIdLookup lookup = files_.store().Lookup(remote_id, kind);
    if (lookup.file == nullptr) return error = lookup.error, nullptr;
    file = &files_.ForCloud(*lookup.file);
  } else {
    return error = type + " is not simulated by tgsim", nullptr;
  }
  if (!SameFileClass(file->kind, kind)) {
    error = "Can't use file of type " + std::string(InfoOf(file->kind).type_name) + " as " +
            std::string(InfoOf(kind).type_name);
    return nullptr;
  }
  return file;
}

std::optional<ClientSession::PreparedMedia> ClientSession::PrepareMedia(Request& request, const Json& content) {
  MediaKind kind = *InputContentKind(TypeOf(content));
  InputParts parts = SplitInput(kind, content);
  const Json& attributes = *parts.attributes;
  std::string error;
  ClientFile* file = ResolveInputFile(parts.file, kind, error);
  const Json& caption = GetObject(content, "caption");
  std::string caption_text = GetString(caption, "text");
  if (file != nullptr && !IsValidUtf8(caption_text)) error = "Strings must be encoded in UTF-8";
  PreparedMedia prepared;
  MediaInfo& media = prepared.media;
  media.kind = kind;
  media.width = static_cast<int>(GetInt(attributes, "width"));
  media.height = static_cast<int>(GetInt(attributes, "height"));
  if (error.empty() && kind == MediaKind::kPhoto) {
    if (media.width < 0 || media.width > 10000) error = "Width of the photo is too big";
    else if (media.height < 0 || media.height > 10000) error = "Height of the photo is too big";
    else if (media.width + media.height > 10000) error = "Dimensions of the photo are too big";
  }
  if (error.empty() && is_bot_ && Utf16Length(caption_text) > 1024) error = "Message caption is too long";
  if (!error.empty()) {
    RespondError(request, 400, error);
    return std::nullopt;
  }
  if (media.width == 0 && media.height == 0) std::tie(media.width, media.height) = std::pair(file->width, file->height);
  media.client_file = file->id;
  media.file = file->cloud_id;
  media.duration = static_cast<int>(GetInt(attributes, "duration"));
  media.file_name = file->file_name;
  media.mime_type = file->mime_type.empty() ? std::string(InfoOf(kind).default_mime) : file->mime_type;
  media.title = GetString(attributes, "title");
  media.performer = GetString(attributes, "performer");
  media.supports_streaming = GetBool(attributes, "supports_streaming");
  if (kind == MediaKind::kVoiceNote) Base64Decode(GetString(content, "waveform"), media.waveform);
  prepared.caption = FormattedText(caption_text);
  if (caption.contains("entities") && caption["entities"].is_array()) prepared.caption["entities"] = caption["entities"];
  return prepared;
}

void ClientSession::HandleSendMedia(Request& request) {
  std::int64_t chat_id = GetInt(request.object, "chat_id");
  if (!CheckChat(request, chat_id)) return;
  if (std::string_view refusal = WriteRefusal(chat_id); !refusal.empty()) {
    return RespondError(request, 400, refusal);
  }
  std::optional<PreparedMedia> prepared = PrepareMedia(request, GetObject(request.object, "input_message_content"));
  if (!prepared) return;
  std::optional<std::int64_t> topic = InputTopic(request, chat_id);
  if (!topic) return;
  std::optional<Json> markup = InputReplyMarkup(request, chat_id, false);
  if (!markup) return;
  std::int64_t temp_id = NextTemporaryId(chat_id);
  StoredMessage pending{temp_id, user_id_, true, world_.scheduler().Now(), 0, prepared->caption,
                        GetInt(GetObject(request.object, "reply_to"), "message_id"), 0, {}, 0, {}, {}};
  pending.media = prepared->media;
  pending.topic_id = PendingTopic(chat_id, *topic);
  pending.reply_markup = std::move(*markup);
  AnnouncePending(request, chat_id, PendingMessageObject(chat_id, pending), pending.date);
  StartMediaSend(chat_id, temp_id, pending);
}

void ClientSession::HandleSendMessageAlbum(Request& request) {
  std::int64_t chat_id = GetInt(request.object, "chat_id");
  if (!CheckChat(request, chat_id)) return;
  const Json& contents = request.object.contains("input_message_contents") ? request.object["input_message_contents"] : Json();
  if (!contents.is_array() || contents.empty()) return RespondError(request, 400, "There are no messages to send");
  if (std::string_view refusal = WriteRefusal(chat_id); !refusal.empty()) {
    return RespondError(request, 400, refusal);
  }
  std::vector<PreparedMedia> prepared;
  std::set<MediaKind> kinds;
  for (const auto& content : contents) {
    if (!content.is_object() || !IsInputMediaContent(TypeOf(content))) {
      return RespondError(request, 400, content.is_object() ? "Invalid message content type"
                                                            : "Can't send message without content");
    }
    auto one = PrepareMedia(request, content);
    if (!one) return;
    prepared.push_back(std::move(*one));
    kinds.insert(prepared.back().media.kind);
  }
  if (prepared.size() > kMaxAlbumSize) return RespondError(request, 400, "Too many messages to send as an album");
  for (MediaKind kind : kinds) {
    if (kind == MediaKind::kVoiceNote || kind == MediaKind::kAnimation) {
      return RespondError(request, 400, "Invalid message content type");
    }
  }
  for (MediaKind kind : kinds) {
    if (kinds.size() > 1 && (kind == MediaKind::kDocument || kind == MediaKind::kAudio)) {
      return RespondError(request, 400, std::string(InfoOf(kind).type_name) + " can't be mixed with other media types");
    }
  }
  std::int64_t album_id = 0;
  if (prepared.size() > 1) {
    randombytes_buf(&album_id, sizeof album_id);
    album_id = (album_id & 0x7fffffffffffffffLL) | 1;
  }
  std::optional<std::int64_t> topic = InputTopic(request, chat_id);
  if (!topic) return;
  std::int64_t reply_to = GetInt(GetObject(request.object, "reply_to"), "message_id");
  std::vector<StoredMessage> pending;
  Json messages = Json::array();
  for (auto& one : prepared) {
    StoredMessage message{NextTemporaryId(chat_id), user_id_, true, world_.scheduler().Now(), 0,
                          one.caption, reply_to, 0, {}, 0, {}, {}};
    message.media = one.media;
    message.media_album_id = album_id;
    message.topic_id = PendingTopic(chat_id, *topic);
    Json object = PendingMessageObject(chat_id, message);
    AnnouncePendingNew(Dump(object));
    messages.push_back(object);
    pending.push_back(std::move(message));
  }
  AnnouncePendingLast(chat_id, Dump(messages.back()), pending.back().date);
  Json out = Obj("messages");
  out["total_count"] = static_cast<int>(messages.size());
  out["messages"] = messages;
  Respond(request, out);
  for (auto& message : pending) StartMediaSend(chat_id, message.id, message);
}

void ClientSession::HandleEditMessageCaption(Request& request) {
  std::int64_t chat_id = GetInt(request.object, "chat_id");
  std::int64_t message_id = GetInt(request.object, "message_id");
  if (!CheckChat(request, chat_id)) return;
  Dialog* dialog = world_.cloud().FindDialog(user_id_, chat_id);
  if (dialog == nullptr || !dialog->messages.contains(message_id)) {
    return RespondError(request, 400, "Message not found");
  }
  const StoredMessage& message = dialog->messages.at(message_id);
  if (!message.outgoing) return RespondError(request, 400, "Message can't be edited");
  if (!message.media) return RespondError(request, 400, "There is no caption in the message to edit");
  const Json& caption = GetObject(request.object, "caption");
  Json formatted = FormattedText(GetString(caption, "text"));
  if (caption.contains("entities") && caption["entities"].is_array()) formatted["entities"] = caption["entities"];
  if (Utf16Length(formatted.value("text", std::string())) > 1024) {
    return RespondError(request, 400, "Message caption is too long");
  }
  std::optional<Json> markup = InputReplyMarkup(request, chat_id, true);  // as editMessageText
  if (!markup) return;
  if (!is_bot_) markup.reset();
  CallServer(request, [this, chat_id, message_id, formatted, markup](Request& r) {
    auto copies = world_.cloud().Edit(user_id_, chat_id, message_id, formatted, markup, world_.scheduler().Now());
    world_.DeliverEdits(copies);
    const Dialog* d = world_.cloud().FindDialog(user_id_, chat_id);
    if (d == nullptr || !d->messages.contains(message_id)) return RespondError(r, 400, "Message not found");
    Respond(r, MessageObject(chat_id, d->messages.at(message_id), files_));
  });
}

}  // namespace tgsim
