#include "mcp/protocol.h"

#include "common/name_table.h"
#include "crypto/random_id.h"

namespace tgmux::mcp {

using nlohmann::json;

json ResultMessage(const json& id, json result) {
  return {{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}};
}

json ErrorMessage(const json& id, const RpcError& error) {
  json body = {{"code", static_cast<int>(error.code())}, {"message", error.what()}};
  if (!error.data().is_null()) body["data"] = error.data();
  return {{"jsonrpc", "2.0"}, {"id", id}, {"error", std::move(body)}};
}

RpcMessage ParseMessage(const std::string& body) {
  json message = json::parse(body, nullptr, false);
  if (message.is_discarded()) throw RpcError(RpcCode::kParseError, "Parse error: the body is not JSON", 400);
  if (message.is_array()) {
    throw RpcError(RpcCode::kInvalidRequest, "Invalid Request: batches are not supported; send one message per POST",
                   400);
  }
  if (!message.is_object() || message.value("jsonrpc", json()) != "2.0") {
    throw RpcError(RpcCode::kInvalidRequest, "Invalid Request: not a JSON-RPC 2.0 message (\"jsonrpc\": \"2.0\")", 400);
  }
  RpcMessage out;
  if (!message.contains("method") && (message.contains("result") || message.contains("error"))) {
    out.notification = true;  // a client's answer to a server request: nothing to do
    return out;
  }
  auto method = message.find("method");
  if (method == message.end() || !method->is_string()) {
    throw RpcError(RpcCode::kInvalidRequest, "Invalid Request: \"method\" must be a string", 400);
  }
  out.method = method->get<std::string>();
  auto id = message.find("id");
  if (id == message.end()) {
    out.notification = true;
  } else if (id->is_string() || id->is_number_integer()) {
    out.id = *id;
  } else {
    // MCP: ids are strings or integers, never null.
    throw RpcError(RpcCode::kInvalidRequest, "Invalid Request: \"id\" must be a string or an integer", 400);
  }
  auto params = message.find("params");
  if (params != message.end() && !params->is_null()) {
    if (!params->is_object()) {
      throw RpcError(RpcCode::kInvalidRequest, "Invalid Request: \"params\" must be an object", 400);
    }
    out.params = *params;
  }
  return out;
}

std::string_view RevisionName(Revision revision) { return NameIn(kRevisions, revision); }

std::optional<Revision> ParseRevision(std::string_view name) { return ValueIn(kRevisions, name); }

bool HasSessions(Revision revision) {
  const RevisionRow* row = RowIn(kRevisions, revision);
  return row && row->sessions;
}

json SupportedRevisions() {
  json out = json::array();
  for (const auto& row : kRevisions) out.push_back(row.name);
  return out;
}

Revision NegotiateInitialize(const std::string& requested) {
  return ParseRevision(requested).value_or(Revision::k2025_11_25);
}

std::string Sessions::Create(const std::string& owner, Revision revision) {
  auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mutex_);
  Prune(now);
  std::size_t owned = 0;
  auto oldest = sessions_.end();
  for (auto it = sessions_.begin(); it != sessions_.end(); ++it) {
    if (it->second.owner != owner) continue;
    ++owned;
    if (oldest == sessions_.end() || it->second.last_used < oldest->second.last_used) oldest = it;
  }
  if (owned >= kPerOwner) sessions_.erase(oldest);
  std::string id = crypto::RandomId("mcps");
  sessions_[id] = Session{owner, revision, now};
  return id;
}

std::optional<Sessions::Session> Sessions::Use(const std::string& id, const std::string& owner) {
  auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mutex_);
  Prune(now);
  auto it = sessions_.find(id);
  if (it == sessions_.end() || it->second.owner != owner) return std::nullopt;
  it->second.last_used = now;
  return it->second;
}

bool Sessions::End(const std::string& id, const std::string& owner) {
  std::lock_guard lock(mutex_);
  auto it = sessions_.find(id);
  if (it == sessions_.end() || it->second.owner != owner) return false;
  sessions_.erase(it);
  return true;
}

void Sessions::Prune(std::chrono::steady_clock::time_point now) {
  std::erase_if(sessions_, [now](const auto& entry) { return now - entry.second.last_used > kIdle; });
}

}  // namespace tgmux::mcp
