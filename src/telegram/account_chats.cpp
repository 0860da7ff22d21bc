// AccountClient: finding recipients and listing chats (tdlib-facts §7.8, §7.9).
// Multi-step calls capture the hub and the chat cache, never the client, which
// may be destroyed meanwhile.
#include <nlohmann/json.hpp>

#include <cctype>
#include <charconv>
#include <mutex>

#include "telegram/account_client.h"
#include "telegram/chat_cache.h"
#include "telegram/message_parse.h"
#include "telegram/typed_answer.h"

namespace tgmux::telegram {
namespace {

using nlohmann::json;
using ChatIdDone = std::function<void(Result<std::int64_t>)>;
using Chats = std::shared_ptr<ChatCache>;

json MainList() { return {{"@type", "chatListMain"}}; }

// A `chat` answer: remembered, and its id passed on.
auto ChatIdParser(Chats chats, std::string method) {
  return [chats = std::move(chats), method = std::move(method)](const json& answer) -> Result<std::int64_t> {
    auto chat = ParseChat(answer);
    if (!chat) return UnexpectedAnswer(method);
    std::int64_t id = chat->chat_id;
    chats->Put(std::move(*chat));
    return id;
  };
}

auto ChatParser(Chats chats) {
  return [chats = std::move(chats)](const json& answer) -> Result<Chat> {
    auto chat = ParseChat(answer);
    if (!chat) return UnexpectedAnswer("getChat");
    chats->Put(*chat);
    chats->Describe(*chat);
    return std::move(*chat);
  };
}

void PrivateChat(ClientHub& hub, int client_id, const Chats& chats, std::int64_t user_id, ChatIdDone done,
                 bool force = false) {
  hub.Send(client_id, {{"@type", "createPrivateChat"}, {"user_id", user_id}, {"force", force}},
           Typed<std::int64_t>(std::move(done), ChatIdParser(chats, "createPrivateChat")));
}

// Then on to the user's private chat.
ResultHandler ThenPrivateChat(ClientHub& hub, int client_id, Chats chats, ChatIdDone done,
                              std::function<std::int64_t(const json&)> user_id_of) {
  return [&hub, client_id, chats = std::move(chats), done = std::move(done),
          user_id_of = std::move(user_id_of)](Result<json> answer) {
    if (!answer.ok()) return done(answer.error());
    std::int64_t user_id = user_id_of(answer.value());
    if (user_id <= 0) return done(Error(ErrorCode::kPeerNotFound, "No Telegram user has this phone number"));
    PrivateChat(hub, client_id, chats, user_id, done);
  };
}

// importContacts works whatever the user's "find me by phone" privacy says,
// at the price of adding the number to the account's contacts.
void ImportContact(ClientHub& hub, int client_id, const Chats& chats, const std::string& phone, ChatIdDone done) {
  json contact = {{"@type", "importedContact"}, {"phone_number", phone}, {"first_name", phone}, {"last_name", ""}};
  auto user_id_of = [](const json& answer) -> std::int64_t {
    auto ids = answer.value("user_ids", json::array());
    return ids.is_array() && !ids.empty() && ids[0].is_number_integer() ? ids[0].get<std::int64_t>() : 0;
  };
  hub.Send(client_id, {{"@type", "importContacts"}, {"contacts", json::array({contact})}},
           ThenPrivateChat(hub, client_id, chats, std::move(done), user_id_of));
}

void ResolvePhone(ClientHub& hub, int client_id, const Chats& chats, const std::string& phone, ChatIdDone done) {
  auto found = ThenPrivateChat(hub, client_id, chats, done, [](const json& user) { return IntField(user, "id"); });
  auto handler = [&hub, client_id, chats, phone, done, found = std::move(found)](Result<json> answer) {
    // 404: not found, or the user's privacy hides them from phone search.
    bool unknown = !answer.ok() && (answer.error().code() == ErrorCode::kNotFound ||
                                    answer.error().code() == ErrorCode::kPeerNotFound);
    if (unknown) return ImportContact(hub, client_id, chats, phone, done);
    found(std::move(answer));
  };
  hub.Send(client_id, {{"@type", "searchUserByPhoneNumber"}, {"phone_number", phone}, {"only_local", false}},
           std::move(handler));
}

std::optional<std::int64_t> NumericId(std::string_view text) {
  std::int64_t id = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (error != std::errc() || end != text.data() + text.size() || id == 0) return std::nullopt;
  return id;
}

// "+1 (555) 000-11-22" -> "+15550001122"; nullopt when it is not a phone number.
std::optional<std::string> PhoneNumber(std::string_view text) {
  std::string phone = "+";
  for (char c : text.substr(1)) {
    if (std::isdigit(static_cast<unsigned char>(c))) {
      phone += c;
    } else if (c != ' ' && c != '-' && c != '(' && c != ')') {
      return std::nullopt;
    }
  }
  if (phone.size() < 5 || phone.size() > 16) return std::nullopt;
  return phone;
}

// Collects the chats of a getChats answer: from the cache, or by getChat for
// the few the bounded cache has forgotten.
struct ChatGather {
  std::mutex mutex;
  std::vector<std::optional<Chat>> chats;
  std::size_t missing = 0;
  std::optional<Error> error;
  std::function<void(Result<std::vector<Chat>>)> done;

  void Finish() {
    if (error) return done(*error);
    std::vector<Chat> list;
    for (auto& chat : chats) {
      if (chat) list.push_back(std::move(*chat));
    }
    done(std::move(list));
  }
};

void FetchMissing(ClientHub& hub, int client_id, const Chats& chats, const std::shared_ptr<ChatGather>& gather,
                  const std::vector<std::pair<std::size_t, std::int64_t>>& missing) {
  for (auto [slot, chat_id] : missing) {
    // slot = slot: clang 14 (the fuzz build) cannot capture a structured binding itself.
    auto one = [gather, slot = slot](Result<Chat> chat) {
      bool last = false;
      {
        std::lock_guard lock(gather->mutex);
        if (chat.ok()) {
          gather->chats[slot] = std::move(chat).value();
        } else if (chat.error().code() != ErrorCode::kPeerNotFound) {
          gather->error = chat.error();
        }
        last = --gather->missing == 0;
      }
      if (last) gather->Finish();
    };
    hub.Send(client_id, {{"@type", "getChat"}, {"chat_id", chat_id}}, Typed<Chat>(one, ChatParser(chats)));
  }
}

}  // namespace

void AccountClient::OpenBotChat(std::int64_t user_id, std::function<void(Result<std::int64_t>)> done) {
  PrivateChat(hub_, client_id_, chats_, user_id, std::move(done), true);
}

void AccountClient::ResolveRecipient(const std::string& to, std::function<void(Result<std::int64_t>)> done) {
  if (!done) done = [](Result<std::int64_t>) {};  // the steps below call it unchecked
  auto fail = [&](std::string why) {
    FailTyped<std::int64_t>(hub_, std::move(done), Error(ErrorCode::kInvalidRequest, std::move(why)));
  };
  if (to.starts_with('@')) {
    if (to.size() < 2) return fail("The username after '@' is empty");
    hub_.Send(client_id_, {{"@type", "searchPublicChat"}, {"username", to.substr(1)}},
              Typed<std::int64_t>(std::move(done), ChatIdParser(chats_, "searchPublicChat")));
  } else if (to.starts_with('+')) {
    auto phone = PhoneNumber(to);
    if (!phone) return fail("The recipient's phone number is not valid");
    ResolvePhone(hub_, client_id_, chats_, *phone, std::move(done));
  } else if (auto id = NumericId(to)) {
    if (*id > 0) return PrivateChat(hub_, client_id_, chats_, *id, std::move(done));
    hub_.Send(client_id_, {{"@type", "getChat"}, {"chat_id", *id}},
              Typed<std::int64_t>(std::move(done), ChatIdParser(chats_, "getChat")));
  } else {
    fail("The recipient must be a numeric user or chat id, @username or +phone");
  }
}

void AccountClient::LoadChats(int limit, std::function<void(Result<bool>)> done) {
  if (limit < 1) return FailTyped<bool>(hub_, std::move(done), Error(ErrorCode::kInvalidRequest, "limit must be positive"));
  auto handler = [done = std::move(done)](Result<json> answer) {
    if (!done) return;
    // TDLib says 404 once the whole list is loaded (tdlib-facts §7.8).
    if (!answer.ok() && answer.error().code() == ErrorCode::kNotFound) return done(false);
    if (!answer.ok()) return done(answer.error());
    done(true);
  };
  hub_.Send(client_id_, {{"@type", "loadChats"}, {"chat_list", MainList()}, {"limit", limit}}, std::move(handler));
}

void AccountClient::GetChats(int limit, std::function<void(Result<std::vector<Chat>>)> done) {
  if (limit < 1) {
    return FailTyped<std::vector<Chat>>(hub_, std::move(done),
                                        Error(ErrorCode::kInvalidRequest, "limit must be positive"));
  }
  auto handler = [&hub = hub_, client_id = client_id_, chats = chats_, done = std::move(done)](Result<json> answer) {
    if (!done) return;
    if (!answer.ok()) return done(answer.error());
    auto ids = answer.value().value("chat_ids", json::array());
    auto gather = std::make_shared<ChatGather>();
    gather->done = done;
    std::vector<std::pair<std::size_t, std::int64_t>> missing;
    for (const auto& id : ids) {
      std::int64_t chat_id = id.is_number_integer() ? id.get<std::int64_t>() : 0;
      gather->chats.push_back(chats->Find(chat_id));
      if (!gather->chats.back()) missing.emplace_back(gather->chats.size() - 1, chat_id);
    }
    gather->missing = missing.size();
    if (missing.empty()) return gather->Finish();
    FetchMissing(hub, client_id, chats, gather, missing);
  };
  hub_.Send(client_id_, {{"@type", "getChats"}, {"chat_list", MainList()}, {"limit", limit}}, std::move(handler));
}

void AccountClient::GetChat(std::int64_t chat_id, std::function<void(Result<Chat>)> done) {
  hub_.Send(client_id_, {{"@type", "getChat"}, {"chat_id", chat_id}}, Typed<Chat>(std::move(done), ChatParser(chats_)));
}

namespace {

// After joinChat / joinChatByInviteLink (chatJoinResult* in 1.8.65): the
// chat read, or why the account is not in it. Already a member counts as
// joined.
ResultHandler ThenJoinedChat(ClientHub& hub, int client_id, const Chats& chats, std::int64_t chat_id,
                             std::function<void(Result<Chat>)> done) {
  return [&hub, client_id, chats, chat_id, done](Result<json> joined) {
    if (!joined.ok() && joined.error().code() != ErrorCode::kConflict) return done(joined.error());
    std::int64_t id = chat_id;
    if (joined.ok()) {
      const std::string type = joined.value().value("@type", "");
      if (type == "chatJoinResultRequestSent") {
        return done(Error(ErrorCode::kForbidden, "Joining this chat needs an administrator's approval; a request was sent"));
      }
      if (type != "chatJoinResultSuccess" && type != "ok") {
        return done(Error(ErrorCode::kForbidden, "Telegram did not let the account join this chat (" + type + ")"));
      }
      if (id == 0) id = IntField(joined.value(), "chat_id");
    }
    if (id == 0) return done(UnexpectedAnswer("joinChat"));
    hub.Send(client_id, {{"@type", "getChat"}, {"chat_id", id}}, Typed<Chat>(done, ChatParser(chats)));
  };
}

void JoinById(ClientHub& hub, int client_id, const Chats& chats, std::int64_t chat_id,
              std::function<void(Result<Chat>)> done) {
  hub.Send(client_id, {{"@type", "joinChat"}, {"chat_id", chat_id}},
           ThenJoinedChat(hub, client_id, chats, chat_id, std::move(done)));
}

}  // namespace

void AccountClient::JoinChat(std::int64_t chat_id, std::function<void(Result<Chat>)> done) {
  JoinById(hub_, client_id_, chats_, chat_id, std::move(done));
}

void AccountClient::JoinChatByInviteLink(const std::string& link, std::function<void(Result<Chat>)> done) {
  // checkChatInviteLink names the chat when the account can already see it
  // (a member, or a public chat): that is joined by id, a no-op for a member;
  // otherwise the link itself joins.
  auto checked = [&hub = hub_, client_id = client_id_, chats = chats_, link, done](Result<json> info) {
    if (!info.ok()) return done(info.error());
    std::int64_t chat_id = IntField(info.value(), "chat_id");
    if (chat_id != 0) return JoinById(hub, client_id, chats, chat_id, done);
    hub.Send(client_id, {{"@type", "joinChatByInviteLink"}, {"invite_link", link}},
             ThenJoinedChat(hub, client_id, chats, 0, done));
  };
  hub_.Send(client_id_, {{"@type", "checkChatInviteLink"}, {"invite_link", link}}, std::move(checked));
}

void AccountClient::CanSendMessageToUser(std::int64_t user_id, std::function<void(Result<CanMessage>)> done) {
  auto parse = [](const json& answer) -> Result<CanMessage> {
    const std::string type = answer.value("@type", "");
    if (type == "canSendMessageToUserResultOk") return CanMessage::kYes;
    if (type == "canSendMessageToUserResultUserIsDeleted") return CanMessage::kUnknownUser;
    if (type == "canSendMessageToUserResultUserRestrictsNewChats") return CanMessage::kPremiumRequired;
    if (type == "canSendMessageToUserResultUserHasPaidMessages") return CanMessage::kPaid;
    return UnexpectedAnswer("canSendMessageToUser");
  };
  hub_.Send(client_id_, {{"@type", "canSendMessageToUser"}, {"user_id", user_id}, {"only_local", false}},
            Typed<CanMessage>(std::move(done), parse));
}

}  // namespace tgmux::telegram
