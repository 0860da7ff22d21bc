// editMessageMedia (MessagesManager::edit_message_media): the new file is uploaded
// like a sent one, then the server replaces the media and caption; every side gets
// updateMessageContent and updateMessageEdited, then the editor the message.
#include "sim/engine/client.h"
#include "sim/engine/objects.h"

namespace tgsim {
namespace {

bool EditableKind(MediaKind kind) {
  return kind == MediaKind::kAnimation || kind == MediaKind::kAudio || kind == MediaKind::kDocument ||
         kind == MediaKind::kPhoto || kind == MediaKind::kVideo;
}

bool Homogenous(MediaKind kind) { return kind == MediaKind::kAudio || kind == MediaKind::kDocument; }

}  // namespace

void ClientSession::HandleEditMessageMedia(Request& request) {
  const Json& content = GetObject(request.object, "input_message_content");
  if (content.is_null()) return RespondError(request, 400, "Can't edit message without new content");
  std::optional<MediaKind> kind = InputContentKind(TypeOf(content));
  if (!kind || !EditableKind(*kind)) return RespondError(request, 400, "Unsupported input message content type");
  std::int64_t chat_id = GetInt(request.object, "chat_id");
  std::int64_t message_id = GetInt(request.object, "message_id");
  if (!CheckChat(request, chat_id)) return;
  Dialog* dialog = world_.cloud().FindDialog(user_id_, chat_id);
  if (dialog == nullptr || !dialog->messages.contains(message_id)) {
    return RespondError(request, 400, "Message not found");
  }
  const StoredMessage& message = dialog->messages.at(message_id);
  if (!message.outgoing || !message.media || !EditableKind(message.media->kind)) {
    return RespondError(request, 400, "Message media can't be edited");
  }
  MediaKind old_kind = message.media->kind;
  bool in_album = message.media_album_id != 0;
  std::optional<PreparedMedia> prepared = PrepareMedia(request, content);
  if (!prepared) return;
  if (in_album && old_kind != *kind) {
    if (*kind == MediaKind::kAnimation) {
      return RespondError(request, 400, "Message content type can't be used in an album");
    }
    if (Homogenous(old_kind) || Homogenous(*kind)) {
      return RespondError(request, 400, "Can't change media type in the album");
    }
  }
  std::optional<Json> markup = InputReplyMarkup(request, chat_id, true);
  if (!markup) return;
  if (!is_bot_) markup.reset();
  auto shared_request = std::make_shared<Request>(request);
  std::weak_ptr<ClientSession> weak = weak_from_this();
  UploadFile(prepared->media.client_file,
             [weak, shared_request, chat_id, message_id, prepared, markup](std::optional<Json> error) {
               auto self = weak.lock();
               if (!self) return;
               if (error) return self->Respond(*shared_request, *error);
               self->CallServer(*shared_request, [weak, chat_id, message_id, prepared, markup](Request& r) {
                 if (auto s = weak.lock()) s->CompleteMediaEdit(r, chat_id, message_id, *prepared, markup);
               });
             });
}

void ClientSession::CompleteMediaEdit(Request& request, std::int64_t chat_id, std::int64_t message_id,
                                      PreparedMedia prepared, std::optional<Json> markup) {
  MediaInfo& media = prepared.media;
  ClientFile* file = files_.Find(media.client_file);
  std::int64_t cloud_id = file == nullptr ? 0 : file->cloud_id != 0 ? file->cloud_id : file->uploaded_cloud_id;
  const CloudFile* cloud = files_.store().Find(cloud_id);
  if (cloud == nullptr || !cloud->users.contains(user_id_)) {
    return RespondError(request, 400, "Need full local (or generate, or inactive remote) location for upload");
  }
  media.file = cloud_id;
  if (media.kind == MediaKind::kPhoto && media.width == 0 && media.height == 0) {
    std::tie(media.width, media.height) = ImageDimensions(cloud->bytes);
  }
  if (file->cloud_id == 0) {
    files_.AttachCloud(*file, cloud_id);
    file->uploaded_cloud_id = 0;
    EmitFile(*file);
  }
  auto copies = world_.cloud().EditMedia(user_id_, chat_id, message_id, media, prepared.caption, markup,
                                         world_.scheduler().Now());
  world_.DeliverEdits(copies);
  const Dialog* dialog = world_.cloud().FindDialog(user_id_, chat_id);
  if (dialog == nullptr || !dialog->messages.contains(message_id)) {
    return RespondError(request, 400, "Message not found");
  }
  Respond(request, MessageObject(chat_id, dialog->messages.at(message_id), files_));
}

}  // namespace tgsim
