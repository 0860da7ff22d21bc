// AccountClient: sending media, downloading files and forgetting downloads.
// A file is named by its remote id above telegram/; TDLib's numeric id for it
// is looked up here (getRemoteFile) each time it is needed.
#include <nlohmann/json.hpp>

#include <filesystem>
#include <mutex>

#include "telegram/account_client.h"
#include "telegram/encoding.h"
#include "telegram/media_json.h"
#include "telegram/message_answers.h"
#include "telegram/message_parse.h"
#include "telegram/send_tracker.h"
#include "telegram/typed_answer.h"

namespace tgmux::telegram {
namespace {

using nlohmann::json;

// The local copy when TDLib has one and it is still there: a file this client
// uploaded keeps the path it was sent from, which may be gone since.
std::optional<DownloadedFile> Completed(const json& file) {
  const json& local = file.value("local", json::object());
  if (!local.value("is_downloading_completed", false)) return std::nullopt;
  std::string path = local.value("path", "");
  std::error_code ec;
  if (path.empty() || !std::filesystem::is_regular_file(path, ec)) return std::nullopt;
  return DownloadedFile{path, IntField(file, "size")};
}

bool StaleLocalCopy(const json& file) {
  const json& local = file.value("local", json::object());
  return local.value("is_downloading_completed", false) && !Completed(file);
}

}  // namespace

std::optional<Error> AccountClient::CheckCaption(const FormattedText& caption) const {
  std::size_t length = Utf16Length(caption.text);
  int max = caption_length_max_.load();
  if (length <= static_cast<std::size_t>(max)) return std::nullopt;
  return Error(ErrorCode::kInvalidRequest, "The caption is " + std::to_string(length) +
                                               " characters long; Telegram allows at most " + std::to_string(max));
}

void AccountClient::SendMedia(std::int64_t chat_id, const MediaToSend& media, const FormattedText& caption,
                              std::int64_t reply_to_message_id, bool silent, MessageDone done,
                              std::function<void(std::int64_t)> accepted) {
  if (auto error = CheckCaption(caption)) return FailTyped<Message>(hub_, std::move(done), std::move(*error));
  if (media.local_path.empty() == media.remote_id.empty()) {
    return FailTyped<Message>(hub_, std::move(done),
                              Error(ErrorCode::kInvalidRequest, "A file to send needs a local path or a remote id"));
  }
  SendContent(chat_id, InputMediaContent(media, caption), reply_to_message_id, silent, std::move(done),
              std::move(accepted), nullptr);
}

namespace {

// The final messages of an album, gathered as each one's outcome comes.
struct AlbumSends {
  std::mutex mutex;
  std::vector<std::optional<Message>> messages;
  std::size_t left = 0;
  std::optional<Error> error;
  std::function<void(Result<std::vector<Message>>)> done;

  void Arrived(std::size_t slot, Result<Message> outcome) {
    std::function<void(Result<std::vector<Message>>)> finish;
    std::vector<Message> all;
    {
      std::lock_guard lock(mutex);
      if (outcome.ok()) {
        messages[slot] = std::move(outcome).value();
      } else if (!error) {
        error = outcome.error();
      }
      if (--left > 0) return;
      finish = std::move(done);
      if (!error) {
        for (auto& message : messages) all.push_back(std::move(*message));
      }
    }
    if (!finish) return;
    if (error) return finish(*error);
    finish(std::move(all));
  }
};

}  // namespace

void AccountClient::SendAlbum(std::int64_t chat_id, const std::vector<MediaToSend>& media,
                              const FormattedText& caption, std::int64_t reply_to_message_id, bool silent,
                              std::function<void(Result<std::vector<Message>>)> done,
                              std::function<void(std::int64_t)> accepted) {
  using Album = std::vector<Message>;
  if (auto error = CheckCaption(caption)) return FailTyped<Album>(hub_, std::move(done), std::move(*error));
  if (media.size() < 2 || media.size() > 10) {
    return FailTyped<Album>(hub_, std::move(done),
                            Error(ErrorCode::kInvalidRequest, "An album has 2 to 10 files"));
  }
  json contents = json::array();
  for (std::size_t i = 0; i < media.size(); ++i) {
    contents.push_back(InputMediaContent(media[i], i == 0 ? caption : FormattedText{}));
  }
  json request = {{"@type", "sendMessageAlbum"}, {"chat_id", chat_id}, {"input_message_contents", contents}};
  AddSendOptions(request, reply_to_message_id, silent);
  auto on_answer = [sends = sends_, chats = chats_, done = std::move(done),
                    accepted = std::move(accepted)](Result<json> answer) mutable {
    if (!answer.ok()) return done(answer.error());
    const json& list = answer.value().value("messages", json::array());
    std::vector<Message> temporary;
    for (const auto& object : list) {
      if (auto message = ParseMessage(object)) temporary.push_back(std::move(*message));
    }
    if (answer.value().value("@type", "") != "messages" || temporary.empty()) {
      return done(UnexpectedAnswer("sendMessageAlbum"));
    }
    if (accepted) accepted(temporary.front().message_id);
    auto album = std::make_shared<AlbumSends>();
    album->messages.resize(temporary.size());
    album->left = temporary.size();
    album->done = std::move(done);
    auto parse = MessageParser(chats, "sendMessageAlbum");
    for (std::size_t slot = 0; slot < list.size() && slot < temporary.size(); ++slot) {
      auto arrived = [album, slot](Result<Message> outcome) { album->Arrived(slot, std::move(outcome)); };
      if (!list[slot].contains("sending_state")) {
        arrived(parse(list[slot]));
        continue;
      }
      sends->Expect(temporary[slot].chat_id, temporary[slot].message_id, Typed<Message>(arrived, parse));
    }
  };
  hub_.Send(client_id_, std::move(request), std::move(on_answer));
}

void AccountClient::EditCaption(std::int64_t chat_id, std::int64_t message_id, const FormattedText& caption,
                                MessageDone done) {
  if (auto error = CheckCaption(caption)) return FailTyped<Message>(hub_, std::move(done), std::move(*error));
  json request = {{"@type", "editMessageCaption"}, {"chat_id", chat_id}, {"message_id", message_id},
                  {"caption", FormattedTextJson(caption)}};
  hub_.Send(client_id_, std::move(request), Typed<Message>(std::move(done), MessageParser(chats_, "editMessageCaption")));
}

void AccountClient::WithFileId(const std::string& remote_id, MediaKind kind,
                               std::optional<std::chrono::milliseconds> deadline,
                               std::function<void(Result<json>)> next) {
  json request = {{"@type", "getRemoteFile"},
                  {"remote_file_id", remote_id},
                  {"file_type", {{"@type", std::string(FileTypeOf(kind))}}}};
  hub_.Send(client_id_, std::move(request), [next = std::move(next)](Result<json> answer) {
    if (answer.ok() && answer.value().value("@type", "") != "file") return next(UnexpectedAnswer("getRemoteFile"));
    next(std::move(answer));
  }, deadline);
}

void AccountClient::DownloadFile(const std::string& remote_id, MediaKind kind, std::chrono::milliseconds deadline,
                                 std::function<void(Result<DownloadedFile>)> done) {
  auto started = std::chrono::steady_clock::now();
  WithFileId(remote_id, kind, deadline,
             [deadline, started, done = std::move(done), hub = &hub_, client_id = client_id_](
                 Result<json> file) mutable {
               if (!file.ok()) return done(file.error());
               if (auto local = Completed(file.value())) return done(*local);
               auto left = deadline - std::chrono::duration_cast<std::chrono::milliseconds>(
                                          std::chrono::steady_clock::now() - started);
               const std::int64_t file_id = IntField(file.value(), "id");
               auto parse = [](const json& answer) -> Result<DownloadedFile> {
                 if (answer.value("@type", "") != "file") return UnexpectedAnswer("downloadFile");
                 if (auto local = Completed(answer)) return *local;
                 return Error(ErrorCode::kTelegramError, "TDLib ended the download before the file was complete");
               };
               auto download = [hub, client_id, file_id, parse, left, done]() mutable {
                 json request = {{"@type", "downloadFile"}, {"file_id", file_id}, {"priority", 1},
                                 {"offset", 0}, {"limit", 0}, {"synchronous", true}};
                 hub->Send(client_id, std::move(request), Typed<DownloadedFile>(std::move(done), parse),
                           std::max(left, std::chrono::milliseconds(1)));
               };
               if (!StaleLocalCopy(file.value())) return download();
               // TDLib still points at a copy that is gone: forget it, then download.
               hub->Send(client_id, {{"@type", "deleteFile"}, {"file_id", file_id}},
                         [download](Result<json>) mutable { download(); });
             });
}

void AccountClient::DeleteDownload(const std::string& remote_id, MediaKind kind, Done done) {
  WithFileId(remote_id, kind, std::nullopt,
             [done = std::move(done), hub = &hub_, client_id = client_id_](Result<json> file) mutable {
               if (!file.ok()) return done(file.error());
               json request = {{"@type", "deleteFile"}, {"file_id", file.value().value("id", 0)}};
               hub->Send(client_id, std::move(request), Typed<Ok>(std::move(done), [](const json&) -> Result<Ok> {
                           return Ok{};
                         }));
             });
}

}  // namespace tgmux::telegram
