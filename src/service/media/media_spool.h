// Where media waits on disk (docs/architecture.md, Media): uploads sealed in
// <data_dir>/media/outbox until their outbox entry ends, and the clear copy
// TDLib reads while it uploads, in <data_dir>/media/sending/<entry id>/,
// removed as soon as the entry is sent or failed. Thread-safe.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "service/media/staged_file.h"

namespace tgmux::service {

class MediaSpool {
 public:
  // Creates the directories (mode 0700) when missing.
  explicit MediaSpool(const std::filesystem::path& data_dir);

  // Where the HTTP server seals uploads (the same directory entries keep them in).
  const std::filesystem::path& upload_dir() const { return outbox_dir_; }

  // The record an outbox entry keeps of a staged file (name, key, file name,
  // content type, size); the entry's media field is sealed, and the key with it.
  static nlohmann::json Record(const StagedFile& file);
  // A clear copy of each recorded file for TDLib, named as the client named
  // it, in a directory of the entry's own; returns the paths in order. Throws
  // std::runtime_error (crypto::DecryptError) when a file is gone or altered.
  std::vector<std::string> Unseal(const std::string& entry_id, const nlohmann::json& records);
  // The entry ended: its sealed files and clear copies go.
  void Release(const std::string& entry_id, const nlohmann::json& records);
  // At start-up: removes sealed files no unfinished entry names (uploads of
  // requests that never became entries) and every clear copy. Returns how many.
  int RemoveOrphans(const std::set<std::string>& kept_names);

 private:
  std::filesystem::path outbox_dir_;
  std::filesystem::path sending_dir_;
};

// A file name safe to create and send: UTF-8 ('_' for other bytes), no directories,
// no leading dot, no control characters, at most 255 bytes; "file" when nothing is left.
std::string SafeFileName(const std::string& name);

}  // namespace tgmux::service
