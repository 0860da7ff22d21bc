// The `accounts` feature (docs/bots.md): a person links their Telegram account
// by talking to the bot (phone number and code, or QR code; then the 2FA
// password if any), sees its status, unlinks it. The logins are the login
// service's, owned by the person (LoginOwner); codes and passwords pass
// through and are deleted from the chat as soon as they are read.
#include <spdlog/spdlog.h>

#include <cctype>

#include "bots/bot_runtime.h"
#include "common/phone.h"
#include "bots/wording.h"
#include "common/time.h"

namespace tgmux::bots {
namespace {

using service::LoginState;
using service::LoginView;
using store::AccountStatus;
using telegram::Message;

constexpr std::string_view kCodeHowTo =
    "Send it here with spaces between the digits, like 1 2 3 4 5: Telegram cancels a login code that is sent "
    "in a chat as it is.";

bool IsLinked(AccountStatus status) { return !service::AccountService::SessionGone(status); }

// The digits of a code typed with spaces, dashes or dots; "" when anything else is in it.
std::string CodeDigits(std::string_view text, bool& verbatim) {
  std::string digits;
  bool separated = false;
  for (char ch : text) {
    if (std::isdigit(static_cast<unsigned char>(ch))) {
      digits += ch;
    } else if (ch == ' ' || ch == '-' || ch == '.' || ch == '\n') {
      separated = true;
    } else {
      return "";
    }
  }
  verbatim = !separated;
  return digits;
}

}  // namespace

std::vector<store::Account> BotRuntime::AccountsOf(std::int64_t user_id) {
  return services_.accounts.FindByOwner(bot_.tenant_id, user_id);
}

std::string BotRuntime::Describe(const store::Account& a) {
  std::string text = a.display_name.empty() ? "your account" : a.display_name;
  std::string details;
  if (!a.username.empty()) details = "@" + a.username;
  if (!a.phone_masked.empty()) details += (details.empty() ? "" : ", ") + a.phone_masked;
  return details.empty() ? text : text + " (" + details + ")";
}

void BotRuntime::Idle(Conversation& c) {
  if (!c.login_id.empty()) logins_.Unbind(c.login_id);
  int64_t cursor = c.event_cursor;
  std::int64_t user_id = c.user_id;
  c = Conversation{};
  c.user_id = user_id;
  c.event_cursor = cursor;
  qr_.erase(user_id);
  Save(c);
}

void BotRuntime::AccountCommand(Conversation& c, std::string_view args) {
  if (args == "status") return StatusCommand(c);
  if (args == "help") {
    return Say(c.user_id,
               "/account links your Telegram account to this service, so that it can read and send your "
               "messages for you.\n\nBy phone number: Telegram sends you a code, which you send here with spaces "
               "between the digits.\nBy QR code: you scan it with Telegram on a second device where you are "
               "already signed in.\n\n/status shows how the account is doing, /unlink removes it, /cancel stops "
               "a login.");
  }
  if (InLogin(c.step)) {
    return Say(c.user_id, "A login is already under way. Finish it, or send /cancel to start over.");
  }
  std::vector<store::Account> linked;
  for (auto& a : AccountsOf(c.user_id)) {
    if (IsLinked(a.status)) linked.push_back(a);
  }
  if (!linked.empty()) {
    std::string text = "Your linked account: " + Describe(linked.front()) + ", " +
                       std::string(store::AccountStatusName(linked.front().status)) +
                       ".\nSend /status to see how it is doing, or /unlink to remove it.";
    const int cap = services_.infra.config().bot_accounts_per_person;
    if (static_cast<int>(linked.size()) >= cap) {
      text += "\n\nOne person can link " + std::string(cap == 1 ? "one account" : std::to_string(cap) + " accounts") +
              " here.";
      return Say(c.user_id, text);
    }
    return Say(c.user_id, text, Markup::Inline({{Button::Callback("Link another account", "acct:choose")}}));
  }
  c.step = Step::kChoosingMethod;
  Save(c);
  Say(c.user_id,
      "How do you want to link your Telegram account?\n\n"
      "Phone number: Telegram sends a login code to your Telegram app.\n"
      "QR code: needs a second device where you are already signed in to Telegram, to scan it. "
      "Only one device? Choose the phone number.",
      Markup::Inline({{Button::Callback("Phone number", "acct:phone"), Button::Callback("QR code", "acct:qr")}}));
}

void BotRuntime::OnAccountCallback(Conversation& c, const telegram::CallbackQuery& q, std::string_view action) {
  Answer(q);
  if (action == "choose") return AccountCommand(c, "");
  if (action == "cancel") return CancelCommand(c);
  if (action.rfind("unlink:", 0) == 0) {
    if (c.step != Step::kConfirmUnlink) return Say(c.user_id, "Send /unlink again to choose what to unlink.");
    return Unlink(c, std::string(action.substr(7)), q);
  }
  if (action == "keep") {
    Edit(q.chat_id, q.message_id, "Nothing was unlinked.");
    return Idle(c);
  }
  if (InLogin(c.step) && !c.login_id.empty() && action != "resend") {
    return Say(c.user_id, "A login is already under way. Finish it, or send /cancel to start over.");
  }
  if (action == "phone") return AskPhone(c);
  if (action == "qr") return StartLogin(c, store::LoginMethod::kQr, "");
  if (action == "resend") return Resend(c);
}

void BotRuntime::AskPhone(Conversation& c) {
  c.step = Step::kPhone;
  c.login_id.clear();
  Save(c);
  std::string whose = link_policy_ == service::LinkPolicy::kSelf ? "your phone number"
                                                                   : "the phone number of the account to link";
  Say(c.user_id,
      "Send " + whose + " in international format, like +44 7700 900123, or tap \"Share my phone number\" below.",
      Markup::Keyboard({{Button::RequestPhone("Share my phone number")}}, "+44 7700 900123"));
}

void BotRuntime::OnAccountText(Conversation& c, const Message& m) {
  switch (c.step) {
    case Step::kPhone:
      if (!c.login_id.empty()) return Say(c.user_id, "One moment: Telegram is sending the code.");
      return OnPhone(c, m);
    case Step::kCode:
      return OnCode(c, m);
    case Step::kPassword:
      return OnPassword(c, m);
    default:
      return;
  }
}

void BotRuntime::OnPhone(Conversation& c, const Message& m) {
  std::string phone;
  if (m.contact) {
    if (m.contact->user_id != m.sender.user_id) {
      return Say(c.user_id,
                 "That contact is not you. Tap \"Share my phone number\" to share your own, or type the number.");
    }
    phone = m.contact->phone;
    if (!phone.empty() && phone.front() != '+') phone.insert(phone.begin(), '+');
  } else {
    auto e164 = NormalizePhone(m.text.text);
    if (!e164) {
      return Say(c.user_id, "That does not look like a phone number. Send it in international format, like "
                            "+44 7700 900123.");
    }
    phone = *e164;
  }
  StartLogin(c, store::LoginMethod::kPhone, phone);
}

std::string BotRuntime::Limits(std::int64_t user_id) {
  int linked = 0;
  for (const auto& a : AccountsOf(user_id)) linked += IsLinked(a.status) ? 1 : 0;
  const int cap = services_.infra.config().bot_accounts_per_person;
  if (linked + logins_.OpenLogins(bot_.tenant_id, user_id) >= cap) {
    return "One person can link " + std::string(cap == 1 ? "one account" : std::to_string(cap) + " accounts") +
           " here, and yours " + (linked >= cap ? "is linked already" : "is being linked") +
           ". Send /status to see it.";
  }
  const int tenant_cap = services_.infra.config().accounts_per_tenant;
  if (tenant_cap > 0 && static_cast<int>(services_.accounts.List(bot_.tenant_id).size()) >= tenant_cap) {
    return "This service has linked as many accounts as it may. Ask the people who run it.";
  }
  try {
    services_.logins_per_tenant.HitOrThrow(bot_.tenant_id, "Telegram logins started");
  } catch (const Error& e) {
    return "Many logins are being started right now. Try again in " + WaitText(e.retry_after().value_or(60)) + ".";
  }
  return "";
}

void BotRuntime::StartLogin(Conversation& c, store::LoginMethod method, const std::string& phone) {
  if (std::string refusal = Limits(c.user_id); !refusal.empty()) {
    Say(c.user_id, refusal, Markup::RemoveKeyboard());
    return Idle(c);
  }
  c.step = method == store::LoginMethod::kQr ? Step::kQr : Step::kPhone;
  c.login_id.clear();
  c.qr_message_id = 0;
  Save(c);
  const std::int64_t user_id = c.user_id;
  service::LoginOwner owner{user_id, link_policy_ == service::LinkPolicy::kSelf};
  auto answered = OnWorker<telegram::Result<LoginView>>([user_id](BotRuntime& self, auto result) {
    if (!result.ok()) return self.OnLoginError(user_id, result.error(), false);
    Conversation& now = self.Of(user_id);
    bool expected = now.login_id.empty() && (now.step == Step::kPhone || now.step == Step::kQr);
    if (!expected) {  // cancelled meanwhile
      self.services_.logins.Cancel(self.bot_.tenant_id, result.value().id, [](telegram::Status) {});
      return;
    }
    now.login_id = result.value().id;
    self.logins_.Bind(now.login_id, self.bot_.id, user_id);
    self.Save(now);
    self.OnLoginView(user_id, result.value());
  });
  try {
    services_.logins.Start(bot_.tenant_id, Actor(user_id), method, phone, std::nullopt, answered, owner);
  } catch (const Error& e) {
    OnLoginError(user_id, e, false);
  }
}

void BotRuntime::OnLogin(std::int64_t user_id, const LoginView& login) {
  Conversation& c = Of(user_id);
  if (c.login_id != login.id) return;
  OnLoginView(user_id, login);
}

void BotRuntime::OnLoginView(std::int64_t user_id, const LoginView& view) {
  Conversation& c = Of(user_id);
  if (c.login_id != view.id) return;
  switch (view.state) {
    case LoginState::kCodeSent: {
      if (c.step == Step::kCode) return;
      c.step = Step::kCode;
      Save(c);
      std::string where = view.code && view.code->type == "sms" ? "by SMS" : "in your Telegram app";
      return Say(user_id, "Telegram has sent a login code " + where + " (to " + view.phone_masked + "). " +
                              std::string(kCodeHowTo),
                 Markup::RemoveKeyboard());
    }
    case LoginState::kQrPending:
      return ShowQr(c, view.qr_link, view.expires_at);
    case LoginState::kPasswordNeeded:
      if (c.step == Step::kPassword) return;
      c.step = Step::kPassword;
      c.password_hint = view.password_hint;
      Save(c);
      return Say(user_id, "This account has two-step verification. Send its password" +
                              (view.password_hint.empty() ? std::string() : " (hint: " + view.password_hint + ")") +
                              ". I delete your message as soon as I have read it.",
                 Markup::RemoveKeyboard());
    case LoginState::kDone:
      if (view.account) Linked(c, *view.account);
      return;
    case LoginState::kRegistrationNeeded:
      services_.logins.Cancel(bot_.tenant_id, view.id, [](telegram::Status) {});
      Idle(c);
      return Say(user_id, "This number has no Telegram account yet. Sign up in the Telegram app first, then send "
                          "/account.");
    case LoginState::kExpired:
      if (c.step == Step::kQr) {
        Idle(c);
        return Say(user_id, "The QR code expired before it was scanned.",
                   Markup::Inline({{Button::Callback("Try again", "acct:qr")}}));
      }
      Idle(c);
      return Say(user_id, "The login took too long and expired. Send /account to start again.",
                 Markup::RemoveKeyboard());
    case LoginState::kFailed:
      if (view.error) return OnLoginError(user_id, *view.error, false);
      return;
    case LoginState::kCancelled:
    case LoginState::kStarting:
      return;
  }
}

void BotRuntime::OnLoginError(std::int64_t user_id, const Error& error, bool code_was_verbatim) {
  Conversation& c = Of(user_id);
  const auto& details = error.details();
  switch (error.code()) {
    case ErrorCode::kCodeInvalid: {
      int left = details.contains("attempts_left") ? details["attempts_left"].get<int>() : 0;
      if (left > 0) {
        return Say(user_id, "That code is not right; " + std::to_string(left) +
                                (left == 1 ? " attempt" : " attempts") + " left. " + std::string(kCodeHowTo));
      }
      Idle(c);
      return Say(user_id, "Too many wrong codes. Send /account to start again.");
    }
    case ErrorCode::kCodeExpired:
      if (c.step != Step::kCode) break;
      return Say(user_id,
                 code_was_verbatim
                     ? "Telegram cancelled that code because it was sent in a chat as it is. Tap \"Send a new code\" "
                       "and send the new one with spaces between the digits, like 1 2 3 4 5."
                     : "That code has expired.",
                 Markup::Inline({{Button::Callback("Send a new code", "acct:resend")}}));
    case ErrorCode::kPasswordInvalid:
      return Say(user_id, "That password is not right. Send it again" +
                              (c.password_hint.empty() ? std::string() : " (hint: " + c.password_hint + ")") + ".");
    case ErrorCode::kInvalidPhone:
      c.step = Step::kPhone;
      c.login_id.clear();
      Save(c);
      return Say(user_id, "Telegram says this is not a valid phone number. Send it again in international format, "
                          "like +44 7700 900123.");
    case ErrorCode::kFloodWait: {
      int wait = error.retry_after().value_or(60);
      if (!c.login_id.empty()) services_.logins.Cancel(bot_.tenant_id, c.login_id, [](telegram::Status) {});
      Idle(c);
      return Say(user_id, "Telegram asks to wait " + WaitText(wait) + " before the next try, until " +
                              When(UnixSeconds() + wait) + ". Send /account then.",
                 Markup::RemoveKeyboard());
    }
    case ErrorCode::kForbidden:
      Idle(c);
      return Say(user_id, "This bot links only your own Telegram account, and that was another one, so it was "
                          "logged out again. Send /account to link yours.",
                 Markup::RemoveKeyboard());
    case ErrorCode::kConflict:
      Idle(c);
      return Say(user_id, "That Telegram account is linked here already. Send /status to see it.",
                 Markup::RemoveKeyboard());
    default:
      break;
  }
  Idle(c);
  Say(user_id, std::string("The login did not work: ") + error.what() + ". Send /account to try again.",
      Markup::RemoveKeyboard());
}

void BotRuntime::OnCode(Conversation& c, const Message& m) {
  Forget(m.chat_id, m.message_id);
  bool verbatim = false;
  std::string digits = CodeDigits(m.text.text, verbatim);
  if (digits.size() < 3 || digits.size() > 16) {
    return Say(c.user_id, "Send only the code's digits, with spaces between them, like 1 2 3 4 5.");
  }
  const std::int64_t user_id = c.user_id;
  try {
    services_.logins.SubmitCode(
        bot_.tenant_id, c.login_id, digits,
        OnWorker<telegram::Result<LoginView>>([user_id, verbatim](BotRuntime& self, auto result) {
          if (!result.ok()) return self.OnLoginError(user_id, result.error(), verbatim);
          self.OnLoginView(user_id, result.value());
        }));
  } catch (const Error& e) {
    OnLoginError(user_id, e, verbatim);
  }
}

void BotRuntime::OnPassword(Conversation& c, const Message& m) {
  Forget(m.chat_id, m.message_id);
  if (m.text.text.empty()) return Say(c.user_id, "Send the password as text.");
  const std::int64_t user_id = c.user_id;
  try {
    services_.logins.SubmitPassword(bot_.tenant_id, c.login_id, m.text.text,
                                    OnWorker<telegram::Result<LoginView>>([user_id](BotRuntime& self, auto result) {
                                      if (!result.ok()) return self.OnLoginError(user_id, result.error(), false);
                                      self.OnLoginView(user_id, result.value());
                                    }));
  } catch (const Error& e) {
    OnLoginError(user_id, e, false);
  }
}

void BotRuntime::Resend(Conversation& c) {
  if (c.step != Step::kCode || c.login_id.empty()) return Say(c.user_id, "Send /account to start a login.");
  const std::int64_t user_id = c.user_id;
  try {
    services_.logins.Resend(bot_.tenant_id, c.login_id,
                            OnWorker<telegram::Result<LoginView>>([user_id](BotRuntime& self, auto result) {
                              if (!result.ok()) return self.OnLoginError(user_id, result.error(), false);
                              self.Say(user_id, "A new code is on its way. " + std::string(kCodeHowTo));
                            }));
  } catch (const Error& e) {
    OnLoginError(user_id, e, false);
  }
}

void BotRuntime::Linked(Conversation& c, const store::Account& account) {
  Idle(c);
  Say(c.user_id,
      "Linked: " + Describe(account) + ".\nSend /status to see how it is doing, or /unlink to remove it.",
      Markup::RemoveKeyboard());
}

}  // namespace tgmux::bots
