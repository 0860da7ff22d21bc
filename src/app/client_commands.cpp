#include "app/client_commands.h"

#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <iostream>
#include <thread>

#include "common/http_client.h"
#include "common/error.h"
#include "service/logins/login_state.h"

namespace tgmux::app {
namespace {

using nlohmann::json;

HttpClient ClientFor(const ClientOptions& options) {
  const std::string& url = options.url;
  std::string rest = url.rfind("http://", 0) == 0 ? url.substr(7) : url;
  rest = rest.substr(0, rest.find('/'));
  auto colon = rest.rfind(':');
  HttpClient client = colon == std::string::npos ? HttpClient(rest, 80)
                                                 : HttpClient(rest.substr(0, colon), std::stoi(rest.substr(colon + 1)));
  if (!options.token.empty()) client.SetDefaultHeader("Authorization", "Bearer " + options.token);
  return client;
}

std::string Ask(const std::string& prompt, bool secret = false) {
  std::cout << prompt << std::flush;
  termios saved{};
  bool hide = secret && isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0;
  if (hide) {
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string line;
  std::getline(std::cin, line);
  if (hide) {
    tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    std::cout << "\n";
  }
  if (!std::cin) throw std::runtime_error("input ended");
  return line;
}

json Call(const HttpClient& http, const std::string& method, const std::string& path, const json& body = nullptr) {
  auto response = http.Request(method, path, body.is_null() ? "" : body.dump());
  if (response.status == 0) throw std::runtime_error("no answer from tgmux; is it running? (--url)");
  json parsed = response.body.empty() ? json::object() : json::parse(response.body, nullptr, false);
  if (response.status >= 400) parsed["http_status"] = response.status;
  return parsed;
}

bool Failed(const json& answer) { return answer.contains("http_status"); }

void Explain(const json& login) {
  if (login.contains("code")) {
    std::cout << "A " << login["code"].value("length", 0) << "-digit code was sent ("
              << login["code"].value("type", "") << ").\n";
  }
}

json LoopUntilDone(const HttpClient& http, json login);

// The login's state as the API named it, read through the one name table.
std::optional<service::LoginState> StateOf(const json& login) {
  return service::ParseLoginState(login.value("state", ""));
}

json AnswerStep(const HttpClient& http, const json& login) {
  using service::LoginState;
  std::string base = "/v1/logins/" + login["id"].get<std::string>();
  auto state = StateOf(login);
  if (state == LoginState::kCodeSent) {
    std::string code = Ask("Code (or r to resend): ");
    if (code == "r") return Call(http, "POST", base + "/resend", json::object());
    return Call(http, "POST", base + "/code", {{"code", code}});
  }
  if (state == LoginState::kPasswordNeeded) {
    std::string hint = login.value("password_hint", "");
    return Call(http, "POST", base + "/password",
                {{"password", Ask("2FA password" + (hint.empty() ? "" : " (hint: " + hint + ")") + ": ", true)}});
  }
  if (state == LoginState::kRegistrationNeeded) {
    std::string first = Ask("This number has no Telegram account yet. First name: ");
    return Call(http, "POST", base + "/register", {{"first_name", first}, {"last_name", Ask("Last name: ")}});
  }
  // Nothing to answer yet (starting): look again in a moment.
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  return Call(http, "GET", base);
}

json WaitForScan(const HttpClient& http, json login) {
  std::string id = login["id"], shown;
  while (StateOf(login) == service::LoginState::kQrPending) {
    std::string link = login["qr"]["link"];
    if (link != shown) {
      // The link too: it opens on a phone signed in to Telegram, and scripts can read it.
      std::cout << http.Get("/v1/logins/" + id + "/qr.txt").body
                << "Scan with Telegram: Settings > Devices > Link Desktop Device (login " << id << ")\n"
                << "or open this link on a phone signed in to Telegram: " << link << std::endl;
      shown = link;
    }
    std::this_thread::sleep_for(std::chrono::seconds(1));
    login = Call(http, "GET", "/v1/logins/" + id);
  }
  return login;
}

json LoopUntilDone(const HttpClient& http, json login) {
  std::string id = login["id"];
  for (;;) {
    if (StateOf(login) == service::LoginState::kQrPending) login = WaitForScan(http, login);
    auto state = StateOf(login);
    if (state && service::Finished(*state)) return login;
    Explain(login);
    json answer = AnswerStep(http, login);
    if (Failed(answer)) {
      std::cout << "  " << answer.value("detail", "failed")
                << (answer.contains("attempts_left") ? " (" + answer["attempts_left"].dump() + " attempts left)" : "")
                << "\n";
      if (answer.value("code", "") == CodeName(ErrorCode::kConflict) || answer["http_status"] == 404) return answer;
      login = Call(http, "GET", "/v1/logins/" + id);
    } else {
      login = answer;
    }
  }
}

}  // namespace

int LoginCommand(const ClientOptions& options) {
  try {
    auto http = ClientFor(options);
    json request = {{"method", options.qr ? "qr" : "phone"}};
    if (!options.qr) request["phone"] = options.phone.empty() ? Ask("Phone number: ") : options.phone;
    json login = Call(http, "POST", "/v1/logins", request);
    if (Failed(login)) {
      std::cerr << "tgmux login: " << login.value("detail", "failed") << "\n";
      return 1;
    }
    login = LoopUntilDone(http, login);
    if (login.value("state", "") != "done") {
      std::cerr << "tgmux login: " << login.value("state", login.value("detail", "failed")) << "\n";
      return 1;
    }
    const auto& account = login["account"];
    std::cout << "Linked account " << account["id"].get<std::string>() << " ("
              << account.value("display_name", "") << ", " << account.value("phone_masked", "") << ")\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "tgmux login: " << e.what() << "\n";
    return 1;
  }
}

int AccountsCommand(const ClientOptions& options) {
  try {
    auto http = ClientFor(options);
    std::printf("%-28s %-10s %-16s %s\n", "ID", "STATUS", "PHONE", "NAME");
    std::string target = "/v1/accounts?limit=500";
    while (true) {
      json page = Call(http, "GET", target);
      if (Failed(page)) throw std::runtime_error(page.value("detail", "failed"));
      for (const auto& a : page["items"]) {
        std::printf("%-28s %-10s %-16s %s\n", a.value("id", "").c_str(), a.value("status", "").c_str(),
                    a.value("phone_masked", "").c_str(), a.value("display_name", "").c_str());
      }
      if (!page["next_cursor"].is_string()) return 0;
      target = "/v1/accounts?limit=500&cursor=" + page["next_cursor"].get<std::string>();
    }
  } catch (const std::exception& e) {
    std::cerr << "tgmux accounts: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace tgmux::app
