#include "sim/engine/client_files.h"

#include "sim/engine/objects.h"

namespace tgsim {

ClientFile* ClientFiles::Find(int id) {
  auto it = files_.find(id);
  return it == files_.end() ? nullptr : &it->second;
}

ClientFile& ClientFiles::ForLocalPath(const std::string& real_path, MediaKind kind, std::int64_t size) {
  std::string key = std::string(kind == MediaKind::kPhoto ? "photo|" : "document|") + real_path;
  auto it = by_path_.find(key);
  if (it != by_path_.end()) {
    ClientFile& known = files_.at(it->second);
    if (known.cloud_id == 0 && !known.uploading) known.size = size;
    return known;
  }
  ClientFile& file = files_[next_id_];
  file.id = next_id_++;
  file.kind = kind;
  file.size = size;
  file.local_path = real_path;
  by_path_[key] = file.id;
  return file;
}

ClientFile& ClientFiles::ForCloud(const CloudFile& cloud) {
  auto it = by_cloud_.find(cloud.id);
  if (it != by_cloud_.end()) return files_.at(it->second);
  ClientFile& file = files_[next_id_];
  file.id = next_id_++;
  file.kind = cloud.kind;
  file.size = cloud.size();
  file.cloud_id = cloud.id;
  by_cloud_[cloud.id] = file.id;
  return file;
}

void ClientFiles::AttachCloud(ClientFile& file, std::int64_t cloud_id) {
  file.cloud_id = cloud_id;
  by_cloud_[cloud_id] = file.id;
}

ClientFile& ClientFiles::ForMedia(const MediaInfo& media) {
  ClientFile* file = media.client_file != 0 ? Find(media.client_file) : nullptr;
  if (file == nullptr) {
    const CloudFile* cloud = store_.Find(media.file);
    static const CloudFile kMissing;
    file = &ForCloud(cloud != nullptr ? *cloud : kMissing);
  }
  file->file_name = media.file_name;
  file->mime_type = media.mime_type;
  file->width = media.width;
  file->height = media.height;
  file->duration = media.duration;
  return *file;
}

// FileManager::get_file_object: a remote id only once the file is on the server, the
// local path only for a complete local copy.
Json ClientFiles::Object(const ClientFile& file) const {
  const CloudFile* cloud = file.cloud_id != 0 ? store_.Find(file.cloud_id) : nullptr;
  bool complete = !file.local_path.empty();
  std::int64_t downloaded = complete ? file.size : file.downloaded;
  Json local = Obj("localFile");
  local["path"] = file.local_path;
  local["can_be_downloaded"] = cloud != nullptr;
  local["can_be_deleted"] = complete && file.local_in_files_dir;
  local["is_downloading_active"] = file.downloading;
  local["is_downloading_completed"] = complete;
  local["download_offset"] = 0;
  local["downloaded_prefix_size"] = downloaded;
  local["downloaded_size"] = downloaded;
  Json remote = Obj("remoteFile");
  remote["id"] = cloud != nullptr ? RemoteIdOf(*cloud) : "";
  remote["unique_id"] = cloud != nullptr ? UniqueIdOf(*cloud) : "";
  remote["is_uploading_active"] = file.uploading;
  remote["is_uploading_completed"] = cloud != nullptr;
  remote["uploaded_size"] = cloud != nullptr ? file.size : file.uploaded;
  Json out = Obj("file");
  out["id"] = file.id;
  out["size"] = file.size;
  out["expected_size"] = file.size;
  out["local"] = local;
  out["remote"] = remote;
  return out;
}

}  // namespace tgsim
