// What the compatibility surfaces share (internal to src/compat/): labels a
// login gives its account once done, the logins a surface follows by its own
// key (a user_id, a phone number), sends that answer once Telegram has the
// message, and each surface's registration.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "api/router.h"
#include "service/services.h"

namespace tgmux::compat {

using api::Access;
using api::Reply;
using api::Request;
using api::Response;
using service::LoginState;

// Who may call what, as on the native routes: reading and sending, and
// starting logins or changing accounts.
inline const Access kRead = Access::AtLeast(service::Role::kOperator);
inline const Access kManage = Access::AtLeast(service::Role::kAdmin);
// How long a send waits for Telegram before answering with its outbox entry.
constexpr std::chrono::seconds kSendWait{60};

void RegisterPersonalAccounts(api::Router& router, service::Services& services);
void RegisterUserApi(api::Router& router, service::Services& services);
void RegisterMultiProfile(api::Router& router, service::Services& services);

// The labels (store::Account project_id, external_id) a login's account gets
// when the login is done, and the logins each surface follows by its own key.
// Logins live in memory, so does this. Thread-safe.
class LoginBook {
 public:
  struct Labels {
    std::string project_id;
    std::string external_id;
  };
  // Remembers the labels of a started login.
  void Label(const std::string& login_id, Labels labels);
  // Once the login is done: writes its labels into its account (once) and
  // returns the account as it is now. An external_id another account holds
  // moves to this one (the person linked a new account). Background thread or
  // a route handler (it blocks on the store).
  store::Account Apply(service::Services& s, const service::LoginView& login);

  // The login followed under `key` (a surface's own name for it), or "".
  std::string Find(const std::string& key);
  void Follow(const std::string& key, const std::string& login_id);
  void Forget(const std::string& key);

  // Whether the login was read before, and it is read now (personal-accounts'
  // ready/pending). A login past its QR step is forgotten here.
  bool ReadBefore(const std::string& login_id, bool qr_step_over);

 private:
  std::mutex mutex_;
  std::map<std::string, Labels> labels_;          // by login id, until applied
  std::map<std::string, std::string> followed_;   // key -> login id
  std::set<std::string> read_;                    // login ids read at least once
};

// Sends `request` through the outbox from the account and calls `done` once
// the entry is sent (the entry) or failed (its error); a send not settled
// after `wait` is telegram_unreachable. Throws what Enqueue throws.
void SendAndWait(service::Services& s, const std::string& tenant_id, const std::string& account_id,
                 service::SendRequest request, std::chrono::seconds wait,
                 std::function<void(telegram::Result<store::OutboxEntry>)> done);

// "2024-01-15T12:00:00" (UTC, no zone suffix), the form the compat documents show.
std::string PlainUtc(std::int64_t unix_seconds);

// The account's phone number in clear (E.164 with '+'), "" when unknown.
std::string ClearPhone(service::Services& s, const store::Account& account);

// A tg_receiver / recipient_id given as a number or a string: "123", "@name" or "+phone" as they are, a bare
// name gets its '@'. Throws Error(invalid_request) naming the field.
std::string Recipient(const nlohmann::json& body, const std::string& field);

}  // namespace tgmux::compat
