// End-to-end: `tgmux rotate-master-key` on a stopped installation, on SQLite
// and on PostgreSQL. A rotation stopped half-way (as a crash would) keeps
// tgmux from starting with one line saying how to finish; the rerun finishes;
// afterwards the old key opens nothing (tgmux refuses it) and with the new one
// everything works: the account comes up active without a login, the events
// read as before, the webhook signs with its secret, sign-in tokens still hold.
#include <algorithm>
#include <fstream>

#include "crypto/keys.h"
#include "tests/support/linked_gateway.h"
#include "tests/support/postgres_server.h"
#include "tests/support/stream_clients.h"
#include "tests/support/test_store.h"
#include "tests/support/wait.h"

namespace tgmux::testing {
namespace {

using nlohmann::json;
using std::chrono::seconds;

constexpr const char* kAnn = "+15557401122";
constexpr const char* kCarol = "+15557405566";

class RotateMasterKeyTest : public LinkedGatewayTest, public ::testing::WithParamInterface<StoreKind> {
 protected:
  void SetUp() override {
    LinkedGatewayTest::SetUp();
    store_ = GetParam() == StoreKind::kPostgres ? NewPostgresDatabase() : "sqlite:" + (data_dir_ / "tgmux.db").string();
  }
  Env Store() const { return {{"TGMUX_STORE", store_}, {"TGMUX_DATA_DIR", data_dir_.string()}}; }
  std::pair<int, std::string> Rotate(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"rotate-master-key", "--new-key-file", key_file_.string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunTgmux(Store(), args);
  }
  void Say(const std::string& text) {
    ASSERT_EQ(Control("POST", "/messages", {{"from", kCarol}, {"to", kAnn}, {"text", text}}).status, 201);
  }
  std::vector<json> Received() {
    const json page = http().Get("/v1/events?limit=500&types=message.received").Json();
    return page["items"].get<std::vector<json>>();
  }

  std::string store_;
  std::filesystem::path key_file_;
};

TEST_P(RotateMasterKeyTest, AfterARotationOnlyTheNewKeyOpensTheDataAndEverythingWorks) {
  StartGateway({{"TGMUX_STORE", store_}});
  CreateUser(kAnn, "Ann");
  CreateUser(kCarol, "Carol");
  const std::string ann = Link(kAnn)["id"];
  WebhookReceiver receiver;
  auto hook = http().Post("/v1/webhooks", {{"url", receiver.Url()}, {"types", {"message.received"}}});
  ASSERT_EQ(hook.status, 201) << hook.body;
  const std::string secret = hook.Json()["secret"];
  for (int i = 0; i < 3; ++i) Say("before " + std::to_string(i));
  ASSERT_EQ(receiver.WaitFor(3, seconds(15)).size(), 3u);
  const auto events_before = Received();
  ASSERT_EQ(events_before.size(), 3u);
  const auto sessions = Sessions(kAnn).size();
  const std::string old_key = ReadFile(data_dir_ / "master.key");
  ASSERT_FALSE(old_key.empty());

  // Refused while tgmux runs on the data directory.
  key_file_ = dir_.path() / "new.key";
  const auto fresh = crypto::SecretKey::Random();
  {
    std::ofstream(key_file_) << fresh.ToBase64() << "\n";
    std::filesystem::permissions(key_file_, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  }
  auto [busy, busy_output] = Rotate();
  EXPECT_EQ(busy, 2) << busy_output;
  EXPECT_NE(busy_output.find("in use by another tgmux"), std::string::npos) << busy_output;
  ASSERT_EQ(gateway_->Stop(), 0);
  gateway_.reset();

  // Stopped half-way, as a crash would: tgmux refuses to start and says how to finish.
  auto [stopped, stopped_output] = Rotate({"--stop-after-batches", "3", "--batch-rows", "2"});
  ASSERT_EQ(stopped, 3) << stopped_output;
  auto [refused, why] = RunTgmux(GatewayEnv(Store()));
  EXPECT_EQ(refused, 2) << why;
  EXPECT_NE(why.find("master key rotation is half-finished"), std::string::npos) << why;
  EXPECT_NE(why.find("rotate-master-key --new-key-file"), std::string::npos) << why;
  EXPECT_EQ(std::count(why.begin(), why.end(), '\n'), 1) << why;
  EXPECT_EQ(ReadFile(data_dir_ / "master.key"), old_key) << "the key changed before the data";

  auto [done, done_output] = Rotate({"--batch-rows", "2"});
  ASSERT_EQ(done, 0) << done_output;
  EXPECT_NE(done_output.find("half-finished rotation was finished"), std::string::npos) << done_output;
  EXPECT_EQ(ReadFile(data_dir_ / "master.key"), fresh.ToBase64() + "\n");

  // The old key opens nothing.
  std::string old_base64 = old_key.substr(0, old_key.find('\n'));
  auto [with_old, old_output] = RunTgmux(GatewayEnv({{"TGMUX_STORE", store_},
                                                     {"TGMUX_DATA_DIR", data_dir_.string()},
                                                     {"TGMUX_MASTER_KEY", old_base64}}));
  EXPECT_EQ(with_old, 2) << old_output;
  EXPECT_NE(old_output.find("not the master key the data"), std::string::npos) << old_output;
  auto [again, again_output] = Rotate();
  EXPECT_EQ(again, 2) << "the same rotation twice\n" << again_output;

  // With the new one everything works, without a new login.
  gateway_ = std::make_unique<TgmuxServer>(GatewayEnv({{"TGMUX_STORE", store_}}), data_dir_);
  ASSERT_TRUE(gateway_->Start()) << gateway_->process().Stderr();
  gateway_->SignInOwner();
  EXPECT_EQ(PollAccount(ann, "active")["status"], "active");
  EXPECT_EQ(Sessions(kAnn).size(), sessions);
  auto events_after = Received();
  ASSERT_GE(events_after.size(), events_before.size());
  for (std::size_t i = 0; i < events_before.size(); ++i) EXPECT_EQ(events_after[i], events_before[i]);
  HttpClient old_token("127.0.0.1", gateway_->port());
  old_token.SetDefaultHeader("Authorization", "Bearer " + owner_["access_token"].get<std::string>());
  EXPECT_EQ(old_token.Get("/v1/accounts").status, 200) << "the JWT signing key changed";
  Say("after");
  auto deliveries = receiver.WaitFor(4, seconds(15));
  ASSERT_GE(deliveries.size(), 4u);
  EXPECT_EQ(json::parse(deliveries.back().body)["data"]["message"]["text"], "after");
  EXPECT_TRUE(VerifySignature(deliveries.back().Header("x-tgmux-signature"), deliveries.back().body, secret));
}

TEST_P(RotateMasterKeyTest, RefusesAMissingKeyFile) {
  key_file_ = dir_.path() / "missing.key";
  auto [status, output] = Rotate();
  EXPECT_EQ(status, 2) << output;
  EXPECT_NE(output.find("does not exist"), std::string::npos) << output;
  EXPECT_EQ(std::count(output.begin(), output.end(), '\n'), 1) << output;
}

INSTANTIATE_TEST_SUITE_P(Stores, RotateMasterKeyTest, kBothStores, StoreKindName);

}  // namespace
}  // namespace tgmux::testing
