// The Streamable HTTP transport of /mcp: which revision a request speaks and
// what that revision requires of its headers, sessions, the rate limit, and
// the answer's form (JSON or one SSE event). The methods are in methods.cpp.
#include "mcp/endpoint.h"

#include <algorithm>
#include <cctype>
#include <memory>

#include "api/request_parsing.h"
#include "api/views.h"
#include "config/config.h"
#include "mcp/methods.h"
#include "service/auth/rate_limiter.h"

namespace tgmux::mcp {
namespace {

using nlohmann::json;
using api::Reply;
using api::Request;
using api::Response;

constexpr const char* kMetaVersion = "io.modelcontextprotocol/protocolVersion";

std::string Trim(std::string text) {
  auto first = text.find_first_not_of(" \t");
  auto last = text.find_last_not_of(" \t");
  return first == std::string::npos ? "" : text.substr(first, last - first + 1);
}

// http(s)://localhost, 127.x.x.x or [::1], with an optional port and no path.
bool LoopbackOrigin(const std::string& origin) {
  auto scheme_end = origin.find("://");
  if (scheme_end == std::string::npos) return false;
  std::string scheme = api::ToLower(origin.substr(0, scheme_end));
  std::string rest = api::ToLower(origin.substr(scheme_end + 3));
  if ((scheme != "http" && scheme != "https") || rest.find('/') != std::string::npos) return false;
  std::string host = rest;
  std::string port;
  if (auto close = rest.rfind(']'); !rest.empty() && rest[0] == '[' && close != std::string::npos) {
    host = rest.substr(0, close + 1);
    port = rest.substr(close + 1);
  } else if (auto colon = rest.find(':'); colon != std::string::npos) {
    host = rest.substr(0, colon);
    port = rest.substr(colon);
  }
  if (!port.empty() && (port[0] != ':' || port.size() == 1 || port.find_first_not_of("0123456789", 1) != std::string::npos)) {
    return false;
  }
  if (host == "localhost" || host == "[::1]") return true;
  return host.rfind("127.", 0) == 0 && host.find_first_not_of("0123456789.") == std::string::npos;
}

// Whether Accept ranks text/event-stream above application/json (equal ranks answer JSON).
bool PrefersEventStream(const std::string& accept) {
  double json_q = -1, sse_q = -1, any_q = -1;
  std::size_t start = 0;
  while (start <= accept.size()) {
    std::size_t end = std::min(accept.find(',', start), accept.size());
    std::string part = api::ToLower(accept.substr(start, end - start));
    start = end + 1;
    std::string media = Trim(part.substr(0, part.find(';')));
    double q = 1;
    if (auto at = part.find("q="); at != std::string::npos) q = std::atof(part.c_str() + at + 2);
    if (media == "application/json") json_q = std::max(json_q, q);
    if (media == "text/event-stream") sse_q = std::max(sse_q, q);
    if (media == "*/*" || media == "application/*") any_q = std::max(any_q, q);
  }
  if (json_q < 0) json_q = any_q;
  return sse_q > 0 && sse_q > json_q;
}

Response Message(int status, const json& message, bool sse) {
  if (!sse || status != 200) return Response::Json(status, message);
  Response r = Response::Text(200, "event: message\ndata: " + message.dump() + "\n\n", "text/event-stream");
  r.headers.emplace_back("Cache-Control", "no-cache");
  return r;
}

std::string MetaVersion(const json& params) {
  auto meta = params.find("_meta");
  if (meta == params.end() || !meta->is_object()) return "";
  auto version = meta->find(kMetaVersion);
  return version != meta->end() && version->is_string() ? version->get<std::string>() : "";
}

RpcError BadRequest(RpcCode code, const std::string& why, int status = 400, json data = nullptr) {
  return RpcError(code, "Bad Request: " + why, status, std::move(data));
}

json VersionData(const std::string& requested) { return {{"requested", requested}, {"supported", SupportedRevisions()}}; }

class Endpoint {
 public:
  Endpoint(service::Services& services, EndpointOptions options)
      : services_(services),
        origins_(std::move(options.origins)),
        per_minute_(options.calls_per_minute),
        limiter_(config::RateLimit{options.calls_per_minute, 60}) {}

  // DNS-rebinding protection: a browser's Origin must be loopback or configured.
  std::optional<Response> CheckOrigin(const Request& r) const {
    std::string origin = r.Header("origin");
    if (origin.empty() || LoopbackOrigin(origin)) return std::nullopt;
    if (std::find(origins_.begin(), origins_.end(), origin) != origins_.end()) return std::nullopt;
    return Response::Json(403, ErrorMessage(nullptr, RpcError(RpcCode::kInvalidRequest,
                                                              "Forbidden: requests from origin " + origin +
                                                                  " are not allowed (see TGMUX_CORS_ORIGINS)")));
  }

  void Post(const Request& r, const Reply& reply) {
    const bool sse = PrefersEventStream(r.Header("accept"));
    RpcMessage message;
    try {
      message = ParseMessage(r.body);
      if (message.method == "initialize") {
        Limit(r);
        return Initialize(r, message, reply, sse);
      }
      MethodContext context = Settle(r, message);
      if (message.notification) return reply(Response::Text(202, "", "application/json"));
      Limit(r);
      Dispatch(context, message, [reply, sse](json answer) { reply(Message(200, answer, sse)); });
    } catch (const RpcError& e) {
      Response answer = Message(e.http_status(), ErrorMessage(message.id, e), sse);
      if (e.code() == RpcCode::kRateLimited) {
        answer.headers.emplace_back("Retry-After", std::to_string(e.data().value("retry_after", 60)));
      }
      reply(std::move(answer));
    }
  }

  void Delete(const Request& r, const Reply& reply) {
    std::string id = r.Header("mcp-session-id");
    if (id.empty()) {
      return reply(Response::Json(400, ErrorMessage(nullptr, BadRequest(RpcCode::kInvalidRequest,
                                                                         "the Mcp-Session-Id header is required"))));
    }
    if (!sessions_.End(id, Owner(r))) {
      return reply(Response::Json(404, ErrorMessage(nullptr, RpcError(RpcCode::kInvalidRequest, "Session not found"))));
    }
    reply(Response::NoContent());
  }

 private:
  static std::string Owner(const Request& r) {
    const auto& principal = api::PrincipalOf(r);
    return std::string(principal.KindName()) + ":" + principal.id;
  }

  void Limit(const Request& r) {
    std::string key = Owner(r);
    if (auto wait = limiter_.RetryAfter(key)) {
      throw RpcError(RpcCode::kRateLimited,
                     "Too many requests: at most " + std::to_string(per_minute_) + " a minute for this key", 429,
                     {{"retry_after", *wait}});
    }
    limiter_.Hit(key);
  }

  void Initialize(const Request& r, const RpcMessage& message, const Reply& reply, bool sse) {
    auto requested = message.params.find("protocolVersion");
    if (requested == message.params.end() || !requested->is_string()) {
      throw RpcError(RpcCode::kInvalidParams, "Invalid params: \"protocolVersion\" must be a string");
    }
    Revision revision = NegotiateInitialize(requested->get<std::string>());
    json result = {{"protocolVersion", RevisionName(revision)},
                   {"capabilities", ServerCapabilities()},
                   {"serverInfo", ServerInfo()},
                   {"instructions", ServerInstructions()}};
    if (revision == Revision::k2026_07_28) result["resultType"] = "complete";
    Response answer = Message(200, ResultMessage(message.id, std::move(result)), sse);
    if (HasSessions(revision)) answer.headers.emplace_back("Mcp-Session-Id", sessions_.Create(Owner(r), revision));
    reply(std::move(answer));
  }

  // The revision the request speaks, checked against what that revision requires.
  MethodContext Settle(const Request& r, const RpcMessage& message) {
    MethodContext context{&services_, api::PrincipalOf(r), Revision::k2025_11_25, "", r.remote_ip};
    std::string header = r.Header("mcp-protocol-version");
    std::string meta = MetaVersion(message.params);
    auto header_revision = ParseRevision(header);
    auto meta_revision = ParseRevision(meta);
    bool stateless = (header_revision && !HasSessions(*header_revision)) ||
                     (!meta.empty() && !(meta_revision && HasSessions(*meta_revision)));
    if (stateless) {
      CheckStateless(r, message, header, meta);
      context.revision = *header_revision;
      return context;
    }
    if (!header.empty() && !header_revision) {
      throw BadRequest(RpcCode::kInvalidRequest, "unsupported MCP-Protocol-Version " + header, 400, VersionData(header));
    }
    std::string id = r.Header("mcp-session-id");
    if (id.empty()) {
      throw BadRequest(RpcCode::kInvalidRequest,
                       "the Mcp-Session-Id header is required (initialize first, or speak 2026-07-28)");
    }
    auto session = sessions_.Use(id, Owner(r));
    if (!session) throw RpcError(RpcCode::kInvalidRequest, "Session not found: initialize again", 404);
    if (header_revision && *header_revision != session->revision) {
      throw BadRequest(RpcCode::kInvalidRequest, "MCP-Protocol-Version " + header + " is not the session's (" +
                                                     std::string(RevisionName(session->revision)) + ")");
    }
    context.revision = session->revision;
    context.session_id = id;
    return context;
  }

  // 2026-07-28: the version twice (header and _meta), the method and the tool's name as headers too.
  static void CheckStateless(const Request& r, const RpcMessage& message, const std::string& header,
                             const std::string& meta) {
    if (header.empty() || (!message.notification && header != meta)) {
      throw BadRequest(RpcCode::kHeaderMismatch, "MCP-Protocol-Version must be present and equal params._meta[\"" +
                                                     std::string(kMetaVersion) + "\"]");
    }
    if (auto revision = ParseRevision(header); !revision || HasSessions(*revision)) {
      throw RpcError(RpcCode::kUnsupportedVersion, "Unsupported protocol version " + header, 400, VersionData(header));
    }
    if (message.method.empty()) return;  // a client's response: no method to compare
    if (r.Header("mcp-method") != message.method) {
      throw BadRequest(RpcCode::kHeaderMismatch, "the Mcp-Method header must equal the body's method");
    }
    auto name = message.params.find("name");
    if (message.method == "tools/call" && name != message.params.end() && name->is_string() &&
        r.Header("mcp-name") != name->get<std::string>()) {
      throw BadRequest(RpcCode::kHeaderMismatch, "the Mcp-Name header must equal params.name");
    }
  }

  service::Services& services_;
  const std::vector<std::string> origins_;
  const int per_minute_;
  service::RateLimiter limiter_;
  Sessions sessions_;
};

}  // namespace

int CallsPerMinuteSetting(const std::map<std::string, std::string>& env) {
  auto it = env.find("TGMUX_MCP_CALLS_PER_MINUTE");
  if (it == env.end() || it->second.empty()) return 120;
  const std::string& text = it->second;
  if (text.size() > 7 || text.find_first_not_of("0123456789") != std::string::npos || std::stoi(text) < 1 ||
      std::stoi(text) > 1000000) {
    throw config::ConfigError("TGMUX_MCP_CALLS_PER_MINUTE=" + text + ": must be a whole number from 1 to 1000000");
  }
  return std::stoi(text);
}

void RegisterMcpRoutes(api::Router& router, service::Services& services, EndpointOptions options) {
  auto endpoint = std::make_shared<Endpoint>(services, std::move(options));
  const auto access = api::Access::AtLeast(service::Role::kOperator);
  router.AddGate("/mcp", [endpoint](const Request& r) { return endpoint->CheckOrigin(r); });
  router.Add("POST", "/mcp", access, [endpoint](const Request& r, const Reply& reply) { endpoint->Post(r, reply); });
  router.Add("DELETE", "/mcp", access, [endpoint](const Request& r, const Reply& reply) { endpoint->Delete(r, reply); });
}

}  // namespace tgmux::mcp
