#include "compat/compat_common.h"

#include <spdlog/spdlog.h>

#include <cctype>

#include "common/time.h"

namespace tgmux::compat {

void LoginBook::Label(const std::string& login_id, Labels labels) {
  std::lock_guard lock(mutex_);
  labels_[login_id] = std::move(labels);
}

store::Account LoginBook::Apply(service::Services& s, const service::LoginView& login) {
  const store::Account& account = *login.account;
  std::optional<Labels> labels;
  {
    std::lock_guard lock(mutex_);
    auto it = labels_.find(login.id);
    if (it == labels_.end()) {
      // Applied before: the account as it is now, or as the login left it once unlinked.
      try {
        return s.accounts.Get(login.tenant_id, account.id);
      } catch (const Error&) {
        return account;
      }
    }
    labels = std::move(it->second);
    labels_.erase(it);
  }
  if (!labels->external_id.empty()) {
    auto holder = s.accounts.FindByExternalId(login.tenant_id, labels->external_id);
    if (holder && holder->id != account.id) {
      service::AccountPatch clear;
      clear.external_id = "";
      s.accounts.Update(login.tenant_id, holder->id, clear);
      spdlog::info("compat: external id moved from account {} to account {}", holder->id, account.id);
    }
  }
  service::AccountPatch patch;
  if (!labels->project_id.empty()) patch.project_id = labels->project_id;
  if (!labels->external_id.empty()) patch.external_id = labels->external_id;
  return s.accounts.Update(login.tenant_id, account.id, patch);
}

std::string LoginBook::Find(const std::string& key) {
  std::lock_guard lock(mutex_);
  auto it = followed_.find(key);
  return it == followed_.end() ? "" : it->second;
}

void LoginBook::Follow(const std::string& key, const std::string& login_id) {
  std::lock_guard lock(mutex_);
  followed_[key] = login_id;
}

void LoginBook::Forget(const std::string& key) {
  std::lock_guard lock(mutex_);
  followed_.erase(key);
}

bool LoginBook::ReadBefore(const std::string& login_id, bool qr_step_over) {
  std::lock_guard lock(mutex_);
  if (qr_step_over) return read_.erase(login_id) > 0;
  return !read_.insert(login_id).second;
}

void SendAndWait(service::Services& s, const std::string& tenant_id, const std::string& account_id,
                 service::SendRequest request, std::chrono::seconds wait,
                 std::function<void(telegram::Result<store::OutboxEntry>)> done) {
  auto entry = s.outbox.Enqueue(tenant_id, account_id, std::move(request));
  s.outbox.Wait(entry, wait, [done](const store::OutboxEntry& e) {
    if (e.state == store::OutboxState::kSent) return done(e);
    if (e.state == store::OutboxState::kFailed) {
      auto code = ParseErrorCode(e.error_code).value_or(ErrorCode::kTelegramError);
      return done(Error(code, e.error_message.empty() ? "the message was not sent" : e.error_message)
                      .With("outbox_id", e.id));
    }
    done(Error(ErrorCode::kTelegramUnreachable, "the message is still on its way; see GET /v1/outbox/" + e.id)
             .With("outbox_id", e.id));
  });
}

std::string PlainUtc(std::int64_t unix_seconds) {
  std::string text = Rfc3339(unix_seconds);
  if (!text.empty() && text.back() == 'Z') text.pop_back();
  return text;
}

std::string ClearPhone(service::Services& s, const store::Account& account) {
  if (account.phone_sealed.empty()) return "";
  try {
    const auto& envelope = s.infra.envelope();
    auto data_key = envelope.UnwrapDataKey(account.wrapped_data_key, account.id);
    return envelope.Decrypt(data_key, account.id, "phone", account.phone_sealed);
  } catch (const std::exception& e) {
    spdlog::warn("account {}: its phone number does not open: {}", account.id, e.what());
    return "";
  }
}

std::string Recipient(const nlohmann::json& body, const std::string& field) {
  auto it = body.find(field);
  if (it == body.end() || it->is_null()) InvalidField(field, "is required (a Telegram user id or @username)");
  if (it->is_number_integer()) return std::to_string(it->get<std::int64_t>());
  if (!it->is_string() || it->get<std::string>().empty()) {
    InvalidField(field, "must be a Telegram user id or @username");
  }
  std::string to = it->get<std::string>();
  bool numeric = to.find_first_not_of("-0123456789") == std::string::npos;
  if (!numeric && to.front() != '@' && to.front() != '+') to = "@" + to;
  return to;
}

}  // namespace tgmux::compat
