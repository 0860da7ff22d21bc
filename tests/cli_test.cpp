// End-to-end: `tgmux login` and `tgmux accounts` against a running tgmux, with
// the user's answers typed into the login's standard input.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/support/build_paths.h"
#include "tests/support/linked_gateway.h"
#include "tests/support/wait.h"

namespace tgmux::testing {
namespace {

class CliTest : public LinkedGatewayTest {
 protected:
  void SetUp() override {
    LinkedGatewayTest::SetUp();
    StartGateway();
    url_ = "http://127.0.0.1:" + std::to_string(gateway_->port());
    fifo_ = dir_.path() / "stdin";
    ASSERT_EQ(mkfifo(fifo_.c_str(), 0600), 0);
    writer_ = open(fifo_.c_str(), O_RDWR);  // read-write: opening never blocks
  }
  void TearDown() override { close(writer_); }
  Env TokenEnv() const { return {{"TGMUX_TOKEN", owner_["access_token"].get<std::string>()}}; }
  void Type(const std::string& line) { ASSERT_EQ(write(writer_, (line + "\n").data(), line.size() + 1), ssize_t(line.size() + 1)); }

  std::string url_;
  std::filesystem::path fifo_;
  int writer_ = -1;
};

TEST_F(CliTest, LoginAsksForPhoneCodeAndPasswordThenListsTheAccount) {
  CreateUser("+15554001122", "Cleo", {{"password", "cli-pass-123"}, {"password_hint", "cli"}});
  Process login({TGMUX_BINARY, "login", "--url", url_}, TokenEnv(), dir_.path(), fifo_);
  ASSERT_FALSE(login.WaitForOutput("Phone number:", std::chrono::seconds(10)).empty());
  Type("+1 555 400 11 22");
  ASSERT_FALSE(login.WaitForOutput("Code (or r to resend):", std::chrono::seconds(10)).empty()) << login.Stderr();
  Type("00000");
  ASSERT_FALSE(login.WaitForOutput("4 attempts left", std::chrono::seconds(10)).empty()) << login.Stdout();
  Type(LastCode("+15554001122"));
  ASSERT_FALSE(login.WaitForOutput("2FA password (hint: cli):", std::chrono::seconds(10)).empty()) << login.Stdout();
  Type("cli-pass-123");
  EXPECT_EQ(login.Wait(std::chrono::seconds(10)), 0) << login.Stdout() << login.Stderr();
  EXPECT_NE(login.Stdout().find("Linked account acc_"), std::string::npos) << login.Stdout();

  TempDir logs;
  Process accounts({TGMUX_BINARY, "accounts", "--url", url_, "--token", owner_["access_token"].get<std::string>()}, {},
                   logs.path());
  EXPECT_EQ(accounts.Wait(std::chrono::seconds(10)), 0);
  EXPECT_NE(accounts.Stdout().find("+155******22"), std::string::npos) << accounts.Stdout();
  EXPECT_NE(accounts.Stdout().find("active"), std::string::npos);
}

TEST_F(CliTest, QrLoginDrawsTheCodeAndFinishesWhenScanned) {
  CreateUser("+15554002233", "Dora");
  Process login({TGMUX_BINARY, "login", "--qr", "--url", url_}, TokenEnv(), dir_.path(), fifo_);
  ASSERT_FALSE(login.WaitForOutput("Scan with Telegram", std::chrono::seconds(10)).empty()) << login.Stderr();
  EXPECT_NE(login.Stdout().find("\u2588"), std::string::npos);
  EXPECT_EQ(http().Get("/v1/accounts").Json()["items"].size(), 0u);
  // Under the picture, the link it encodes, for a phone or a script. It changes
  // every 2 s here and the CLI prints each new one: scanning the latest logs in.
  ASSERT_FALSE(login.WaitForOutput("or open this link on a phone signed in to Telegram: tg://login?token=",
                                   std::chrono::seconds(1)).empty()) << login.Stdout();
  auto latest = [&] {
    std::string out = login.Stdout();
    auto at = out.rfind("tg://login?token=");
    return out.substr(at, out.find('\n', at) - at);
  };
  int scanned = 0;
  EXPECT_TRUE(WaitUntil([&] {
    scanned = Control("POST", "/qr/confirm", {{"link", latest()}, {"phone", "+15554002233"}}).status;
    return scanned != 404;  // 404: renewed a moment ago, and the CLI has not printed the new one yet
  }, std::chrono::seconds(10)));
  ASSERT_EQ(scanned, 204);
  EXPECT_EQ(login.Wait(std::chrono::seconds(10)), 0) << login.Stdout() << login.Stderr();
  EXPECT_NE(login.Stdout().find("Linked account acc_"), std::string::npos) << login.Stdout();
}

TEST_F(CliTest, WithoutATokenTheCommandsSayWhyTheyFail) {
  TempDir logs;
  Process accounts({TGMUX_BINARY, "accounts", "--url", url_}, {}, logs.path());
  EXPECT_EQ(accounts.Wait(std::chrono::seconds(10)), 1);
  EXPECT_NE(accounts.Stderr().find("Authorization"), std::string::npos) << accounts.Stderr();
}

}  // namespace
}  // namespace tgmux::testing
