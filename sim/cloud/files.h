#pragma once
// Files kept by the simulated cloud: their bytes, TDLib-style persistent remote ids
// (`remote.id`, the same string for every account) and unique ids (`remote.unique_id`),
// and which accounts may use them (those that sent or received them).
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "sim/tdapi/json.h"

namespace tgsim {

enum class MediaKind { kPhoto, kDocument, kVideo, kVoiceNote, kAudio, kAnimation };

// One row of the media name table.
struct MediaKindInfo {
  MediaKind kind;
  std::string_view name;         // control API: photo, document, …
  std::string_view file_type;    // td_api FileType: fileTypePhoto, …
  std::string_view type_name;    // as TDLib prints a FileType in errors: Photo, Document, …
  std::string_view directory;    // subfolder of files_directory TDLib downloads into
  std::string_view default_mime; // when the extension says nothing
  std::string_view default_ext;  // of a downloaded file that has no name
};

const MediaKindInfo& InfoOf(MediaKind kind);
std::optional<MediaKind> MediaKindByName(std::string_view name);
std::optional<MediaKind> MediaKindByFileType(std::string_view file_type);
// TDLib's FileTypeClass: every kind but photos is a "document" and may stand for another.
bool SameFileClass(MediaKind a, MediaKind b);

struct CloudFile {
  std::int64_t id = 0;
  MediaKind kind = MediaKind::kDocument;
  std::string bytes;
  std::int64_t access_hash = 0;
  std::set<std::int64_t> users;  // accounts that sent or received the file
  std::int64_t size() const { return static_cast<std::int64_t>(bytes.size()); }
};

std::string RemoteIdOf(const CloudFile& file);  // base64url, ends with TDLib's version byte 4
std::string UniqueIdOf(const CloudFile& file);  // base64url, shorter, stable

// What a remote id names, or TDLib's error text for one it cannot parse.
struct RemoteIdLookup {
  CloudFile* file = nullptr;
  std::string error;  // code 400 when non-empty
};

class FileStore {
 public:
  CloudFile& Add(MediaKind kind, std::string bytes, std::int64_t owner);
  CloudFile* Find(std::int64_t id);
  const CloudFile* Find(std::int64_t id) const;
  CloudFile* FindByUniqueId(std::string_view unique_id);
  // Parses like FileManager::from_persistent_id; `expected` is the requested file type
  // (nullopt: fileTypeNone/Temp, no type check).
  RemoteIdLookup Lookup(std::string_view remote_id, std::optional<MediaKind> expected);
  void GrantAccess(std::int64_t file_id, std::int64_t user_id);

  Json ToJson() const;  // bytes as base64
  void FromJson(const Json& state);

 private:
  std::map<std::int64_t, CloudFile> files_;
  std::int64_t next_id_ = 1;
};

// base64url without padding (TDLib's alphabet); Decode returns TDLib's error texts.
std::string Base64UrlEncode(std::string_view bytes);
bool Base64UrlDecode(std::string_view text, std::string& out, std::string& error);
std::string Base64Encode(std::string_view bytes);  // standard alphabet with padding
bool Base64Decode(std::string_view text, std::string& out);

}  // namespace tgsim
