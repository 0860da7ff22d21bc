// Against the real pinned libtdjson, offline: start-up, key mismatch, close,
// deadlines and logOut behave as tdlib-facts.md says. One ClientHub at a time.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "telegram/account_client.h"
#include "telegram/callback_box.h"
#include "telegram/client_hub.h"
#include "tests/support/build_paths.h"

#if defined(__SANITIZE_ADDRESS__)
// TDLib keeps some allocations for the life of the process (thread-local
// buffers, per-client statics); LeakSanitizer must not blame the tests for them.
extern "C" const char* __lsan_default_suppressions() { return "leak:libtdjson.so\n"; }
#endif

namespace tgmux::telegram {
namespace {

using namespace std::chrono_literals;
using Kind = AuthState::Kind;
using testing::CallbackBox;
namespace fs = std::filesystem;

// Offline, any api_id > 0 and non-empty hash get as far as WaitPhoneNumber.
TdParameters OfflineParameters() {
  TdParameters params;
  params.api_id = 12345;
  params.api_hash = "0123456789abcdef0123456789abcdef";
  return params;
}
const TdParameters kOffline = OfflineParameters();

class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "tgmux-td-XXXXXX").string();
    path_ = mkdtemp(pattern.data());
  }
  ~TempDir() { fs::remove_all(path_); }
  std::string Sub(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

long RssKb() {
  std::ifstream status("/proc/self/status");
  std::string key;
  long value = 0;
  while (status >> key) {
    if (key == "VmRSS:") {
      status >> value;
      return value;
    }
    status.ignore(1 << 12, '\n');
  }
  return 0;
}

// One account under test: its client and everything it reported.
struct Account {
  Account(ClientHub& hub)
      : client(std::make_unique<AccountClient>(hub, AccountCallbacks{states.Callback(), reasons.Callback()})) {}

  bool Reached(Kind kind, std::chrono::milliseconds timeout = 10s) {
    return states.WaitFor([kind](const AuthState& s) { return s.kind == kind; }, timeout).has_value();
  }

  CallbackBox<AuthState> states;
  CallbackBox<ClosedReason> reasons;
  std::unique_ptr<AccountClient> client;
};

class TelegramRealTdlibTest : public ::testing::Test {
 protected:
  void SetUp() override { hub_ = std::make_unique<ClientHub>(LoadTdJson(TGMUX_TDJSON_DEFAULT), 10s); }
  void TearDown() override {
    // Every client closed before the library can be torn down (tdlib-facts §1.6).
    EXPECT_TRUE(hub_->CloseAll(30s));
    hub_.reset();
  }

  std::unique_ptr<ClientHub> hub_;
  TempDir dir_;
  const std::string key_ = std::string(32, '\x5a');
};

TEST_F(TelegramRealTdlibTest, ReportsThePinnedVersion) { EXPECT_EQ(hub_->TdlibVersion(), "1.8.65"); }

TEST_F(TelegramRealTdlibTest, HundredClientsReachWaitPhoneNumber) {
  constexpr int kClients = 100;
  long rss_before = RssKb();
  auto started = std::chrono::steady_clock::now();
  std::vector<std::unique_ptr<Account>> accounts;
  for (int i = 0; i < kClients; ++i) {
    accounts.push_back(std::make_unique<Account>(*hub_));
    accounts.back()->client->Start(dir_.Sub("a" + std::to_string(i)), key_, kOffline, nullptr);
  }
  for (auto& account : accounts) ASSERT_TRUE(account->Reached(Kind::kWaitPhoneNumber, 60s));
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  long rss_after = RssKb();
  RecordProperty("seconds_to_wait_phone_number", std::to_string(seconds));
  RecordProperty("rss_kb_with_100_clients", std::to_string(rss_after));
  std::printf("[ figures  ] %d clients in WaitPhoneNumber after %.2f s; RSS %ld -> %ld KB\n", kClients,
              seconds, rss_before, rss_after);
  EXPECT_EQ(hub_->Stats().clients_by_state["wait_phone_number"], kClients);

  EXPECT_TRUE(hub_->CloseAll(30s));
  for (auto& account : accounts) {
    ASSERT_TRUE(account->reasons.Wait());
    EXPECT_EQ(*account->reasons.Wait(), ClosedReason::kClosed);
  }
}

TEST_F(TelegramRealTdlibTest, WrongKeyIsAMappedErrorAndTheClientStaysRetryable) {
  std::string directory = dir_.Sub("acc");
  {
    Account first(*hub_);
    first.client->Start(directory, key_, kOffline, nullptr);
    ASSERT_TRUE(first.Reached(Kind::kWaitPhoneNumber));
    CallbackBox<Status> closed;
    first.client->Close(closed.Callback());
    ASSERT_TRUE(first.reasons.Wait());
  }
  Account second(*hub_);
  CallbackBox<Status> wrong, right;
  second.client->Start(directory, std::string(32, '\x01'), kOffline, wrong.Callback());
  ASSERT_TRUE(wrong.Wait());
  ASSERT_FALSE(wrong.Wait()->ok());
  EXPECT_EQ(wrong.Wait()->error().code(), ErrorCode::kInternal);
  EXPECT_NE(std::string(wrong.Wait()->error().what()).find("key mismatch"), std::string::npos);
  EXPECT_EQ(second.client->auth_state().kind, Kind::kWaitParameters);

  second.client->Start(directory, key_, kOffline, right.Callback());
  ASSERT_TRUE(right.Wait());
  EXPECT_TRUE(right.Wait()->ok());
  EXPECT_TRUE(second.Reached(Kind::kWaitPhoneNumber));
}

TEST_F(TelegramRealTdlibTest, CloseGivesExactlyOneClosed) {
  Account account(*hub_);
  account.client->Start(dir_.Sub("acc"), key_, kOffline, nullptr);
  ASSERT_TRUE(account.Reached(Kind::kWaitPhoneNumber));
  CallbackBox<Status> done;
  account.client->Close(done.Callback());
  ASSERT_TRUE(done.Wait() && done.Wait()->ok());
  ASSERT_TRUE(account.reasons.Wait());
  EXPECT_EQ(*account.reasons.Wait(), ClosedReason::kClosed);

  // A request after Closed is refused, and no second Closed ever comes.
  CallbackBox<Status> after;
  account.client->Close(after.Callback());
  ASSERT_TRUE(after.Wait());
  EXPECT_EQ(after.Wait()->error().code(), ErrorCode::kAccountNotReady);
  auto states = account.states.values();
  EXPECT_EQ(std::count_if(states.begin(), states.end(), [](const AuthState& s) { return s.kind == Kind::kClosed; }),
            1);
  EXPECT_EQ(account.reasons.count(), 1u);
  EXPECT_TRUE(fs::exists(dir_.Sub("acc") + "/td.binlog"));  // close keeps the session
}

TEST_F(TelegramRealTdlibTest, PhoneLoginOfflineIsTelegramUnreachableAndTheHubStaysHealthy) {
  hub_.reset();  // one hub at a time: never two threads in td_receive
  hub_ = std::make_unique<ClientHub>(LoadTdJson(TGMUX_TDJSON_DEFAULT), 2s);
  Account account(*hub_);
  account.client->Start(dir_.Sub("acc"), key_, kOffline, nullptr);
  ASSERT_TRUE(account.Reached(Kind::kWaitPhoneNumber));

  CallbackBox<Status> phone;
  auto sent = std::chrono::steady_clock::now();
  account.client->SetPhoneNumber("+15550001122", phone.Callback());
  ASSERT_TRUE(phone.Wait(0, 10s));
  auto waited = std::chrono::steady_clock::now() - sent;
  ASSERT_FALSE(phone.Wait()->ok());
  EXPECT_EQ(phone.Wait()->error().code(), ErrorCode::kTelegramUnreachable);
  EXPECT_STREQ(phone.Wait()->error().what(), "Telegram did not answer within 2 s");
  EXPECT_GE(waited, 2s);
  EXPECT_EQ(hub_->Stats().requests_timed_out, 1u);

  // The hub still answers: getMe before login is refused by TDLib itself.
  CallbackBox<Result<Me>> me;
  account.client->GetMe(me.Callback());
  ASSERT_TRUE(me.Wait());
  EXPECT_EQ(me.Wait()->error().code(), ErrorCode::kAccountNotReady);
}

TEST_F(TelegramRealTdlibTest, LogOutInWaitPhoneNumberEmptiesTheDirectory) {
  std::string directory = dir_.Sub("acc");
  Account account(*hub_);
  account.client->Start(directory, key_, kOffline, nullptr);
  ASSERT_TRUE(account.Reached(Kind::kWaitPhoneNumber));
  ASSERT_FALSE(fs::is_empty(directory));

  CallbackBox<Status> done;
  account.client->LogOut(done.Callback());
  ASSERT_TRUE(done.Wait() && done.Wait()->ok());
  ASSERT_TRUE(account.reasons.Wait());
  EXPECT_EQ(*account.reasons.Wait(), ClosedReason::kLoggedOut);
  EXPECT_TRUE(!fs::exists(directory) || fs::is_empty(directory));
}

}  // namespace
}  // namespace tgmux::telegram
