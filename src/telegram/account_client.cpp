#include "telegram/account_client.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "telegram/chat_cache.h"
#include "telegram/client_setup.h"
#include "telegram/send_tracker.h"
#include "telegram/td_parse.h"
#include "telegram/typed_answer.h"

namespace tgmux::telegram {
namespace {

using Kind = AuthState::Kind;
using nlohmann::json;

constexpr std::size_t kDatabaseKeySize = 32;

}  // namespace

AccountClient::AccountClient(ClientHub& hub, AccountCallbacks callbacks)
    : hub_(hub),
      callbacks_(std::move(callbacks)),
      // Raw `this` is safe: the destructor's ReleaseClient guarantees the
      // handler is not running and never runs again.
      client_id_(hub.CreateClient([this](const json& update) { OnUpdate(update); })),
      chats_(std::make_shared<ChatCache>()),
      sends_(std::make_shared<SendTracker>(hub, client_id_)) {}

AccountClient::~AccountClient() {
  // Also when closed: the hub may not have processed the Closed fully yet, and
  // must never call the handler of a destroyed client.
  hub_.ReleaseClient(client_id_);
}

void AccountClient::Start(const std::string& database_directory, const std::string& database_key,
                          const TdParameters& params, Done done) {
  if (database_key.size() != kDatabaseKeySize) {
    hub_.Fail(ToStatus(std::move(done)),
              Error(ErrorCode::kInvalidRequest, "The database key must be 32 bytes"));
    return;
  }
  if (database_directory.empty()) {
    hub_.Fail(ToStatus(std::move(done)),
              Error(ErrorCode::kInvalidRequest, "The database directory is empty"));
    return;
  }
  SendOptions();
  Call(TdlibParametersRequest(database_directory, database_key, params), std::move(done));
}

void AccountClient::SendOptions() {
  for (auto& request : MemoryOptionRequests()) {
    auto name = request["name"].get<std::string>();
    hub_.Send(client_id_, std::move(request), [id = client_id_, name = std::move(name)](Result<json> answer) {
      // account_not_ready: the client closed before init; nothing to set then.
      if (!answer.ok() && answer.error().code() != ErrorCode::kAccountNotReady) {
        spdlog::warn("telegram: client {} option {}: {}", id, name, answer.error().what());
      }
    });
  }
}

void AccountClient::SetPhoneNumber(const std::string& phone, Done done) {
  Call({{"@type", "setAuthenticationPhoneNumber"}, {"phone_number", phone}}, std::move(done));
}

void AccountClient::CheckCode(const std::string& code, Done done) {
  Call({{"@type", "checkAuthenticationCode"}, {"code", code}}, std::move(done));
}

void AccountClient::CheckPassword(const std::string& password, Done done) {
  Call({{"@type", "checkAuthenticationPassword"}, {"password", password}}, std::move(done));
}

void AccountClient::ResendCode(Done done) {
  Call({{"@type", "resendAuthenticationCode"}}, std::move(done));
}

void AccountClient::RequestQrCode(Done done) {
  Call({{"@type", "requestQrCodeAuthentication"}, {"other_user_ids", json::array()}}, std::move(done));
}

void AccountClient::RegisterUser(const std::string& first_name, const std::string& last_name, Done done) {
  Call({{"@type", "registerUser"},
        {"first_name", first_name},
        {"last_name", last_name},
        {"disable_notification", false}},
       std::move(done));
}

void AccountClient::CheckBotToken(const std::string& token, Done done) {
  Call({{"@type", "checkAuthenticationBotToken"}, {"token", token}}, std::move(done));
}

void AccountClient::LogOut(Done done) {
  {
    std::lock_guard lock(mutex_);
    logout_requested_ = true;
  }
  Call({{"@type", "logOut"}}, std::move(done));
}

void AccountClient::Close(Done done) { Call({{"@type", "close"}}, std::move(done)); }

void AccountClient::Destroy(Done done) {
  {
    std::lock_guard lock(mutex_);
    destroy_requested_ = true;
  }
  Call({{"@type", "destroy"}}, std::move(done));
}

void AccountClient::GetMe(std::function<void(Result<Me>)> done) {
  hub_.Send(client_id_, {{"@type", "getMe"}}, [done = std::move(done)](Result<json> answer) {
    if (!done) return;
    if (!answer.ok()) return done(answer.error());
    auto me = ParseMe(answer.value());
    if (!me) return done(Error(ErrorCode::kInternal, "TDLib answered getMe with something else"));
    done(std::move(*me));
  });
}

AuthState AccountClient::auth_state() const {
  std::lock_guard lock(mutex_);
  return state_;
}

bool AccountClient::closed() const {
  std::lock_guard lock(mutex_);
  return closed_;
}

void AccountClient::Call(json request, Done done) {
  hub_.Send(client_id_, std::move(request), ToStatus(std::move(done)));
}

void AccountClient::OnUpdate(const json& update) {
  std::string type = update.value("@type", "");
  if (type == "updateAuthorizationState") {
    auto state = update.find("authorization_state");
    if (state != update.end()) OnAuthState(ParseAuthState(*state));
    return;
  }
  if (type == "updateConnectionState") {
    auto state = ParseConnectionState(update.value("state", json::object()));
    auto on_connection_state = callbacks_.on_connection_state;
    if (state && on_connection_state) on_connection_state(*state);
    return;
  }
  // The cache first, so that callbacks see the chat as the update left it.
  chats_->Apply(update);
  OnMessageUpdate(type, update);
}

void AccountClient::OnAuthState(AuthState state) {
  std::optional<ClosedReason> reason;
  {
    std::lock_guard lock(mutex_);
    if (state.kind == Kind::kLoggingOut) saw_logging_out_ = true;
    if (state.kind == Kind::kClosed) {
      closed_ = true;
      reason = ReasonLocked();
    }
    state_ = state;
  }
  spdlog::debug("telegram: client {} state {}", client_id_, KindName(state.kind));
  if (reason == ClosedReason::kRevoked) {
    spdlog::warn("telegram: client {} lost its authorization (revoked remotely)", client_id_);
  }
  // The owner may destroy this client from inside a callback: touch no member
  // after the first call.
  auto callbacks = callbacks_;
  if (callbacks.on_auth_state) callbacks.on_auth_state(state);
  if (reason && callbacks.on_closed) callbacks.on_closed(*reason);
}

ClosedReason AccountClient::ReasonLocked() const {
  // LoggingOut is the only sign of a remote revoke (tdlib-facts §5.9); our own
  // logOut/destroy go the same way, close goes through Closing instead.
  if (!saw_logging_out_) return ClosedReason::kClosed;
  if (destroy_requested_) return ClosedReason::kDestroyed;
  if (logout_requested_) return ClosedReason::kLoggedOut;
  return ClosedReason::kRevoked;
}

}  // namespace tgmux::telegram
