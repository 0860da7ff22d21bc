// getFile, getRemoteFile, downloadFile and deleteFile (Requests.cpp, FileManager.cpp).
// tgsim writes downloads straight into the client's files directory, in TDLib's
// subfolders (documents/, photos/, …); the bytes never pass through the library.
#include <filesystem>
#include <fstream>

#include "sim/engine/client.h"
#include "sim/engine/objects.h"
#include "sim/tdapi/text.h"

namespace tgsim {
namespace {

constexpr double kStepSeconds = 0.01;

bool WriteWholeFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return static_cast<bool>(out);
}

}  // namespace

void ClientSession::HandleGetFile(Request& request) {
  ClientFile* file = files_.Find(static_cast<int>(GetInt(request.object, "file_id")));
  if (file == nullptr) return RespondError(request, 404, "Not Found");  // a null file object
  Respond(request, files_.Object(*file));
}

void ClientSession::HandleGetRemoteFile(Request& request) {
  std::string remote_id = GetString(request.object, "remote_file_id");
  if (!IsValidUtf8(remote_id)) return RespondError(request, 400, "Strings must be encoded in UTF-8");
  // A null file_type is TDLib's Temp: no type check.
  std::optional<MediaKind> kind = MediaKindByFileType(TypeOf(GetObject(request.object, "file_type")));
  RemoteIdLookup lookup = files_.store().Lookup(remote_id, kind);
  if (lookup.file == nullptr) return RespondError(request, 400, lookup.error);
  Respond(request, files_.Object(files_.ForCloud(*lookup.file)));
}

void ClientSession::HandleDownloadFile(Request& request) {
  std::int64_t priority = GetInt(request.object, "priority");
  if (priority < 1 || priority > 32) return RespondError(request, 400, "Priority must be between 1 and 32");
  if (GetInt(request.object, "offset") < 0) return RespondError(request, 400, "Download offset must be non-negative");
  if (GetInt(request.object, "limit") < 0) return RespondError(request, 400, "Download limit must be non-negative");
  int file_id = static_cast<int>(GetInt(request.object, "file_id"));
  ClientFile* file = files_.Find(file_id);
  if (file == nullptr) return RespondError(request, 400, "File not found");
  bool synchronous = GetBool(request.object, "synchronous");
  if (!file->local_path.empty()) return Respond(request, files_.Object(*file));
  const CloudFile* cloud = files_.store().Find(file->cloud_id);
  if (cloud == nullptr || !cloud->users.contains(user_id_)) {
    // No valid file reference for this account: the download cannot start.
    if (synchronous) return RespondError(request, 400, "File download has failed or was canceled");
    return Respond(request, files_.Object(*file));
  }
  if (synchronous) download_waiters_[file_id].push_back(request);
  if (file->downloading) {
    if (!synchronous) Respond(request, files_.Object(*file));
    return;
  }
  file->downloading = true;
  file->downloaded = 0;
  if (!synchronous) Respond(request, files_.Object(*file));
  EmitFile(*file);
  std::weak_ptr<ClientSession> weak = weak_from_this();
  int steps = static_cast<int>(std::min<std::int64_t>(4, 1 + file->size / (512 << 10)));
  CallServerDetached(
      "", [weak, file_id, steps] { if (auto self = weak.lock()) self->DownloadStep(file_id, 1, steps); },
      [weak, file_id](Json) { if (auto self = weak.lock()) self->FinishDownload(file_id, false); });
}

void ClientSession::DownloadStep(int file_id, int step, int steps) {
  ClientFile* file = files_.Find(file_id);
  if (file == nullptr || !file->downloading || state_ == AuthState::kClosed) return;
  if (step < steps) {
    file->downloaded = file->size * step / steps;
    EmitFile(*file);
    std::weak_ptr<ClientSession> weak = weak_from_this();
    world_.scheduler().After(kStepSeconds, [weak, file_id, step, steps] {
      if (auto self = weak.lock()) self->DownloadStep(file_id, step + 1, steps);
    });
    return;
  }
  const CloudFile* cloud = files_.store().Find(file->cloud_id);
  std::string path = cloud != nullptr ? DownloadPath(*file) : "";
  bool ok = !path.empty() && WriteWholeFile(path, cloud->bytes);
  if (ok) {
    file->local_path = path;
    file->local_in_files_dir = true;
  }
  FinishDownload(file_id, ok);
}

void ClientSession::FinishDownload(int file_id, bool ok) {
  ClientFile* file = files_.Find(file_id);
  if (file == nullptr) return;
  file->downloading = false;
  if (!ok) file->downloaded = 0;
  EmitFile(*file);
  auto waiters = std::move(download_waiters_[file_id]);
  download_waiters_.erase(file_id);
  for (auto& waiter : waiters) {
    if (ok) Respond(waiter, files_.Object(*file));
    else RespondError(waiter, 400, "File download has failed or was canceled");
  }
}

// Like TDLib's create_from_temp: the file's own name when it has one (name_(0).ext,
// name_(1).ext, … when taken), otherwise file_N.ext.
std::string ClientSession::DownloadPath(ClientFile& file) {
  namespace fs = std::filesystem;
  fs::path dir = fs::path(files_directory_) / std::string(InfoOf(file.kind).directory);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return "";
  std::string name = fs::path(file.file_name).filename().string();
  if (!name.empty()) {
    fs::path stem = fs::path(name).stem(), ext = fs::path(name).extension();
    if (!fs::exists(dir / name)) return (dir / name).string();
    for (int i = 0; i < 10; ++i) {
      fs::path candidate = dir / (stem.string() + "_(" + std::to_string(i) + ")" + ext.string());
      if (!fs::exists(candidate)) return candidate.string();
    }
  }
  std::string ext = ExtensionForMime(file.mime_type);
  if (ext.empty() || file.kind == MediaKind::kVoiceNote || file.kind == MediaKind::kPhoto) {
    ext = std::string(InfoOf(file.kind).default_ext);
  }
  for (;;) {
    fs::path candidate = dir / ("file_" + std::to_string(files_.NextDownloadNumber()) + (ext.empty() ? "" : "." + ext));
    if (!fs::exists(candidate)) return candidate.string();
  }
}

void ClientSession::HandleDeleteFile(Request& request) {
  ClientFile* file = files_.Find(static_cast<int>(GetInt(request.object, "file_id")));
  // TDLib removes only what it downloaded into its files directory; unknown ids are ok.
  if (file != nullptr && file->local_in_files_dir && !file->local_path.empty()) {
    std::error_code ec;
    std::filesystem::remove(file->local_path, ec);
    file->local_path.clear();
    file->local_in_files_dir = false;
    file->downloaded = 0;
    EmitFile(*file);
  }
  Respond(request, Obj("ok"));
}

}  // namespace tgsim
