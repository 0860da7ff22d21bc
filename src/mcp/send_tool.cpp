// send_message: a send through the outbox, like POST /v1/accounts/{id}/messages
// with ?wait. Its idempotency key is the caller's idempotency_key argument, or
// one derived from who calls (principal, MCP session), the JSON-RPC id and the
// arguments, so a client that retries the same call sends once. Keys are
// namespaced per caller: another credential's key never matches.
#include "api/views.h"
#include "crypto/secrets.h"
#include "mcp/tools.h"
#include "telegram/parse_mode.h"

namespace tgmux::mcp {
namespace {

using nlohmann::json;

// How long a call waits for its message to be sent (or to fail) before it
// answers with the entry still queued.
constexpr std::chrono::seconds kSendWait{15};

std::string IdempotencyKeyOf(const ToolCall& call) {
  json arguments = call.arguments;
  std::string material;
  if (auto given = arguments.find("idempotency_key"); given != arguments.end()) {
    material = "key\n" + given->get<std::string>();
  } else {
    // json objects keep their members sorted: dump() is canonical.
    material = "call\n" + call.session_id + "\n" + call.rpc_id.dump() + "\n" + arguments.dump();
  }
  return "mcp:" + crypto::HmacSha256Hex(call.principal.id, material).substr(0, 48);
}

service::SendRequest RequestOf(const ToolCall& call) {
  service::SendRequest send;
  const json& to = call.arguments.at("to");
  send.to = to.is_string() ? to.get<std::string>() : std::to_string(to.get<std::int64_t>());
  send.text = call.arguments.at("text");
  std::string mode = call.arguments.value("parse_mode", "plain");
  send.parse_mode = mode == "plain" ? telegram::ParseMode::kNone
                                    : telegram::ParseModeFromName(mode).value_or(telegram::ParseMode::kNone);
  send.reply_to_message_id = call.arguments.value("reply_to", std::int64_t{0});
  send.idempotency_key = IdempotencyKeyOf(call);
  return send;
}

json Outcome(const store::OutboxEntry& entry) {
  auto or_null = [](std::int64_t v) { return v == 0 ? json(nullptr) : json(v); };
  json out = {{"outbox_id", entry.id},
              {"state", std::string(store::OutboxStateName(entry.state))},
              {"chat_id", or_null(entry.chat_id)},
              {"message_id", or_null(entry.message_id)},
              {"date", api::Timestamp(entry.message_date)},
              {"error", nullptr}};
  if (entry.state == store::OutboxState::kFailed) {
    out["error"] = {{"code", entry.error_code}, {"message", entry.error_message}};
  }
  return out;
}

}  // namespace

Tool SendTool() {
  Tool t{"send_message", "Send a message",
         "Sends a text message from the account, as its user, and answers with the outcome: state \"sent\" (with "
         "message_id), \"failed\" (with error), or \"queued\"/\"sending\" when it takes longer than 15 s (ask "
         "again later with the same idempotency_key to learn the outcome). A retried call sends once: give the "
         "same idempotency_key, or repeat the same JSON-RPC request.",
         {{"type", "object"},
          {"required", {"account", "to", "text"}},
          {"additionalProperties", false},
          {"properties",
           {{"account", AccountArgument()},
            {"to",
             {{"type", {"string", "integer"}},
              {"description", "the recipient: a chat id (from list_chats), @username or +phone number"}}},
            {"text", {{"type", "string"}, {"minLength", 1}, {"maxLength", 4096}}},
            {"parse_mode",
             {{"type", "string"},
              {"enum", {"plain", "markdown", "markdownv2", "html"}},
              {"default", "plain"},
              {"description", "markdown: the Telegram apps' (**bold**, __italic__, `code`, [text](url)); markdownv2: "
                              "the Bot API's (special characters escaped with \\); html: <b>, <i>, <a href>, <code>"}}},
            {"reply_to", {{"type", "integer"}, {"minimum", 1}, {"description", "the id of the message to answer"}}},
            {"idempotency_key",
             {{"type", "string"},
              {"minLength", 1},
              {"maxLength", 200},
              {"description", "the same key sends once; default: derived from this call"}}}}}},
         {{"type", "object"},
          {"required", {"outbox_id", "state"}},
          {"properties",
           {{"outbox_id", {{"type", "string"}}},
            {"state", {{"type", "string"}, {"enum", {"queued", "sending", "sent", "failed"}}}},
            {"chat_id", {{"type", {"integer", "null"}}}},
            {"message_id", {{"type", {"integer", "null"}}}},
            {"date", {{"type", {"string", "null"}}}},
            {"error", {{"type", {"object", "null"}}}}}}}};
  t.read_only = false;
  t.run = [](const ToolCall& call, const ToolDone& done) {
    auto entry = call.services->outbox.Enqueue(call.principal.tenant_id, AllowedAccount(call), RequestOf(call));
    call.services->outbox.Wait(entry, kSendWait, [done](const store::OutboxEntry& final_entry) {
      json result = ToolResult(Outcome(final_entry));
      result["isError"] = final_entry.state == store::OutboxState::kFailed;
      done(std::move(result));
    });
  };
  return t;
}

}  // namespace tgmux::mcp
