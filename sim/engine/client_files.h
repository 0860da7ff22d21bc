#pragma once
// The files one client knows, like TDLib's FileManager: numeric file ids valid for this
// client and run, assigned when the client first sees a file (a local path it sends, or
// a cloud file in a message or a remote id), and the `file` objects TDLib shows.
#include <cstdint>
#include <map>
#include <string>

#include "sim/cloud/files.h"
#include "sim/cloud/media.h"
#include "sim/tdapi/json.h"

namespace tgsim {

struct ClientFile {
  int id = 0;
  MediaKind kind = MediaKind::kDocument;
  std::int64_t cloud_id = 0;  // known remote copy; 0 until the sent message is on the server
  std::int64_t size = 0;
  std::string local_path;           // the full local copy, "" when there is none
  bool local_in_files_dir = false;  // downloaded here: deleteFile may remove it
  bool uploading = false, downloading = false;
  std::int64_t uploaded = 0, downloaded = 0;
  std::int64_t uploaded_cloud_id = 0;  // the bytes are on the server, not yet sent
  // What the file was last seen as (documents keep their name when sent again by id).
  std::string file_name, mime_type;
  int width = 0, height = 0, duration = 0;
};

class ClientFiles {
 public:
  explicit ClientFiles(FileStore& store) : store_(store) {}

  ClientFile* Find(int id);
  // The same path and kind class keep their file id, as in TDLib.
  ClientFile& ForLocalPath(const std::string& real_path, MediaKind kind, std::int64_t size);
  ClientFile& ForCloud(const CloudFile& file);
  // The upload of `file` became the cloud file `cloud_id` (TDLib merges the two).
  void AttachCloud(ClientFile& file, std::int64_t cloud_id);
  // The file of a media message as this client sees it; remembers its attributes.
  ClientFile& ForMedia(const MediaInfo& media);

  Json Object(const ClientFile& file) const;  // td_api file
  Json ObjectFor(const MediaInfo& media) { return Object(ForMedia(media)); }
  FileStore& store() { return store_; }
  int NextDownloadNumber() { return next_download_number_++; }

 private:
  FileStore& store_;
  std::map<int, ClientFile> files_;
  std::map<std::string, int> by_path_;
  std::map<std::int64_t, int> by_cloud_;
  int next_id_ = 1;
  int next_download_number_ = 0;  // TDLib's perm_file_id: file_0.jpg, file_1.jpg, …
};

}  // namespace tgsim
