#include "service/media/media_spool.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "crypto/sealed_file.h"
#include "telegram/encoding.h"

namespace tgmux::service {
namespace {

namespace fs = std::filesystem;

void MakePrivateDir(const fs::path& dir) {
  fs::create_directories(dir);
  fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace);
}

void RemoveQuietly(const fs::path& path) {
  std::error_code ignored;
  fs::remove_all(path, ignored);
}

}  // namespace

std::string SafeFileName(const std::string& name) {
  constexpr std::size_t kMaxBytes = 255;
  std::string out;
  for (std::size_t at = 0; at < name.size();) {
    const auto c = static_cast<unsigned char>(name[at]);
    if (c < 0x20 || c == 0x7f || c == '/' || c == '\\') {
      ++at;
      continue;
    }
    // A byte that starts no UTF-8 character (a name in Latin-1) is shown as '_':
    // the name goes into JSON and to TDLib, which both take UTF-8 only.
    const std::size_t length = telegram::Utf8CharacterAt(name, at);
    if (out.size() + std::max<std::size_t>(length, 1) > kMaxBytes) break;  // cut between characters
    if (length == 0) {
      out += '_';
      ++at;
    } else {
      out.append(name, at, length);
      at += length;
    }
  }
  while (!out.empty() && (out.front() == '.' || out.front() == ' ')) out.erase(0, 1);
  return out.empty() ? "file" : out;
}

MediaSpool::MediaSpool(const fs::path& data_dir)
    : outbox_dir_(data_dir / "media" / "outbox"), sending_dir_(data_dir / "media" / "sending") {
  MakePrivateDir(data_dir / "media");
  MakePrivateDir(outbox_dir_);
  MakePrivateDir(sending_dir_);
}

nlohmann::json MediaSpool::Record(const StagedFile& file) {
  return {{"name", file.path.filename().string()},
          {"key", file.key.ToBase64()},
          {"file_name", SafeFileName(file.file_name)},
          // A server's Content-Type of raw bytes is no type (JSON takes UTF-8 only).
          {"content_type", telegram::IsValidUtf8(file.content_type) ? file.content_type : ""},
          {"size", file.size}};
}

std::vector<std::string> MediaSpool::Unseal(const std::string& entry_id, const nlohmann::json& records) {
  fs::path dir = sending_dir_ / entry_id;
  RemoveQuietly(dir);  // a copy from an earlier attempt
  MakePrivateDir(dir);
  std::vector<std::string> paths;
  int index = 0;
  for (const auto& record : records) {
    // One subdirectory per file: two files of an album may share a name.
    fs::path sub = dir / std::to_string(index++);
    MakePrivateDir(sub);
    fs::path clear = sub / record.value("file_name", "file");
    auto key = crypto::SecretKey::FromBase64(record.value("key", ""));
    crypto::UnsealToFile(outbox_dir_ / record.value("name", ""), key, clear);
    paths.push_back(clear.string());
  }
  return paths;
}

void MediaSpool::Release(const std::string& entry_id, const nlohmann::json& records) {
  RemoveQuietly(sending_dir_ / entry_id);
  if (!records.is_array()) return;
  for (const auto& record : records) {
    std::string name = record.value("name", "");
    if (!name.empty() && name.find('/') == std::string::npos) RemoveQuietly(outbox_dir_ / name);
  }
}

int MediaSpool::RemoveOrphans(const std::set<std::string>& kept_names) {
  int removed = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(outbox_dir_, ec)) {
    if (kept_names.count(entry.path().filename().string())) continue;
    RemoveQuietly(entry.path());
    ++removed;
  }
  for (const auto& entry : fs::directory_iterator(sending_dir_, ec)) {
    RemoveQuietly(entry.path());
    ++removed;
  }
  if (removed > 0) spdlog::info("media: removed {} files left by an earlier run", removed);
  return removed;
}

}  // namespace tgmux::service
