// End-to-end: sign-ins hash their passwords on a bounded pool of their own
// (TGMUX_ARGON2_THREADS, TGMUX_ARGON2_QUEUE). A burst beyond it is refused at
// once with 429 and Retry-After, and the rest of the API keeps answering
// while the pool is busy.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "tests/support/tgmux_server.h"
#include "tests/support/wait.h"

namespace tgmux::testing {
namespace {

constexpr int kBurst = 8;

TEST(SignInBurstTest, BeyondTheHashingPoolSignInsGet429AndTheRestOfTheApiStillAnswers) {
  // One hashing thread, one sign-in waiting; a costly hash, so the burst overlaps it.
  // (A hash of about a second here, so that the burst and the calls below overlap it.)
  TgmuxServer server({{"TGMUX_ARGON2_THREADS", "1"}, {"TGMUX_ARGON2_QUEUE", "1"}, {"TGMUX_ARGON2_PASSES", "4"},
                      {"TGMUX_ARGON2_MEMORY", "262144"}});
  ASSERT_TRUE(server.Start()) << server.process().Stderr();
  ASSERT_FALSE(server.SignInOwner().is_null());
  const nlohmann::json credentials = {{"email", TgmuxServer::kOwnerEmail}, {"password", TgmuxServer::kOwnerPassword}};

  std::mutex mutex;
  std::vector<HttpResponse> answers;
  std::atomic<int> refused{0}, signed_in{0};
  std::vector<std::thread> burst;
  for (int i = 0; i < kBurst; ++i) {
    burst.emplace_back([&] {
      auto answer = server.Anonymous().Post("/v1/auth/login", credentials);
      if (answer.status == 429) ++refused;
      if (answer.status == 200) ++signed_in;
      std::lock_guard lock(mutex);
      answers.push_back(std::move(answer));
    });
  }
  // A refusal means the pool is full now: the rest of the API must still answer.
  ASSERT_TRUE(WaitUntil([&] { return refused > 0; }, std::chrono::seconds(60)));
  auto health = server.Anonymous().Get("/healthz");
  auto accounts = server.http().Get("/v1/accounts");
  const int signed_in_when_answered = signed_in;
  for (auto& t : burst) t.join();

  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(accounts.status, 200) << accounts.body;
  EXPECT_LT(signed_in_when_answered, signed_in.load()) << "they answered while a sign-in was still hashing";
  EXPECT_GE(signed_in, 1);
  EXPECT_EQ(signed_in + refused, kBurst) << "each was signed in or refused";
  for (const auto& answer : answers) {
    ASSERT_TRUE(answer.status == 200 || answer.status == 429) << answer.status << " " << answer.body;
    if (answer.status != 429) continue;
    EXPECT_EQ(answer.Header("retry-after"), "1");
    EXPECT_EQ(answer.Json()["code"], "flood_wait");
  }
  // Once the burst is over, signing in works again.
  EXPECT_EQ(server.Anonymous().Post("/v1/auth/login", credentials).status, 200);
}

}  // namespace
}  // namespace tgmux::testing
