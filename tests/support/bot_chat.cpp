#include "tests/support/bot_chat.h"

#include "tests/support/wait.h"

namespace tgmux::testing {

using nlohmann::json;

std::int64_t BotChat::Post(const json& body) {
  auto answer = sim_.Control("POST", "/bots/" + bot_ + "/messages", body);
  if (answer.status != 201) return 0;
  last_sent_ = answer.body.value("message_id", std::int64_t{0});
  return last_sent_;
}

std::int64_t BotChat::Send(const std::string& text, std::int64_t reply_to) {
  json body = {{"from", phone_}, {"text", text}};
  if (reply_to != 0) body["reply_to_message_id"] = reply_to;
  return Post(body);
}

std::int64_t BotChat::ShareOwnNumber() { return Post({{"from", phone_}, {"share_phone", true}}); }

std::int64_t BotChat::ShareContact(const std::string& phone, std::int64_t user_id) {
  return Post({{"from", phone_}, {"contact", {{"phone_number", phone}, {"first_name", "Someone"}, {"user_id", user_id}}}});
}

json BotChat::Press(const std::string& button) {
  auto answer = sim_.Control("POST", "/bots/" + bot_ + "/press", {{"from", phone_}, {"text", button}});
  json out = answer.body.is_object() ? answer.body : json::object();
  out["status"] = answer.status;
  if (answer.status == 201 && out.contains("message_id")) last_sent_ = out["message_id"].get<std::int64_t>();
  return out;
}

json BotChat::Messages() const {
  auto answer = sim_.Control("GET", "/bots/" + bot_ + "/chat?with=" + phone_);
  return answer.status == 200 ? answer.body.value("messages", json::array()) : json::array();
}

json BotChat::Replies() const {
  json replies = json::array();
  for (const auto& m : Messages()) {
    if (m.value("from_bot", false) && m.value("message_id", std::int64_t{0}) > last_sent_) replies.push_back(m);
  }
  return replies;
}

json BotChat::WaitForMessage(const std::function<bool(const json&)>& predicate,
                             std::chrono::milliseconds timeout) const {
  json found;
  WaitUntil(
      [&] {
        for (const auto& m : Messages()) {
          if (predicate(m)) {
            found = m;
            return true;
          }
        }
        return false;
      },
      timeout);
  return found;
}

json BotChat::WaitFor(const std::string& needle, std::chrono::milliseconds timeout) {
  const std::int64_t after = last_sent_;
  return WaitForMessage(
      [&](const json& m) {
        return m.value("from_bot", false) && m.value("message_id", std::int64_t{0}) > after &&
               m.value("text", "").find(needle) != std::string::npos;
      },
      timeout);
}

bool BotChat::AskForPhone(std::chrono::milliseconds timeout) {
  Send("/account");
  if (WaitFor("How do you want to link", timeout).is_null()) return false;
  Press("Phone number");
  return !WaitFor("international format", timeout).is_null();
}

bool BotChat::StartPhoneLogin(std::chrono::milliseconds timeout) {
  if (!AskForPhone(timeout)) return false;
  ShareOwnNumber();
  return !WaitFor("Telegram has sent a login code", timeout).is_null();
}

bool BotChat::LinkByPhone(std::chrono::milliseconds timeout) {
  if (!StartPhoneLogin(timeout)) return false;
  Send(SpacedCode());
  return !WaitFor("Linked: ", timeout).is_null();
}

std::string BotChat::SpacedCode() const {
  std::string spaced;
  for (char ch : sim_.Control("GET", "/users/" + phone_ + "/code").body.value("code", "")) {
    spaced += std::string(spaced.empty() ? "" : " ") + ch;
  }
  return spaced;
}

std::vector<std::string> BotChat::Buttons(const json& message) {
  std::vector<std::string> texts;
  if (!message.is_object() || !message.contains("reply_markup")) return texts;
  const json& markup = message["reply_markup"];
  for (const char* kind : {"inline", "keyboard"}) {
    if (!markup.contains(kind)) continue;
    for (const auto& row : markup[kind]) {
      for (const auto& button : row) texts.push_back(button.value("text", ""));
    }
  }
  return texts;
}

}  // namespace tgmux::testing
