// Browser tests of the dashboard: each test starts tgsim and the real tgmux, then runs one
// scenario, tests/browser/<name>.mjs, in node (playwright-core driving Chromium's headless
// shell), and passes when that script exits 0 in time. The scripts leave screenshots in
// <build>/browser-shots. See tests/browser/lib.mjs for what they share.
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "tests/support/build_paths.h"
#include "tests/support/linked_gateway.h"
#include "tests/support/wait.h"

namespace tgmux::testing {
namespace {

using namespace std::chrono_literals;

const std::filesystem::path kScenarios = std::filesystem::path(TGMUX_SOURCE_DIR) / "tests" / "browser";

class Browser : public LinkedGatewayTest {
 protected:
  // Starts tgmux with `extra` settings; with `owner`, registers the owner the scenario signs in as.
  void Start(Env extra = {}, bool owner = true) {
    StartGateway(std::move(extra), owner);
    has_owner_ = owner;
  }

  // The token tgmux prints at start while it has no user (dashboard contract, "First run"),
  // from its log (stderr) or its stdout; "" when it printed none within 10 s.
  std::string SetupToken() {
    const std::string marker = "give the setup token ";
    std::string token;
    WaitUntil([&] {
      for (const std::string& out : {gateway_->process().Stderr(), gateway_->process().Stdout()}) {
        auto at = out.find(marker);
        if (at == std::string::npos) continue;
        token = out.substr(at + marker.size());
        token = token.substr(0, token.find_first_of(") \t\r\n\""));
        return true;
      }
      return false;
    }, 10s);
    return token;
  }

  // Runs tests/browser/<name>.mjs against this test's tgmux and tgsim; fails (printing the
  // script's output) unless it exits 0 within `deadline`.
  void RunScenario(const std::string& name, Env extra = {}, std::chrono::seconds deadline = 90s) {
    ASSERT_FALSE(HasFatalFailure()) << "tgmux did not start";
    ASSERT_TRUE(std::filesystem::exists(kScenarios / "node_modules" / "playwright-core"))
        << "run scripts/install-deps (npm ci in tests/browser)";
    Env env = {{"TGMUX_URL", "http://127.0.0.1:" + std::to_string(gateway_->port())},
               {"TGSIM_URL", "http://" + sim_->address() + "/control"},
               {"SHOT_DIR", tgmux::build_paths::kBrowserShotDir},
               {"SCENARIO_TIMEOUT_MS", std::to_string(std::chrono::milliseconds(deadline - 10s).count())}};
    if (has_owner_) {
      env["OWNER_EMAIL"] = TgmuxServer::kOwnerEmail;
      env["OWNER_PASSWORD"] = TgmuxServer::kOwnerPassword;
    }
    if (const char* chromium = std::getenv("TGMUX_CHROMIUM")) env["TGMUX_CHROMIUM"] = chromium;
    for (auto& [k, v] : extra) env[k] = v;

    std::filesystem::path logs = dir_.path() / "browser";
    std::filesystem::create_directories(logs);
    auto started = std::chrono::steady_clock::now();
    Process node({tgmux::build_paths::kNode, (kScenarios / (name + ".mjs")).string()}, env, logs);
    int status = node.Wait(deadline);
    if (status == -1) {
      // SIGTERM first: lib.mjs then closes Chromium rather than leaving it behind.
      status = node.Stop(SIGTERM, 10s);
      ADD_FAILURE() << name << ".mjs did not finish within " << deadline.count() << " s";
    }
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    RecordProperty("scenario_seconds", std::to_string(seconds));
    std::printf("browser scenario %s: exit %d in %.2f s\n", name.c_str(), status, seconds);
    EXPECT_EQ(status, 0) << name << ".mjs failed\n--- stdout\n"
                         << node.Stdout() << "--- stderr\n"
                         << node.Stderr() << "--- tgmux stderr (tail)\n"
                         << Tail(gateway_->process().Stderr()) << "--- tgmux stdout (tail)\n"
                         << Tail(gateway_->process().Stdout());
  }

  static std::string Tail(const std::string& text, size_t bytes = 4000) {
    return text.size() <= bytes ? text : "…" + text.substr(text.size() - bytes);
  }

  bool has_owner_ = false;
};

// The harness on a page of its own (CSP, form, cookie, axe, screenshots, keyboard) and tgmux's /healthz.
TEST_F(Browser, Harness) {
  Start();
  RunScenario("harness");
}

// From loopback, the first visitor creates the owner without a setup token.
TEST_F(Browser, FirstRunOwner) {
  Start({}, /*owner=*/false);
  RunScenario("first_run_owner");
}

// From another address (through a trusted proxy) creating the owner needs the setup token from the log.
TEST_F(Browser, FirstRunNeedsSetupTokenFromElsewhere) {
  Start({{"TGMUX_TRUSTED_PROXIES", "127.0.0.1"}}, /*owner=*/false);
  std::string token = SetupToken();
  ASSERT_FALSE(token.empty()) << "no setup token line in tgmux's output:\n" << gateway_->process().Stdout();
  RunScenario("first_run_setup_token", {{"SETUP_TOKEN", token}});
}

TEST_F(Browser, SignInWithWrongThenRightPassword) {
  Start();
  RunScenario("sign_in");
}

TEST_F(Browser, SignOut) {
  Start();
  RunScenario("sign_out");
}

TEST_F(Browser, CrossSiteFormPostIsRefused) {
  Start();
  RunScenario("csrf");
}

TEST_F(Browser, OperatorSeesNoAdminActions) {
  Start();
  RunScenario("operator");
}

TEST_F(Browser, AccessibleAndNarrow) {
  Start();
  RunScenario("accessibility");
}

TEST_F(Browser, KeyboardOnlySignIn) {
  Start();
  RunScenario("keyboard");
}

// Linking accounts from the dashboard by QR code and by phone, with tgsim playing the people.
TEST_F(Browser, AddAccountByQrAndPhone) {
  Start();
  RunScenario("add_account");
}

// A QR login with a 2FA password typed wrong then right; a phone login with a wrong code then the right one.
TEST_F(Browser, LoginMistakesAreCorrectedInPlace) {
  Start();
  RunScenario("login_mistakes");
}

// Rename, a toggle that persists after a reload, and a remote revoke shown without a reload.
TEST_F(Browser, ManageAnAccount) {
  Start();
  RunScenario("manage_account");
}

// A long chat: scrolling up loads older pages down to the first message; Mark read clears the unread count.
TEST_F(Browser, HistoryScrollsBackAndMarkReadClearsUnread) {
  Start();
  RunScenario("history");
}

// Settings: a webhook secret and an API key shown once, a key revoked after a confirmation, an invite, the audit log.
TEST_F(Browser, SettingsShowSecretsOnceAndAuditWhatHappened) {
  Start();
  RunScenario("settings");
}

// With 3-second access tokens the page refreshes its cookies by itself and stays signed in; two tabs may refresh at once.
TEST_F(Browser, SessionOutlivesItsAccessToken) {
  Start({{"TGMUX_ACCESS_TOKEN_TTL", "3"}});
  RunScenario("session_refresh");
}

// A message sent in tgsim shows up live on the open page (the event stream on the cookie); a reply reaches its sender.
TEST_F(Browser, MessagesLiveAndReply) {
  Start();
  RunScenario("messages");
}

}  // namespace
}  // namespace tgmux::testing
