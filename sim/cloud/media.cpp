// Media attributes: MIME types by extension and image headers.
#include "sim/cloud/media.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace tgsim {
namespace {

struct MimeRow {
  std::string_view extension, mime;
};

// The common rows of TDLib's mime table (td/utils/MimeType.cpp); the first row of a
// MIME type gives its extension.
constexpr std::array<MimeRow, 24> kMimeTypes = {{
    {"pdf", "application/pdf"}, {"txt", "text/plain"}, {"html", "text/html"},
    {"htm", "text/html"}, {"png", "image/png"}, {"jpg", "image/jpeg"}, {"jpeg", "image/jpeg"},
    {"gif", "image/gif"}, {"webp", "image/webp"}, {"mp4", "video/mp4"},
    {"mov", "video/quicktime"}, {"webm", "video/webm"}, {"oga", "audio/ogg"}, {"ogg", "audio/ogg"},
    {"opus", "audio/ogg"}, {"mp3", "audio/mpeg"}, {"m4a", "audio/mp4"}, {"wav", "audio/x-wav"},
    {"flac", "audio/flac"}, {"zip", "application/zip"}, {"json", "application/json"},
    {"csv", "text/csv"}, {"xml", "application/xml"}, {"doc", "application/msword"},
}};

std::uint32_t BigEndian32(std::string_view bytes, std::size_t at) {
  std::uint32_t value = 0;
  for (std::size_t i = 0; i < 4; ++i) value = (value << 8) | static_cast<unsigned char>(bytes[at + i]);
  return value;
}

std::pair<int, int> JpegDimensions(std::string_view bytes) {
  std::size_t i = 2;
  while (i + 9 < bytes.size()) {
    if (static_cast<unsigned char>(bytes[i]) != 0xff) return {0, 0};
    unsigned char marker = static_cast<unsigned char>(bytes[i + 1]);
    std::size_t length = (static_cast<unsigned char>(bytes[i + 2]) << 8) | static_cast<unsigned char>(bytes[i + 3]);
    bool is_sof = marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc;
    if (is_sof) {
      int height = (static_cast<unsigned char>(bytes[i + 5]) << 8) | static_cast<unsigned char>(bytes[i + 6]);
      int width = (static_cast<unsigned char>(bytes[i + 7]) << 8) | static_cast<unsigned char>(bytes[i + 8]);
      return {width, height};
    }
    i += 2 + length;
  }
  return {0, 0};
}

}  // namespace

Json MediaInfoToJson(const MediaInfo& m) {
  return Json{{"kind", InfoOf(m.kind).name}, {"file", m.file}, {"width", m.width},
              {"height", m.height}, {"duration", m.duration}, {"file_name", m.file_name},
              {"mime_type", m.mime_type}, {"title", m.title}, {"performer", m.performer},
              {"waveform", Base64Encode(m.waveform)}, {"supports_streaming", m.supports_streaming}};
}

MediaInfo MediaInfoFromJson(const Json& j) {
  MediaInfo m;
  m.kind = MediaKindByName(j.at("kind").get<std::string>()).value_or(MediaKind::kDocument);
  m.file = j.at("file");
  m.width = j.value("width", 0);
  m.height = j.value("height", 0);
  m.duration = j.value("duration", 0);
  m.file_name = j.value("file_name", "");
  m.mime_type = j.value("mime_type", "");
  m.title = j.value("title", "");
  m.performer = j.value("performer", "");
  Base64Decode(j.value("waveform", ""), m.waveform);
  m.supports_streaming = j.value("supports_streaming", false);
  return m;
}

std::string MimeTypeFor(std::string_view file_name, MediaKind kind) {
  auto dot = file_name.rfind('.');
  if (dot != std::string_view::npos) {
    std::string extension(file_name.substr(dot + 1));
    std::transform(extension.begin(), extension.end(), extension.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    for (const auto& row : kMimeTypes) {
      if (row.extension == extension) return std::string(row.mime);
    }
  }
  return std::string(InfoOf(kind).default_mime);
}

std::string ExtensionForMime(std::string_view mime_type) {
  for (const auto& row : kMimeTypes) {
    if (row.mime == mime_type) return std::string(row.extension);
  }
  return "";
}

std::pair<int, int> ImageDimensions(std::string_view bytes) {
  static constexpr std::string_view kPng = "\x89PNG\r\n\x1a\n";
  if (bytes.size() >= 24 && bytes.substr(0, 8) == kPng && bytes.substr(12, 4) == "IHDR") {
    return {static_cast<int>(BigEndian32(bytes, 16)), static_cast<int>(BigEndian32(bytes, 20))};
  }
  if (bytes.size() >= 4 && static_cast<unsigned char>(bytes[0]) == 0xff &&
      static_cast<unsigned char>(bytes[1]) == 0xd8) {
    return JpegDimensions(bytes);
  }
  return {0, 0};
}

}  // namespace tgsim
