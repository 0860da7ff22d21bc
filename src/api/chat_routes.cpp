// /v1/accounts/{id}/chats, .../chats/{chat_id}/messages, .../chats/{chat_id}/read,
// /v1/accounts/{id}/messages/search and /v1/accounts/{id}/unread: reading,
// searching, editing and deleting an account's messages (sending is in
// message_routes.cpp).
#include <charconv>

#include "api/message_json.h"
#include "api/pages.h"
#include "api/routes.h"
#include "api/views.h"

namespace tgmux::api {
namespace {

using nlohmann::json;

const Access kOperate = Access::AtLeast(service::Role::kOperator);
constexpr PageSize kPage{50, service::MessageService::kMaxPage};

std::optional<std::int64_t> ParseInteger(const std::string& text) {
  std::int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

// Telegram's ids: chat ids are non-zero (negative for groups), message ids positive.
std::int64_t PathId(const Request& r, const std::string& name) {
  auto value = ParseInteger(r.params.at(name));
  bool valid = value && (name == "chat_id" ? *value != 0 : *value > 0);
  if (!valid) throw Error(ErrorCode::kInvalidRequest, "path parameter " + name + " must be an integer Telegram id");
  return *value;
}

service::ChatListQuery ChatQuery(const Request& r, bool unread_only) {
  auto page = ReadPage(r, kPage);
  return {page.limit, page.cursor.value_or(""), unread_only};
}

std::int64_t QueryMessageId(const Request& r, const std::string& name) {
  auto it = r.query.find(name);
  if (it == r.query.end() || it->second.empty()) return 0;
  auto value = ParseInteger(it->second);
  if (!value || *value <= 0) throw Error(ErrorCode::kInvalidRequest, name + " must be a message id (a positive integer)");
  return *value;
}

// History pages from `cursor` (handed out by the previous page) or from the message id `before`.
std::int64_t HistoryStart(const Request& r, const PageRequest& page) {
  std::int64_t before = QueryMessageId(r, "before");
  if (!page.cursor) return before;
  if (before != 0) throw Error(ErrorCode::kInvalidRequest, "give either cursor or before, not both");
  return CursorNumber(*page.cursor, 1);
}

std::int64_t BodyMessageId(const json& body, const std::string& name) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return 0;
  if (!it->is_number_integer() || it->get<std::int64_t>() <= 0) {
    throw Error(ErrorCode::kInvalidRequest, "field \"" + name + "\" must be a message id (a positive integer)");
  }
  return it->get<std::int64_t>();
}

// The service's answer as a response, or its error as a problem.
template <class T, class Render>
service::Done<T> Answer(const Reply& reply, const std::string& path, Render render) {
  return [reply, path, render = std::move(render)](telegram::Result<T> result) {
    if (!result.ok()) return reply.Fail(result.error(), path);
    reply(render(result.value()));
  };
}

json MessagesJson(const std::vector<telegram::Message>& messages) {
  json out = json::array();
  for (const auto& message : messages) out.push_back(MessageJson(message));
  return out;
}

json ChatPageJson(const service::ChatPage& page) {
  json chats = json::array();
  for (const auto& chat : page.chats) chats.push_back(ChatJson(chat));
  return PageJson(std::move(chats), page.next_cursor);
}

json HistoryJson(const service::HistoryPage& page) {
  std::optional<std::string> next;
  if (page.next_before) next = std::to_string(*page.next_before);
  return PageJson(MessagesJson(page.messages), next);
}

// The optional chat_id of a search: a non-zero integer.
std::optional<std::int64_t> QueryChatId(const Request& r) {
  auto it = r.query.find("chat_id");
  if (it == r.query.end() || it->second.empty()) return std::nullopt;
  auto value = ParseInteger(it->second);
  if (!value || *value == 0) throw Error(ErrorCode::kInvalidRequest, "chat_id must be an integer Telegram chat id");
  return value;
}

json UnreadJson(const service::UnreadPage& page) {
  json chats = json::array();
  for (const auto& [chat, messages] : page.chats) {
    chats.push_back({{"chat_id", chat.chat_id}, {"title", chat.title},
                     {"type", std::string(telegram::ChatTypeName(chat.type))}, {"unread_count", chat.unread_count},
                     {"messages", MessagesJson(messages)}});
  }
  return PageJson(std::move(chats), page.next_cursor);
}

void RegisterReadRoutes(Router& router, service::Services& s) {
  router.Add("GET", "/v1/accounts/{id}/chats", kOperate, [&s](const Request& r, const Reply& reply) {
    auto query = ChatQuery(r, QueryBool(r, "unread_only", false));
    s.messages.ListChats(TenantOf(r), r.params.at("id"), query, Answer<service::ChatPage>(reply, r.path, [](auto& page) {
      return Response::Json(200, ChatPageJson(page));
    }));
  });
  router.Add("GET", "/v1/accounts/{id}/chats/{chat_id}/messages", kOperate, [&s](const Request& r, const Reply& reply) {
    auto page = ReadPage(r, kPage);
    s.messages.History(TenantOf(r), r.params.at("id"), PathId(r, "chat_id"), page.limit, HistoryStart(r, page),
                       Answer<service::HistoryPage>(reply, r.path, [](auto& page) {
                         return Response::Json(200, HistoryJson(page));
                       }));
  });
  router.Add("GET", "/v1/accounts/{id}/messages/search", kOperate, [&s](const Request& r, const Reply& reply) {
    auto page = ReadPage(r, kPage);
    auto query = r.query.find("query");
    s.messages.Search(TenantOf(r), r.params.at("id"), query == r.query.end() ? "" : query->second, QueryChatId(r),
                      page.limit, page.cursor.value_or(""), Answer<service::SearchPage>(reply, r.path, [](auto& found) {
                        return Response::Json(200, PageJson(MessagesJson(found.messages), found.next_cursor));
                      }));
  });
  router.Add("GET", "/v1/accounts/{id}/unread", kOperate, [&s](const Request& r, const Reply& reply) {
    s.messages.Unread(TenantOf(r), r.params.at("id"), ChatQuery(r, true),
                      Answer<service::UnreadPage>(reply, r.path, [](auto& unread) {
                        return Response::Json(200, UnreadJson(unread));
                      }));
  });
  router.Add("POST", "/v1/accounts/{id}/chats/{chat_id}/read", kOperate, [&s](const Request& r, const Reply& reply) {
    std::int64_t up_to = BodyMessageId(r.JsonBody(), "up_to_message_id");
    s.messages.MarkRead(TenantOf(r), r.params.at("id"), PathId(r, "chat_id"), up_to,
                        Answer<service::ReadState>(reply, r.path, [](auto& state) {
                          return Response::Json(200, {{"chat_id", state.chat_id},
                                                      {"last_read_inbox_message_id", state.last_read_inbox_message_id},
                                                      {"unread_count", state.unread_count}});
                        }));
  });
}

void RegisterChangeRoutes(Router& router, service::Services& s) {
  const std::string message = "/v1/accounts/{id}/chats/{chat_id}/messages/{message_id}";
  router.Add("PATCH", message, kOperate, [&s](const Request& r, const Reply& reply) {
    auto body = r.JsonBody();
    // "text" for a text message, "caption" for a photo, document, video, ...
    auto caption = StringField(body, "caption", false);
    if (caption && body.contains("text")) {
      throw Error(ErrorCode::kInvalidRequest, "give \"text\" (a text message) or \"caption\" (media), not both");
    }
    std::string text = caption ? *caption : *StringField(body, "text", true);
    auto parse_mode = ParseModeField(body);
    s.messages.Edit(TenantOf(r), r.params.at("id"), PathId(r, "chat_id"), PathId(r, "message_id"), text, parse_mode,
                    caption.has_value(), Answer<telegram::Message>(reply, r.path, [](auto& edited) {
                      return Response::Json(200, MessageJson(edited));
                    }));
  });
  router.Add("DELETE", message, kOperate, [&s](const Request& r, const Reply& reply) {
    s.messages.Delete(TenantOf(r), r.params.at("id"), PathId(r, "chat_id"), PathId(r, "message_id"),
                      QueryBool(r, "revoke", true),
                      Answer<telegram::Ok>(reply, r.path, [](auto&) { return Response::NoContent(); }));
  });
}

}  // namespace

void RegisterChatRoutes(Router& router, service::Services& services) {
  RegisterReadRoutes(router, services);
  RegisterChangeRoutes(router, services);
}

}  // namespace tgmux::api
