// The protocol side of tgmux's MCP endpoint (docs/mcp.md): JSON-RPC 2.0
// messages and errors, the protocol revisions it speaks, and the sessions of
// the revisions that have them. No HTTP here (endpoint.cpp), no tools (tools.h).
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace tgmux::mcp {

// JSON-RPC 2.0's error codes, MCP's, and tgmux's rate limit.
enum class RpcCode : int {
  kParseError = -32700,
  kInvalidRequest = -32600,
  kMethodNotFound = -32601,
  kInvalidParams = -32602,
  kInternal = -32603,
  kHeaderMismatch = -32001,      // 2026-07-28: an Mcp-* header disagrees with the body
  kUnsupportedVersion = -32022,  // 2026-07-28: UnsupportedProtocolVersionError
  kRateLimited = -31429,         // tgmux: TGMUX_MCP_CALLS_PER_MINUTE reached; data.retry_after
};

// A JSON-RPC error answer, and the HTTP status it goes with.
class RpcError : public std::runtime_error {
 public:
  RpcError(RpcCode code, std::string message, int http_status = 200, nlohmann::json data = nullptr)
      : std::runtime_error(std::move(message)), code_(code), http_status_(http_status), data_(std::move(data)) {}
  RpcCode code() const { return code_; }
  int http_status() const { return http_status_; }
  const nlohmann::json& data() const { return data_; }

 private:
  RpcCode code_;
  int http_status_;
  nlohmann::json data_;
};

// {"jsonrpc":"2.0","id":id,"result":result}.
nlohmann::json ResultMessage(const nlohmann::json& id, nlohmann::json result);
// {"jsonrpc":"2.0","id":id,"error":{code,message,data?}}; id null when unknown.
nlohmann::json ErrorMessage(const nlohmann::json& id, const RpcError& error);

// One message a client posted: a request (with id) or a notification.
struct RpcMessage {
  nlohmann::json id;  // null for a notification
  std::string method;
  nlohmann::json params = nlohmann::json::object();
  bool notification = false;
};

// Parses a POST body into one message. Throws RpcError: parse error (not
// JSON), invalid request (a batch, which the revisions tgmux speaks removed;
// or not a JSON-RPC 2.0 request or notification). A response a client posts
// (to a request tgmux never sends) counts as a notification.
RpcMessage ParseMessage(const std::string& body);

// The protocol revisions tgmux speaks, oldest first.
enum class Revision { k2025_06_18, k2025_11_25, k2026_07_28 };
struct RevisionRow {
  Revision value;
  std::string_view name;
  bool sessions;  // initialize hands out Mcp-Session-Id, which later requests must carry
};
inline constexpr std::array<RevisionRow, 3> kRevisions = {{
    {Revision::k2025_06_18, "2025-06-18", true},
    {Revision::k2025_11_25, "2025-11-25", true},
    {Revision::k2026_07_28, "2026-07-28", false},
}};
std::string_view RevisionName(Revision revision);
std::optional<Revision> ParseRevision(std::string_view name);
bool HasSessions(Revision revision);
// ["2025-06-18", "2025-11-25", "2026-07-28"].
nlohmann::json SupportedRevisions();
// What initialize answers a client that asks for `requested`: that revision
// when tgmux speaks it, else the newest revision that has initialize (2025-11-25).
Revision NegotiateInitialize(const std::string& requested);

// Sessions of the revisions that have them: made by initialize, bound to the
// caller (principal id) that made them, ended by DELETE or after an idle hour.
// Thread-safe.
class Sessions {
 public:
  struct Session {
    std::string owner;  // principal id
    Revision revision = Revision::k2025_11_25;
    std::chrono::steady_clock::time_point last_used;
  };
  static constexpr std::chrono::hours kIdle{1};
  // One caller keeps at most this many; a new one ends its least recently used.
  static constexpr std::size_t kPerOwner = 100;

  std::string Create(const std::string& owner, Revision revision);
  // The session with that id made by `owner`, marked used; nullopt when unknown,
  // ended, expired or another caller's.
  std::optional<Session> Use(const std::string& id, const std::string& owner);
  // False when there was no such session of `owner`.
  bool End(const std::string& id, const std::string& owner);

 private:
  void Prune(std::chrono::steady_clock::time_point now);

  std::mutex mutex_;
  std::map<std::string, Session> sessions_;
};

}  // namespace tgmux::mcp
