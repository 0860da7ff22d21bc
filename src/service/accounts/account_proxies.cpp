// Accounts behind a proxy: the account's own proxy (sealed in its row) or
// TGMUX_PROXY, handed to its TDLib client only, and the status that follows
// the connection: `connecting` while the proxy does not get it through, with
// the proxy's failure in last_error; `active` once Telegram answers again.
#include <spdlog/spdlog.h>

#include "service/accounts/accounts.h"

namespace tgmux::service {

using store::AccountStatus;
using telegram::ConnectionState;

ProxyUrl AccountService::ParseProxyField(const std::string& field, const std::string& text) {
  auto parsed = ParseProxyUrl(text);
  if (!parsed.proxy) throw Error(ErrorCode::kInvalidRequest, "field \"" + field + "\": " + parsed.error);
  return *parsed.proxy;
}

std::optional<ProxyUrl> AccountService::ProxyOf(const store::Account& account) {
  if (account.proxy_sealed.empty()) return default_proxy_;
  try {
    const auto& envelope = infra_.envelope();
    auto data_key = envelope.UnwrapDataKey(account.wrapped_data_key, account.id);
    auto parsed = ParseProxyUrl(envelope.Decrypt(data_key, account.id, "proxy", account.proxy_sealed));
    if (parsed.proxy) return parsed.proxy;
  } catch (const crypto::DecryptError&) {
  }
  spdlog::error("account {}: its proxy cannot be read; connecting without it", account.id);
  return std::nullopt;
}

void AccountService::SealProxy(store::Account& row, const crypto::SecretKey& data_key,
                               const std::optional<ProxyUrl>& proxy) {
  row.proxy_sealed = proxy ? infra_.envelope().Encrypt(data_key, row.id, "proxy", proxy->ToString()) : "";
  row.proxy_masked = proxy ? proxy->Masked() : "";
}

void AccountService::ApplyProxy(const std::string& account_id, const std::optional<ProxyUrl>& proxy) {
  std::shared_ptr<telegram::AccountClient> client;
  {
    std::lock_guard lock(mutex_);
    auto it = live_.find(account_id);
    if (it == live_.end()) return;
    it->second.proxy = proxy;
    client = it->second.client;
  }
  std::string shown = proxy ? proxy->Masked() : "none";
  client->SetProxy(proxy, [this, account_id, shown](telegram::Status status) {
    if (status.ok()) return spdlog::info("account {}: proxy {}", account_id, shown);
    spdlog::warn("account {}: proxy {} not applied: {}", account_id, shown, status.error().what());
    SetStatus(account_id, AccountStatus::kError, std::string("the proxy cannot be used: ") + status.error().what());
  });
}

void AccountService::OnConnection(const std::string& account_id, ConnectionState state) {
  std::shared_ptr<telegram::AccountClient> client;
  std::optional<ProxyUrl> proxy;
  bool held = false;
  const bool connecting = state == ConnectionState::kConnectingToProxy || state == ConnectionState::kConnecting;
  {
    std::lock_guard lock(mutex_);
    auto it = live_.find(account_id);
    if (it == live_.end()) return;
    it->second.connection = state;
    client = it->second.client;
    proxy = it->second.proxy;
    held = it->second.held_by_proxy;
    if (state == ConnectionState::kReady) it->second.held_by_proxy = false;
    if (connecting && proxy) it->second.held_by_proxy = true;
  }
  if (state == ConnectionState::kReady) {
    // Connected again (through the proxy, another one, or none any more).
    if (held && client->auth_state().kind == telegram::AuthState::Kind::kReady) {
      SetStatus(account_id, AccountStatus::kActive, "");
    }
    return;
  }
  // Without a proxy the status follows the session alone.
  if (!connecting || !proxy) return;
  const std::string shown = proxy->Masked();
  SetStatus(account_id, AccountStatus::kConnecting, "connecting through the proxy " + shown);
  // Whether the proxy itself answers says what is wrong.
  client->PingProxy(*proxy, [this, account_id, shown](telegram::Result<double> ping) {
    if (ping.ok()) return;
    std::string why = std::string("the proxy ") + shown + " cannot be reached: " + ping.error().what();
    spdlog::warn("account {}: {}", account_id, why);
    std::lock_guard lock(mutex_);
    auto it = live_.find(account_id);
    // Still waiting for this proxy (not connected meanwhile, not changed).
    if (it == live_.end() || !it->second.proxy || it->second.proxy->Masked() != shown ||
        it->second.connection == ConnectionState::kReady) {
      return;
    }
    SetStatus(account_id, AccountStatus::kConnecting, why);
  });
}

}  // namespace tgmux::service
