// Uploads and the sending of media messages. The sequence, as TDLib shows it: the
// pending message, then updateFile with is_uploading_active and a growing uploaded_size,
// updateFile with the upload done (no remote id yet), then, once the server has the
// message, updateFile with remote.id / unique_id and updateMessageSendSucceeded.
// tgsim reads the bytes from the local path itself: they never pass through the library.
#include <fstream>
#include <iterator>

#include "sim/engine/client.h"
#include "sim/engine/objects.h"
#include "sim/tdapi/text.h"

namespace tgsim {
namespace {

constexpr double kStepSeconds = 0.01;
constexpr std::int64_t kPartSize = 512 << 10;

int StepsFor(std::int64_t size) { return static_cast<int>(std::min<std::int64_t>(4, 1 + size / kPartSize)); }

bool ReadWholeFile(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return !in.bad();
}

}  // namespace

void ClientSession::EmitFile(const ClientFile& file) {
  Json update = Obj("updateFile");
  update["file"] = files_.Object(file);
  Emit(update);
}

void ClientSession::StartMediaSend(std::int64_t chat_id, std::int64_t temp_id, StoredMessage pending) {
  std::weak_ptr<ClientSession> weak = weak_from_this();
  UploadFile(pending.media->client_file, [weak, chat_id, temp_id, pending](std::optional<Json> error) {
    auto self = weak.lock();
    if (!self) return;
    if (error) return self->FailMessage(chat_id, temp_id, pending, *error);
    self->CallServerDetached(
        "sendMessage",
        [weak, chat_id, temp_id, pending] {
          if (auto s = weak.lock()) s->CompleteMediaSend(chat_id, temp_id, pending);
        },
        [weak, chat_id, temp_id, pending](Json failure) {
          if (auto s = weak.lock()) s->FailMessage(chat_id, temp_id, pending, failure);
        });
  });
}

void ClientSession::UploadFile(int file_id, std::function<void(std::optional<Json>)> done) {
  ClientFile* file = files_.Find(file_id);
  if (file == nullptr) return done(MakeError(400, "File not found"));
  if (file->cloud_id != 0 || file->uploaded_cloud_id != 0) return done(std::nullopt);
  upload_waiters_[file_id].push_back(std::move(done));
  if (file->uploading) return;  // the running upload answers every waiter
  file->uploading = true;
  file->uploaded = 0;
  EmitFile(*file);
  std::weak_ptr<ClientSession> weak = weak_from_this();
  int steps = StepsFor(file->size);
  // The parts reach the server only while it is reachable (network, proxy).
  CallServerDetached(
      "", [weak, file_id, steps] { if (auto self = weak.lock()) self->UploadStep(file_id, 1, steps); },
      [weak, file_id](Json error) { if (auto self = weak.lock()) self->FinishUpload(file_id, error); });
}

void ClientSession::UploadStep(int file_id, int step, int steps) {
  ClientFile* file = files_.Find(file_id);
  if (file == nullptr || !file->uploading || state_ == AuthState::kClosed) return;
  if (step < steps) {
    file->uploaded = file->size * step / steps;
    EmitFile(*file);
    std::weak_ptr<ClientSession> weak = weak_from_this();
    world_.scheduler().After(kStepSeconds, [weak, file_id, step, steps] {
      if (auto self = weak.lock()) self->UploadStep(file_id, step + 1, steps);
    });
    return;
  }
  std::string bytes;
  if (!ReadWholeFile(file->local_path, bytes) || bytes.empty()) {
    return FinishUpload(file_id, MakeError(400, "File not found"));
  }
  file->size = static_cast<std::int64_t>(bytes.size());
  file->uploaded_cloud_id = files_.store().Add(file->kind, std::move(bytes), user_id_).id;
  FinishUpload(file_id, std::nullopt);
}

void ClientSession::FinishUpload(int file_id, std::optional<Json> error) {
  ClientFile* file = files_.Find(file_id);
  if (file == nullptr) return;
  file->uploading = false;
  file->uploaded = error ? 0 : file->size;
  EmitFile(*file);
  auto waiters = std::move(upload_waiters_[file_id]);
  upload_waiters_.erase(file_id);
  for (auto& waiter : waiters) waiter(error);
}

void ClientSession::CompleteMediaSend(std::int64_t chat_id, std::int64_t temp_id, StoredMessage pending) {
  if (state_ != AuthState::kReady) return;
  MediaInfo media = *pending.media;
  ClientFile* file = files_.Find(media.client_file);
  std::int64_t cloud_id = file == nullptr ? 0 : file->cloud_id != 0 ? file->cloud_id : file->uploaded_cloud_id;
  const CloudFile* cloud = files_.store().Find(cloud_id);
  if (cloud == nullptr || !cloud->users.contains(user_id_)) {
    // A remote id this account never had: TDLib cannot send it and cannot upload it.
    return FailMessage(chat_id, temp_id, pending,
                       MakeError(400, "Need full local (or generate, or inactive remote) location for upload"));
  }
  if (Utf16Length(pending.text.value("text", std::string())) > 1024) {
    return FailMessage(chat_id, temp_id, pending, MakeError(400, "Message caption is too long"));
  }
  std::weak_ptr<ClientSession> weak = weak_from_this();
  bool held = HoldSend(
      chat_id, temp_id,
      [weak, chat_id, temp_id, pending] {
        if (auto self = weak.lock()) self->CompleteMediaSend(chat_id, temp_id, pending);
      },
      [this, chat_id, temp_id, &pending](Json error) { FailMessage(chat_id, temp_id, pending, error); },
      pending.topic_id);
  if (held) return;
  media.file = cloud_id;
  if (media.kind == MediaKind::kPhoto && media.width == 0 && media.height == 0) {
    std::tie(media.width, media.height) = ImageDimensions(cloud->bytes);  // the server reads the image
  }
  MessageMedia extras{media, pending.media_album_id, pending.reply_markup, pending.contact};
  extras.topic_id = pending.topic_id;
  auto copies = world_.cloud().Send(user_id_, chat_id, pending.text, pending.reply_to_id,
                                    world_.scheduler().Now(), extras);
  if (file->cloud_id == 0) {
    files_.AttachCloud(*file, cloud_id);
    file->uploaded_cloud_id = 0;
    EmitFile(*file);
  }
  SendSucceeded(chat_id, temp_id, copies);
}

}  // namespace tgsim
