// Proxies, per client as in TDLib's ConnectionCreator (1.8.65: addProxy{proxy, enable,
// comment} → addedProxy, getProxies → addedProxies), with Proxy::create_proxy's
// validation. While the enabled proxy is unreachable (control API) this client's
// server calls wait and it reports connectionStateConnectingToProxy (SOCKS5 and HTTP
// CONNECT proxies; MTProto and HTTP-only proxies show connectionStateConnecting, as
// StateManager does).
#include <cctype>

#include "sim/engine/client.h"
#include "sim/engine/objects.h"
#include "sim/tdapi/sync_methods.h"
#include "sim/tdapi/text.h"

namespace tgsim {
namespace {

constexpr std::size_t kMaxSecretDomain = 182;  // ProxySecret::MAX_DOMAIN_LENGTH

bool HexDecode(std::string_view text, std::string& out) {
  if (text.size() % 2 != 0) return false;
  out.clear();
  for (std::size_t i = 0; i < text.size(); i += 2) {
    if (!std::isxdigit(static_cast<unsigned char>(text[i])) || !std::isxdigit(static_cast<unsigned char>(text[i + 1]))) {
      return false;
    }
    out.push_back(static_cast<char>(std::stoi(std::string(text.substr(i, 2)), nullptr, 16)));
  }
  return true;
}

std::string HexEncode(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

// ProxySecret::from_link and get_encoded_secret: the secret TDLib shows back.
std::optional<std::string> EncodedSecret(std::string_view secret, std::string& error) {
  std::string raw, ignored;
  if (!HexDecode(secret, raw) && !Base64UrlDecode(secret, raw, ignored) && !Base64Decode(secret, raw)) {
    error = "Wrong proxy secret";
    return std::nullopt;
  }
  if (raw.size() > 17 + kMaxSecretDomain) return error = "Too long secret", std::nullopt;
  unsigned char first = raw.empty() ? 0 : static_cast<unsigned char>(raw[0]);
  bool valid = raw.size() == 16 || (raw.size() == 17 && first == 0xdd) || (raw.size() >= 18 && first == 0xee);
  if (!valid) {
    error = raw.size() < 16 ? "Wrong proxy secret" : "Unsupported proxy secret";
    return std::nullopt;
  }
  return raw.size() >= 17 && first == 0xee ? Base64UrlEncode(raw) : HexEncode(raw);
}

// Proxy::create_proxy: the proxy as TDLib keeps it, or nullopt with `error` set.
std::optional<Json> NormalizedProxy(const Json& proxy, std::string& error) {
  if (proxy.is_null()) return error = "Proxy must be non-empty", std::nullopt;
  const Json& type = GetObject(proxy, "type");
  std::string server = GetString(proxy, "server");
  std::int64_t port = GetInt(proxy, "port");
  if (type.is_null()) error = "Proxy type must be non-empty";
  else if (server.empty()) error = "Server name must be non-empty";
  else if (server.size() > 255) error = "Server name is too long";
  else if (!IsValidUtf8(server)) error = "Server name must be encoded in UTF-8";
  else if (port <= 0 || port > 65535) error = "Wrong port number";
  if (!error.empty()) return std::nullopt;
  Json normal_type = Obj(TypeOf(type));
  if (TypeOf(type) == "proxyTypeMtproto") {
    auto secret = EncodedSecret(GetString(type, "secret"), error);
    if (!secret) return std::nullopt;
    normal_type["secret"] = *secret;
  } else {
    normal_type["username"] = GetString(type, "username");
    normal_type["password"] = GetString(type, "password");
    if (TypeOf(type) == "proxyTypeHttp") normal_type["http_only"] = GetBool(type, "http_only");
  }
  Json out = Obj("proxy");
  out["server"] = server;
  out["port"] = port;
  out["type"] = normal_type;
  return out;
}

}  // namespace

Json ClientSession::AddedProxyObject(int proxy_id) const {
  const ProxyEntry& entry = proxies_.at(proxy_id);
  Json out = Obj("addedProxy");
  out["id"] = proxy_id;
  out["last_used_date"] = entry.last_used_date;
  out["is_enabled"] = proxy_id == active_proxy_id_;
  out["comment"] = entry.comment;
  out["proxy"] = entry.proxy;
  return out;
}

bool ClientSession::ProxyBlocked() const {
  if (active_proxy_id_ == 0) return false;
  const Json& proxy = proxies_.at(active_proxy_id_).proxy;
  return !world_.ProxyReachable(proxy["server"].get<std::string>(), proxy["port"].get<int>());
}

void ClientSession::EmitConnectionState(bool reconnect) {
  if (state_ == AuthState::kWaitParameters || state_ == AuthState::kClosed || !world_.network_up()) return;
  bool shows_proxy = false;
  if (active_proxy_id_ != 0) {
    const Json& type = proxies_.at(active_proxy_id_).proxy["type"];
    shows_proxy = TypeOf(type) == "proxyTypeSocks5" ||
                  (TypeOf(type) == "proxyTypeHttp" && !type.value("http_only", false));
  }
  auto emit = [this](const char* state) {
    Json update = Obj("updateConnectionState");
    update["state"] = Obj(state);
    Emit(update);
  };
  const char* connecting = shows_proxy ? "connectionStateConnectingToProxy" : "connectionStateConnecting";
  if (ProxyBlocked()) return emit(connecting);
  if (reconnect) emit(connecting);
  emit("connectionStateReady");
  if (active_proxy_id_ != 0) proxies_.at(active_proxy_id_).last_used_date = world_.scheduler().Now();
}

void ClientSession::RunProxyWaiters() {
  if (ProxyBlocked()) return;
  auto waiters = std::move(proxy_waiters_);
  proxy_waiters_.clear();
  for (auto& waiter : waiters) waiter();
}

void ClientSession::OnProxyReachabilityChanged() {
  if (active_proxy_id_ == 0 || state_ == AuthState::kClosed) return;
  EmitConnectionState(false);
  RunProxyWaiters();
}

void ClientSession::EnableProxy(int proxy_id) {
  if (proxy_id == active_proxy_id_) return;
  active_proxy_id_ = proxy_id;
  Json option = Obj("updateOption");
  option["name"] = "enabled_proxy_id";
  option["value"] = OptionInteger(proxy_id);
  options_["enabled_proxy_id"] = option["value"];
  Emit(option);
  EmitConnectionState(true);
  RunProxyWaiters();
}

void ClientSession::DisableProxy() {
  if (active_proxy_id_ == 0) return;
  active_proxy_id_ = 0;
  Json option = Obj("updateOption");
  option["name"] = "enabled_proxy_id";
  option["value"] = Obj("optionValueEmpty");
  options_.erase("enabled_proxy_id");
  Emit(option);
  EmitConnectionState(true);
  RunProxyWaiters();
}

void ClientSession::AddOrEditProxy(Request& request, int old_proxy_id) {
  std::string error;
  std::optional<Json> proxy = NormalizedProxy(GetObject(request.object, "proxy"), error);
  if (!proxy) return RespondError(request, 400, error);
  std::string comment = GetString(request.object, "comment");
  if (!IsValidUtf8(comment)) return RespondError(request, 400, "Strings must be encoded in UTF-8");
  bool enable = GetBool(request.object, "enable");
  if (old_proxy_id >= 0) {
    auto old = proxies_.find(old_proxy_id);
    if (old == proxies_.end()) return RespondError(request, 400, "Proxy not found");
    if (old->second.proxy == *proxy) {
      old->second.comment = comment;
      if (enable) EnableProxy(old_proxy_id);
      return Respond(request, AddedProxyObject(old_proxy_id));
    }
    if (old_proxy_id == active_proxy_id_) {
      enable = true;
      DisableProxy();
    }
    proxies_.erase(old);
  }
  int proxy_id = old_proxy_id >= 0 ? old_proxy_id : 0;
  for (const auto& [id, entry] : proxies_) {
    if (entry.proxy == *proxy) proxy_id = id;  // the same proxy keeps its id
  }
  if (proxy_id <= 0 || !proxies_.contains(proxy_id)) {
    if (proxy_id <= 0) proxy_id = next_proxy_id_++;
    proxies_[proxy_id].proxy = *proxy;
  }
  proxies_[proxy_id].comment = comment;
  if (enable) EnableProxy(proxy_id);
  Respond(request, AddedProxyObject(proxy_id));
}

void ClientSession::HandleAddProxy(Request& request) { AddOrEditProxy(request, -1); }

void ClientSession::HandleEditProxy(Request& request) {
  std::int64_t proxy_id = GetInt(request.object, "proxy_id");
  if (proxy_id < 0) return RespondError(request, 400, "Proxy identifier invalid");
  AddOrEditProxy(request, static_cast<int>(proxy_id));
}

void ClientSession::HandleEnableProxy(Request& request) {
  int proxy_id = static_cast<int>(GetInt(request.object, "proxy_id"));
  if (!proxies_.contains(proxy_id)) return RespondError(request, 400, "Unknown proxy identifier");
  EnableProxy(proxy_id);
  Respond(request, Obj("ok"));
}

void ClientSession::HandleDisableProxy(Request& request) {
  DisableProxy();
  Respond(request, Obj("ok"));
}

void ClientSession::HandleRemoveProxy(Request& request) {
  int proxy_id = static_cast<int>(GetInt(request.object, "proxy_id"));
  if (!proxies_.contains(proxy_id)) return RespondError(request, 400, "Unknown proxy identifier");
  if (proxy_id == active_proxy_id_) DisableProxy();
  proxies_.erase(proxy_id);
  Respond(request, Obj("ok"));
}

void ClientSession::HandleGetProxies(Request& request) {
  Json out = Obj("addedProxies");
  out["proxies"] = Json::array();
  for (const auto& [id, entry] : proxies_) out["proxies"].push_back(AddedProxyObject(id));
  Respond(request, out);
}

void ClientSession::HandlePingProxy(Request& request) {
  Json seconds = Obj("seconds");
  seconds["seconds"] = 0.012;
  const Json& input = GetObject(request.object, "proxy");
  if (input.is_null()) {  // ping the main DC without a proxy
    return CallServer(request, [this, seconds](Request& r) { Respond(r, seconds); });
  }
  std::string error;
  std::optional<Json> proxy = NormalizedProxy(input, error);
  if (!proxy) return RespondError(request, 400, error);
  if (!world_.network_up() || !world_.ProxyReachable((*proxy)["server"].get<std::string>(), (*proxy)["port"].get<int>())) {
    // TDLib gives up after its connect (TransparentProxy) or ping (MTProto) timeout.
    bool mtproto = TypeOf((*proxy)["type"]) == "proxyTypeMtproto";
    return RespondError(request, 400, mtproto ? "Pong timeout expired" : "Connection timeout expired");
  }
  Respond(request, seconds);
}

}  // namespace tgsim
