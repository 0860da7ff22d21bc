#include "telegram/media_json.h"

#include <nlohmann/json.hpp>

#include <array>

#include "telegram/message_parse.h"

namespace tgmux::telegram {
namespace {

using nlohmann::json;

// Per kind: the message content, the object in it, the file field of that
// object, the input content and TDLib's file type.
struct MediaShape {
  MediaKind kind;
  std::string_view content;
  std::string_view object;
  std::string_view file;
  std::string_view input;
  std::string_view file_type;
};

constexpr std::array<MediaShape, 6> kShapes{{
    {MediaKind::kPhoto, "messagePhoto", "photo", "", "inputMessagePhoto", "fileTypePhoto"},
    {MediaKind::kDocument, "messageDocument", "document", "document", "inputMessageDocument", "fileTypeDocument"},
    {MediaKind::kVideo, "messageVideo", "video", "video", "inputMessageVideo", "fileTypeVideo"},
    {MediaKind::kVoice, "messageVoiceNote", "voice_note", "voice", "inputMessageVoiceNote", "fileTypeVoiceNote"},
    {MediaKind::kAudio, "messageAudio", "audio", "audio", "inputMessageAudio", "fileTypeAudio"},
    {MediaKind::kAnimation, "messageAnimation", "animation", "animation", "inputMessageAnimation",
     "fileTypeAnimation"},
}};

const MediaShape& ShapeOf(MediaKind kind) {
  for (const auto& shape : kShapes) {
    if (shape.kind == kind) return shape;
  }
  return kShapes[1];
}

const json& Field(const json& object, std::string_view name) {
  static const json kNull;
  if (!object.is_object()) return kNull;
  auto it = object.find(std::string(name));
  return it == object.end() ? kNull : *it;
}

std::string Text(const json& object, const char* name) {
  const json& value = Field(object, name);
  return value.is_string() ? value.get<std::string>() : std::string();
}

int Int(const json& object, const char* name) {
  const json& value = Field(object, name);
  return value.is_number_integer() ? value.get<int>() : 0;
}

void ReadFile(const json& file, MediaInfo& info) {
  info.size = IntField(file, "size");
  if (info.size == 0) info.size = IntField(file, "expected_size");
  const json& remote = Field(file, "remote");
  info.remote_id = Text(remote, "id");
  info.unique_id = Text(remote, "unique_id");
}

// A photo is sent in several sizes; the largest stands for it.
const json* LargestPhotoSize(const json& photo) {
  const json* best = nullptr;
  std::int64_t best_area = -1;
  const json& sizes = Field(photo, "sizes");
  if (!sizes.is_array()) return nullptr;
  for (const auto& size : sizes) {
    std::int64_t area = static_cast<std::int64_t>(Int(size, "width")) * Int(size, "height");
    if (area >= best_area) {
      best = &size;
      best_area = area;
    }
  }
  return best;
}

json InputFile(const MediaToSend& media) {
  if (!media.remote_id.empty()) return {{"@type", "inputFileRemote"}, {"id", media.remote_id}};
  return {{"@type", "inputFileLocal"}, {"path", media.local_path}};
}

}  // namespace

std::optional<MediaInfo> ParseMediaContent(const json& content) {
  std::string type = Text(content, "@type");
  for (const auto& shape : kShapes) {
    if (type != shape.content) continue;
    MediaInfo info;
    info.kind = shape.kind;
    const json& object = Field(content, shape.object);
    if (shape.kind == MediaKind::kPhoto) {
      const json* size = LargestPhotoSize(object);
      if (!size) return std::nullopt;
      ReadFile(Field(*size, "photo"), info);
      info.width = Int(*size, "width");
      info.height = Int(*size, "height");
      info.mime_type = "image/jpeg";  // Telegram re-encodes photos as JPEG
      return info;
    }
    ReadFile(Field(object, shape.file), info);
    info.mime_type = Text(object, "mime_type");
    info.file_name = Text(object, "file_name");
    info.width = Int(object, "width");
    info.height = Int(object, "height");
    info.duration = Int(object, "duration");
    return info;
  }
  return std::nullopt;
}

FormattedText MediaCaption(const json& content) { return ParseFormattedText(Field(content, "caption")); }

json InputMediaContent(const MediaToSend& media, const FormattedText& caption) {
  const MediaShape& shape = ShapeOf(media.kind);
  json file = InputFile(media);
  json content = {{"@type", std::string(shape.input)}};
  // Only the fields each input object has (TDLib ignores others; the
  // simulator's conformance checks do not).
  auto sized = [&](json object, bool dimensions, bool duration) {
    if (dimensions && media.width > 0) object["width"] = media.width;
    if (dimensions && media.height > 0) object["height"] = media.height;
    if (duration && media.duration > 0) object["duration"] = media.duration;
    return object;
  };
  switch (media.kind) {
    case MediaKind::kPhoto:
      content["photo"] = sized({{"@type", "inputPhoto"}, {"photo", file}}, true, false);
      break;
    case MediaKind::kDocument:
      content["document"] = {{"@type", "inputDocument"}, {"document", file}};
      break;
    case MediaKind::kVideo:
      content["video"] = sized({{"@type", "inputVideo"}, {"video", file}, {"supports_streaming", true}}, true, true);
      break;
    case MediaKind::kVoice:
      content["voice_note"] = file;
      if (media.duration > 0) content["duration"] = media.duration;
      break;
    case MediaKind::kAudio:
      content["audio"] = sized({{"@type", "inputAudio"}, {"audio", file}}, false, true);
      break;
    case MediaKind::kAnimation:
      content["animation"] = sized({{"@type", "inputAnimation"}, {"animation", file}}, true, true);
      break;
  }
  content["caption"] = FormattedTextJson(caption);
  return content;
}

std::string_view FileTypeOf(MediaKind kind) { return ShapeOf(kind).file_type; }

}  // namespace tgmux::telegram
