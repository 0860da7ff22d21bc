#pragma once
// What a media message carries besides its caption: the kind, the cloud file and the
// attributes TDLib shows (sizes, duration, file name, MIME type, …).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sim/cloud/files.h"
#include "sim/tdapi/json.h"

namespace tgsim {

struct MediaInfo {
  MediaKind kind = MediaKind::kDocument;
  std::int64_t file = 0;  // cloud file id; 0 while the sender's message is still local
  int client_file = 0;    // the sender's file id until the upload is done (never stored)
  int width = 0, height = 0, duration = 0;
  std::string file_name, mime_type, title, performer;
  std::string waveform;  // raw bytes (voice notes)
  bool supports_streaming = false;
};

Json MediaInfoToJson(const MediaInfo& media);
MediaInfo MediaInfoFromJson(const Json& j);

// The MIME type TDLib derives from a file name's extension for `kind` (pdf, txt, html,
// png, jpg, mp4, ogg, mp3, gif, …), the kind's default otherwise.
std::string MimeTypeFor(std::string_view file_name, MediaKind kind);
// The extension TDLib gives a downloaded file of this MIME type ("" when unknown).
std::string ExtensionForMime(std::string_view mime_type);
// Width and height from a PNG IHDR or JPEG SOF header; {0, 0} for anything else.
std::pair<int, int> ImageDimensions(std::string_view bytes);

}  // namespace tgsim
