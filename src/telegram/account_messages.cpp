// AccountClient: formatting, sending, editing, deleting, history, search and
// read state (tdlib-facts §7.3-§7.7).
#include <nlohmann/json.hpp>

#include "telegram/account_client.h"
#include "telegram/chat_cache.h"
#include "telegram/encoding.h"
#include "telegram/message_answers.h"
#include "telegram/message_parse.h"
#include "telegram/send_tracker.h"
#include "telegram/typed_answer.h"

namespace tgmux::telegram {
namespace {

using nlohmann::json;

constexpr int kMaxHistoryPage = 100;  // TDLib caps larger limits of history and search silently

json IdArray(const std::vector<std::int64_t>& ids) {
  json array = json::array();
  for (auto id : ids) array.push_back(id);
  return array;
}

// The answer to sendMessage is the message under a temporary id; the final
// one comes later (updateMessageSendSucceeded/Failed), through `sends`.
ResultHandler OnSendAnswer(std::shared_ptr<SendTracker> sends, std::shared_ptr<const ChatCache> chats,
                           AccountClient::MessageDone done, std::function<void(std::int64_t)> accepted) {
  return [sends = std::move(sends), chats = std::move(chats), done = std::move(done),
          accepted = std::move(accepted)](Result<json> answer) {
    if (!answer.ok()) {
      if (done) done(answer.error());
      return;
    }
    auto parse = MessageParser(chats, "sendMessage");
    auto temporary = parse(answer.value());
    if (!temporary.ok()) {
      if (done) done(temporary.error());
      return;
    }
    if (accepted) accepted(temporary.value().message_id);
    if (!done) return;
    if (!answer.value().contains("sending_state")) return done(std::move(temporary));  // already final
    sends->Expect(temporary.value().chat_id, temporary.value().message_id, Typed<Message>(done, parse));
  };
}

// The messages of a `messages`, `foundMessages` or `foundChatMessages` answer.
std::vector<Message> MessageList(const ChatCache& chats, const json& answer) {
  std::vector<Message> messages;
  for (const auto& object : answer.value("messages", json::array())) {
    // TDLib may put null for messages it cannot show; they are skipped.
    if (auto message = ParseMessage(object)) {
      chats.Describe(*message);
      messages.push_back(std::move(*message));
    }
  }
  return messages;
}

std::optional<Error> CheckPage(int limit) {
  if (limit < 1 || limit > kMaxHistoryPage) return Error(ErrorCode::kInvalidRequest, "limit must be 1..100");
  return std::nullopt;
}

// What TDLib would refuse before searching, as invalid_request.
std::optional<Error> CheckSearch(const std::string& query, int limit) {
  if (auto error = CheckPage(limit)) return error;
  if (!IsValidUtf8(query)) return Error(ErrorCode::kInvalidRequest, "The query is not valid UTF-8");
  return std::nullopt;
}

}  // namespace

json InputText(const FormattedText& text) {
  return {{"@type", "inputMessageText"}, {"text", FormattedTextJson(text)}, {"clear_draft", false}};
}

std::function<Result<Message>(const json&)> MessageParser(std::shared_ptr<const ChatCache> chats,
                                                          std::string method) {
  return [chats = std::move(chats), method = std::move(method)](const json& answer) -> Result<Message> {
    auto message = ParseMessage(answer);
    if (!message) return UnexpectedAnswer(method);
    chats->Describe(*message);
    return std::move(*message);
  };
}

void AddSendOptions(json& request, std::int64_t reply_to_message_id, bool silent) {
  if (reply_to_message_id != 0) {
    request["reply_to"] = {{"@type", "inputMessageReplyToMessage"}, {"message_id", reply_to_message_id}};
  }
  if (silent) request["options"] = {{"@type", "messageSendOptions"}, {"disable_notification", true}};
}

Result<FormattedText> AccountClient::ParseText(const std::string& text, ParseMode mode) {
  if (!IsValidUtf8(text)) return Error(ErrorCode::kInvalidRequest, "The text is not valid UTF-8");
  if (mode == ParseMode::kNone) return FormattedText{text, {}};
  json request;
  if (mode == ParseMode::kMarkdown) {
    request = {{"@type", "parseMarkdown"}, {"text", FormattedTextJson({text, {}})}};
  } else {
    json parse_mode = mode == ParseMode::kHtml
                          ? json{{"@type", "textParseModeHTML"}}
                          : json{{"@type", "textParseModeMarkdown"}, {"version", 2}};
    request = {{"@type", "parseTextEntities"}, {"text", text}, {"parse_mode", parse_mode}};
  }
  auto answer = hub_.Execute(std::move(request));
  if (!answer.ok()) return answer.error();
  const json& object = answer.value();
  if (object.value("@type", "") == "error") {
    // Every error of these methods is about the text itself.
    return Error(ErrorCode::kInvalidRequest, "The text cannot be parsed: " + object.value("message", ""));
  }
  if (object.value("@type", "") != "formattedText") return UnexpectedAnswer("parseTextEntities");
  return ParseFormattedText(object);
}

std::optional<Error> AccountClient::CheckText(const FormattedText& text) const {
  std::size_t length = Utf16Length(text.text);
  int max = text_length_max_;
  if (length > static_cast<std::size_t>(max)) {
    return Error(ErrorCode::kInvalidRequest, "The text is " + std::to_string(length) +
                                                 " characters long; Telegram allows at most " +
                                                 std::to_string(max));
  }
  if (text.text.find_first_not_of(" \t\r\n") == std::string::npos) {
    return Error(ErrorCode::kInvalidRequest, "The text is empty");
  }
  return std::nullopt;
}

void AccountClient::SendText(std::int64_t chat_id, const FormattedText& text, std::int64_t reply_to_message_id,
                             bool silent, MessageDone done, std::function<void(std::int64_t)> accepted) {
  if (auto error = CheckText(text)) return FailTyped<Message>(hub_, std::move(done), std::move(*error));
  SendContent(chat_id, InputText(text), reply_to_message_id, silent, std::move(done), std::move(accepted), nullptr);
}

void AccountClient::SendContent(std::int64_t chat_id, nlohmann::json content, std::int64_t reply_to_message_id,
                                bool silent, MessageDone done, std::function<void(std::int64_t)> accepted,
                                const json& reply_markup, std::int64_t topic_id) {
  json request = {{"@type", "sendMessage"}, {"chat_id", chat_id}, {"input_message_content", std::move(content)}};
  if (!reply_markup.is_null()) request["reply_markup"] = reply_markup;
  if (topic_id != 0) request["topic_id"] = {{"@type", "messageTopicForum"}, {"forum_topic_id", topic_id}};
  AddSendOptions(request, reply_to_message_id, silent);
  hub_.Send(client_id_, std::move(request), OnSendAnswer(sends_, chats_, std::move(done), std::move(accepted)));
}

void AccountClient::EditText(std::int64_t chat_id, std::int64_t message_id, const FormattedText& text,
                             MessageDone done) {
  if (auto error = CheckText(text)) return FailTyped<Message>(hub_, std::move(done), std::move(*error));
  json request = {{"@type", "editMessageText"}, {"chat_id", chat_id}, {"message_id", message_id},
                  {"input_message_content", InputText(text)}};
  hub_.Send(client_id_, std::move(request), Typed<Message>(std::move(done), MessageParser(chats_, "editMessageText")));
}

void AccountClient::DeleteMessages(std::int64_t chat_id, const std::vector<std::int64_t>& message_ids, bool revoke,
                                   Done done) {
  json request = {{"@type", "deleteMessages"}, {"chat_id", chat_id}, {"message_ids", IdArray(message_ids)},
                  {"revoke", revoke}};
  hub_.Send(client_id_, std::move(request), ToStatus(std::move(done)));
}

void AccountClient::GetHistory(std::int64_t chat_id, std::int64_t from_message_id, int limit,
                               std::function<void(Result<std::vector<Message>>)> done) {
  if (auto error = CheckPage(limit)) return FailTyped<std::vector<Message>>(hub_, std::move(done), *error);
  json request = {{"@type", "getChatHistory"}, {"chat_id", chat_id}, {"from_message_id", from_message_id},
                  {"offset", 0}, {"limit", limit}, {"only_local", false}};
  auto parse = [chats = chats_](const json& answer) -> Result<std::vector<Message>> {
    if (answer.value("@type", "") != "messages") return UnexpectedAnswer("getChatHistory");
    return MessageList(*chats, answer);
  };
  hub_.Send(client_id_, std::move(request), Typed<std::vector<Message>>(std::move(done), parse));
}

void AccountClient::SearchChatMessages(std::int64_t chat_id, const std::string& query, std::int64_t from_message_id,
                                       int limit, std::function<void(Result<FoundMessages>)> done) {
  if (auto error = CheckSearch(query, limit)) return FailTyped<FoundMessages>(hub_, std::move(done), *error);
  json request = {{"@type", "searchChatMessages"}, {"chat_id", chat_id}, {"query", query},
                  {"from_message_id", from_message_id}, {"offset", 0}, {"limit", limit}};
  auto parse = [chats = chats_](const json& answer) -> Result<FoundMessages> {
    if (answer.value("@type", "") != "foundChatMessages") return UnexpectedAnswer("searchChatMessages");
    FoundMessages found;
    found.messages = MessageList(*chats, answer);
    found.total_count = answer.value("total_count", 0);
    found.next_from_message_id = answer.value("next_from_message_id", std::int64_t{0});
    return found;
  };
  hub_.Send(client_id_, std::move(request), Typed<FoundMessages>(std::move(done), parse));
}

void AccountClient::SearchMessages(const std::string& query, const std::string& offset, int limit,
                                   std::function<void(Result<FoundMessages>)> done) {
  if (auto error = CheckSearch(query, limit)) return FailTyped<FoundMessages>(hub_, std::move(done), *error);
  if (!IsValidUtf8(offset)) {
    return FailTyped<FoundMessages>(hub_, std::move(done), Error(ErrorCode::kInvalidRequest, "offset is not UTF-8"));
  }
  json request = {{"@type", "searchMessages"}, {"query", query}, {"offset", offset}, {"limit", limit}};
  auto parse = [chats = chats_](const json& answer) -> Result<FoundMessages> {
    if (answer.value("@type", "") != "foundMessages") return UnexpectedAnswer("searchMessages");
    FoundMessages found;
    found.messages = MessageList(*chats, answer);
    found.total_count = answer.value("total_count", 0);
    found.next_offset = answer.value("next_offset", "");
    return found;
  };
  hub_.Send(client_id_, std::move(request), Typed<FoundMessages>(std::move(done), parse));
}

void AccountClient::ViewMessages(std::int64_t chat_id, const std::vector<std::int64_t>& message_ids,
                                 bool force_read, Done done) {
  json request = {{"@type", "viewMessages"}, {"chat_id", chat_id}, {"message_ids", IdArray(message_ids)},
                  {"force_read", force_read}};
  hub_.Send(client_id_, std::move(request), ToStatus(std::move(done)));
}

void AccountClient::OpenChat(std::int64_t chat_id, Done done) {
  hub_.Send(client_id_, {{"@type", "openChat"}, {"chat_id", chat_id}}, ToStatus(std::move(done)));
}

void AccountClient::CloseChat(std::int64_t chat_id, Done done) {
  hub_.Send(client_id_, {{"@type", "closeChat"}, {"chat_id", chat_id}}, ToStatus(std::move(done)));
}

}  // namespace tgmux::telegram
