// One Telegram account's TDLib client: start from its database directory and
// key, the login steps, logout/close/destroy, and its authorization state as
// typed values. Messages (issue 6) will hang off the same update stream.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "telegram/client_hub.h"
#include "telegram/result.h"
#include "telegram/types.h"

namespace tgmux::telegram {

struct AccountCallbacks {
  // Every authorization state change, in order, including re-emitted states
  // with new content (a renewed QR link, a new code after ResendCode) and the
  // final kClosed.
  std::function<void(const AuthState&)> on_auth_state;
  // Exactly once, right after the kClosed state. kRevoked means the session
  // ended without our LogOut/Destroy (terminated from another device, banned):
  // TDLib has wiped the directory and a new login is needed.
  std::function<void(ClosedReason)> on_closed;
};

// Threads: every method may be called from any thread and returns at once.
// Each `done` is called exactly once, on the hub's threads (see ClientHub), and
// no later than the hub's deadline (then with telegram_unreachable; the TDLib
// request may still complete afterwards, which shows up as a state change).
// `done` does not refer to the AccountClient, so it is called even when the
// client was destroyed meanwhile. Callbacks run on the hub's receive thread, in
// TDLib's order, and must not block.
//
// Lifetime: the hub must outlive every AccountClient. Destroying one (from any
// thread, even inside its own callback) silences its callbacks: once the
// destructor returns none is running or will run, except the one that
// destroyed it, which may finish. A client that is not closed is then closed
// (the session stays on disk). The destructor may wait for a callback running
// on another thread: do not destroy a client while holding a lock that its
// callbacks take. Single use: once closed, a client is dead;
// make a new AccountClient for the same directory to start again.
class AccountClient {
 public:
  using Done = std::function<void(Status)>;

  AccountClient(ClientHub& hub, AccountCallbacks callbacks);
  ~AccountClient();
  AccountClient(const AccountClient&) = delete;
  AccountClient& operator=(const AccountClient&) = delete;

  // Opens (or creates) the account's TDLib database in `database_directory`
  // with a 32-byte `database_key`: no message, chat-info or file databases, no
  // secret chats, memory-saving options. The state then moves to
  // kWaitPhoneNumber (new), the restored login step, or kReady (a linked
  // account). Errors: invalid_request (key not 32 bytes), internal (key
  // mismatch: the state stays kWaitParameters and Start may be retried),
  // telegram_not_configured (api_id/api_hash missing).
  void Start(const std::string& database_directory, const std::string& database_key,
             const TdParameters& params, Done done);

  // Login steps; they succeed once TDLib has moved to the next state, which
  // on_auth_state reports first. Errors: invalid_phone, code_invalid,
  // code_expired, password_invalid, flood_wait (retry_after), conflict (wrong
  // step for the state, or superseded by a newer step), telegram_unreachable.
  void SetPhoneNumber(const std::string& phone, Done done);
  void CheckCode(const std::string& code, Done done);
  void CheckPassword(const std::string& password, Done done);
  void ResendCode(Done done);
  void RequestQrCode(Done done);  // the link comes as kWaitOtherDeviceConfirmation
  void RegisterUser(const std::string& first_name, const std::string& last_name, Done done);

  // Ends the session at Telegram and deletes local data (-> kLoggedOut).
  void LogOut(Done done);
  // Stops the client, keeping the session on disk (-> kClosed).
  void Close(Done done);
  // Deletes local data without telling Telegram (-> kDestroyed).
  void Destroy(Done done);

  // The logged-in user; account_not_ready before kReady.
  void GetMe(std::function<void(Result<Me>)> done);

  AuthState auth_state() const;
  bool closed() const;
  int client_id() const { return client_id_; }

 private:
  void Call(nlohmann::json request, Done done);
  void SendOptions();
  void OnUpdate(const nlohmann::json& update);
  void OnAuthState(AuthState state);
  ClosedReason ReasonLocked() const;

  ClientHub& hub_;
  const AccountCallbacks callbacks_;
  const int client_id_;

  mutable std::mutex mutex_;
  AuthState state_;
  bool logout_requested_ = false;
  bool destroy_requested_ = false;
  bool saw_logging_out_ = false;
  bool closed_ = false;
};

}  // namespace tgmux::telegram
