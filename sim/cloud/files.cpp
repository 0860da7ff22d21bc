// The cloud's files and their persistent ids. A remote id is base64url of
// [kind][id:8][access hash:8][minor version][4], like TDLib's v3 persistent ids, whose
// last byte is PERSISTENT_ID_VERSION = 4; a unique id is base64url of [kind][id:8].
#include "sim/cloud/files.h"

#include <sodium.h>

#include <array>

namespace tgsim {
namespace {

constexpr std::array<MediaKindInfo, 6> kMediaKinds = {{
    {MediaKind::kPhoto, "photo", "fileTypePhoto", "Photo", "photos", "image/jpeg", "jpg"},
    {MediaKind::kDocument, "document", "fileTypeDocument", "Document", "documents",
     "application/octet-stream", ""},
    {MediaKind::kVideo, "video", "fileTypeVideo", "Video", "videos", "video/mp4", "mp4"},
    {MediaKind::kVoiceNote, "voice", "fileTypeVoiceNote", "VoiceNote", "voice", "audio/ogg", "oga"},
    {MediaKind::kAudio, "audio", "fileTypeAudio", "Audio", "music", "audio/mpeg", "mp3"},
    {MediaKind::kAnimation, "animation", "fileTypeAnimation", "Animation", "animations",
     "video/mp4", "mp4"},
}};

constexpr char kRemoteIdVersion = 4;  // FileNode::PERSISTENT_ID_VERSION
constexpr char kRemoteIdMinor = 0x35;
constexpr std::string_view kUrlAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

void PutInt64(std::string& out, std::int64_t value) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((static_cast<std::uint64_t>(value) >> (8 * i)) & 0xff));
}

std::int64_t GetInt64(std::string_view in) {
  std::uint64_t value = 0;
  for (int i = 7; i >= 0; --i) value = (value << 8) | static_cast<unsigned char>(in[i]);
  return static_cast<std::int64_t>(value);
}

}  // namespace

const MediaKindInfo& InfoOf(MediaKind kind) { return kMediaKinds[static_cast<std::size_t>(kind)]; }

std::optional<MediaKind> MediaKindByName(std::string_view name) {
  for (const auto& info : kMediaKinds) {
    if (info.name == name) return info.kind;
  }
  return std::nullopt;
}

std::optional<MediaKind> MediaKindByFileType(std::string_view file_type) {
  for (const auto& info : kMediaKinds) {
    if (info.file_type == file_type) return info.kind;
  }
  return std::nullopt;
}

bool SameFileClass(MediaKind a, MediaKind b) {
  return (a == MediaKind::kPhoto) == (b == MediaKind::kPhoto);
}

std::string Base64UrlEncode(std::string_view bytes) {
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kUrlAlphabet[(buffer >> bits) & 63]);
    }
  }
  if (bits > 0) out.push_back(kUrlAlphabet[(buffer << (6 - bits)) & 63]);
  return out;
}

// td::base64url_decode: optional padding, then strict characters and zero pad bits.
bool Base64UrlDecode(std::string_view text, std::string& out, std::string& error) {
  std::size_t padding = 0;
  while (!text.empty() && text.back() == '=') {
    text.remove_suffix(1);
    ++padding;
  }
  if (padding >= 3) return error = "Wrong string padding", false;
  if (padding > 0 && ((text.size() + padding) & 3) != 0) return error = "Wrong padding length", false;
  if ((text.size() & 3) == 1) return error = "Wrong string length", false;
  out.clear();
  for (std::size_t i = 0; i < text.size(); i += 4) {
    std::size_t left = std::min<std::size_t>(4, text.size() - i);
    std::uint32_t c = 0;
    for (std::size_t t = 0; t < left; ++t) {
      auto pos = kUrlAlphabet.find(text[i + t]);
      if (pos == std::string_view::npos) return error = "Wrong character in the string", false;
      c |= static_cast<std::uint32_t>(pos) << ((3 - t) * 6);
    }
    out.push_back(static_cast<char>(c >> 16));
    if (left == 2) {
      if ((c & 0xffff) != 0) return error = "Wrong padding in the string", false;
    } else {
      out.push_back(static_cast<char>((c >> 8) & 0xff));
      if (left == 3) {
        if ((c & 0xff) != 0) return error = "Wrong padding in the string", false;
      } else {
        out.push_back(static_cast<char>(c & 0xff));
      }
    }
  }
  return true;
}

std::string Base64Encode(std::string_view bytes) {
  std::string out(sodium_base64_encoded_len(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

bool Base64Decode(std::string_view text, std::string& out) {
  out.assign(text.size(), '\0');
  std::size_t length = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                        text.size(), " \r\n", &length, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0) {
    return false;
  }
  out.resize(length);
  return true;
}

std::string RemoteIdOf(const CloudFile& file) {
  std::string binary;
  binary.push_back(static_cast<char>(static_cast<int>(file.kind) + 1));
  binary.append({'\0', '\0', '\0'});
  PutInt64(binary, file.id);
  PutInt64(binary, file.access_hash);
  binary.push_back(kRemoteIdMinor);
  binary.push_back(kRemoteIdVersion);
  return Base64UrlEncode(binary);
}

std::string UniqueIdOf(const CloudFile& file) {
  std::string binary;
  binary.push_back(static_cast<char>(file.kind == MediaKind::kPhoto ? 1 : 2));
  PutInt64(binary, file.id);
  return Base64UrlEncode(binary);
}

CloudFile& FileStore::Add(MediaKind kind, std::string bytes, std::int64_t owner) {
  CloudFile& file = files_[next_id_];
  file.id = next_id_++;
  file.kind = kind;
  file.bytes = std::move(bytes);
  randombytes_buf(&file.access_hash, sizeof file.access_hash);
  file.users.insert(owner);
  return file;
}

CloudFile* FileStore::Find(std::int64_t id) {
  auto it = files_.find(id);
  return it == files_.end() ? nullptr : &it->second;
}

const CloudFile* FileStore::Find(std::int64_t id) const {
  auto it = files_.find(id);
  return it == files_.end() ? nullptr : &it->second;
}

CloudFile* FileStore::FindByUniqueId(std::string_view unique_id) {
  std::string binary, error;
  if (!Base64UrlDecode(unique_id, binary, error) || binary.size() != 9) return nullptr;
  CloudFile* file = Find(GetInt64(std::string_view(binary).substr(1)));
  return file != nullptr && UniqueIdOf(*file) == unique_id ? file : nullptr;
}

RemoteIdLookup FileStore::Lookup(std::string_view remote_id, std::optional<MediaKind> expected) {
  RemoteIdLookup result;
  std::string binary, error;
  if (!Base64UrlDecode(remote_id, binary, error)) {
    result.error = "Wrong remote file identifier specified: " + error;
    return result;
  }
  if (binary.empty()) {
    result.error = "Remote file identifier must be non-empty";
    return result;
  }
  if (binary.back() < 2 || binary.back() > kRemoteIdVersion) {
    result.error = "Wrong remote file identifier specified: can't unserialize it. Wrong last symbol";
    return result;
  }
  CloudFile* file = nullptr;
  if (binary.size() == 22 && binary.back() == kRemoteIdVersion) {
    file = Find(GetInt64(std::string_view(binary).substr(4, 8)));
    if (file != nullptr && file->access_hash != GetInt64(std::string_view(binary).substr(12, 8))) {
      file = nullptr;
    }
  }
  if (file == nullptr) {
    result.error = "Wrong remote file identifier specified: can't unserialize it";
    return result;
  }
  if (expected && !SameFileClass(file->kind, *expected)) {
    result.error = "Can't use file of type " + std::string(InfoOf(file->kind).type_name) + " as " +
                   std::string(InfoOf(*expected).type_name);
    return result;
  }
  result.file = file;
  return result;
}

void FileStore::GrantAccess(std::int64_t file_id, std::int64_t user_id) {
  if (CloudFile* file = Find(file_id)) file->users.insert(user_id);
}

Json FileStore::ToJson() const {
  Json out = Json::array();
  for (const auto& [id, file] : files_) {
    out.push_back({{"id", id}, {"kind", InfoOf(file.kind).name}, {"hash", file.access_hash},
                   {"users", file.users}, {"bytes", Base64Encode(file.bytes)}});
  }
  return out;
}

void FileStore::FromJson(const Json& state) {
  for (const auto& j : state) {
    CloudFile& file = files_[j.at("id").get<std::int64_t>()];
    file.id = j.at("id");
    file.kind = MediaKindByName(j.at("kind").get<std::string>()).value_or(MediaKind::kDocument);
    file.access_hash = j.at("hash");
    file.users = j.at("users").get<std::set<std::int64_t>>();
    Base64Decode(j.at("bytes").get<std::string>(), file.bytes);
    next_id_ = std::max(next_id_, file.id + 1);
  }
}

}  // namespace tgsim
