// /v1/accounts/{id}/messages and /v1/outbox: sending through the outbox.
#include "api/routes.h"
#include "api/views.h"

namespace tgmux::api {
namespace {

const Access kSend = Access::AtLeast(service::Role::kOperator);
constexpr int kMaxWaitSeconds = 120;
constexpr std::size_t kMaxKeyLength = 200;

std::int64_t IntegerField(const nlohmann::json& body, const std::string& name) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return 0;
  if (!it->is_number_integer()) throw Error(ErrorCode::kInvalidRequest, "field \"" + name + "\" must be an integer");
  return it->get<std::int64_t>();
}

service::SendRequest ReadSendRequest(const Request& r) {
  auto body = r.JsonBody();
  service::SendRequest send;
  send.to = *StringField(body, "to", true);
  send.text = *StringField(body, "text", true);
  send.parse_mode = ParseModeField(body);
  send.reply_to_message_id = IntegerField(body, "reply_to_message_id");
  send.silent = BoolField(body, "silent").value_or(false);
  send.idempotency_key = r.Header("idempotency-key");
  if (send.idempotency_key.size() > kMaxKeyLength) {
    throw Error(ErrorCode::kInvalidRequest, "the Idempotency-Key header is longer than 200 characters");
  }
  return send;
}

int WaitSeconds(const Request& r) { return static_cast<int>(QueryInt(r, "wait", 0, 0, kMaxWaitSeconds)); }

// 200 once the outcome is known, 202 while the entry is still on its way.
Response EntryResponse(const store::OutboxEntry& entry) {
  return Response::Json(store::IsFinal(entry.state) ? 200 : 202, OutboxJson(entry));
}

}  // namespace

void RegisterMessageRoutes(Router& router, service::Services& s) {
  router.Add("POST", "/v1/accounts/{id}/messages", kSend, [&s](const Request& r, const Reply& reply) {
    auto send = ReadSendRequest(r);
    int wait = WaitSeconds(r);
    auto entry = s.outbox.Enqueue(TenantOf(r), r.params.at("id"), send);
    if (wait == 0) return reply(Response::Json(202, OutboxJson(entry)));
    s.outbox.Wait(entry.id, std::chrono::seconds(wait),
                  [reply](const store::OutboxEntry& done) { reply(EntryResponse(done)); });
  });
  router.Add("GET", "/v1/outbox/{id}", kSend, [&s](const Request& r, const Reply& reply) {
    reply(Response::Json(200, OutboxJson(s.outbox.Get(TenantOf(r), r.params.at("id")))));
  });
}

}  // namespace tgmux::api
