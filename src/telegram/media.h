// Media in messages, as the adapter hands it up and takes it down: the kind of
// file, what Telegram says about it, and where a file to send comes from.
// TDLib's numeric file ids are per client and per run; they never leave
// telegram/. Files are named above it by Telegram's persistent remote id (valid
// for this account) and unique id (the same file for every account).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tgmux::telegram {

struct FormattedText;

// The one name table: "photo", "document", "video", "voice", "audio", "animation".
enum class MediaKind { kPhoto, kDocument, kVideo, kVoice, kAudio, kAnimation };
std::string_view MediaKindName(MediaKind kind);
std::optional<MediaKind> MediaKindFromName(std::string_view name);

// The file a message carries (for a photo: its largest size).
struct MediaInfo {
  MediaKind kind = MediaKind::kDocument;
  std::string remote_id;  // Telegram's id of the file for this account
  std::string unique_id;  // the same file for every account
  std::int64_t size = 0;  // bytes; 0 when Telegram does not say
  std::string mime_type;
  std::string file_name;
  int width = 0, height = 0;  // photos, videos, animations
  int duration = 0;           // seconds: videos, voice notes, audio, animations
  std::string file_id;        // tgmux's id for it; filled above the adapter

  bool operator==(const MediaInfo&) const = default;
};

// A file to send: a clear local file TDLib uploads, or one this account
// already has (its remote id).
struct MediaToSend {
  MediaKind kind = MediaKind::kDocument;
  std::string local_path;
  std::string remote_id;
  int width = 0, height = 0, duration = 0;  // 0: let Telegram find out
};

// A file downloaded by TDLib into the account's files directory.
struct DownloadedFile {
  std::string path;
  std::int64_t size = 0;
};

// TDLib's default caption limit (option message_caption_length_max).
constexpr int kDefaultCaptionLengthMax = 1024;

}  // namespace tgmux::telegram
