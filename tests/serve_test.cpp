// End-to-end: the real tgmux binary, started the way an operator starts it.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <thread>

#include "tests/support/stream_clients.h"
#include "tests/support/startup_errors.h"
#include "tests/support/tgmux_server.h"
#include "tests/support/wait.h"

namespace tgmux::testing {
namespace {

using Env = std::map<std::string, std::string>;

TEST(ServeTest, StartsWithoutTelegramCredentialsAndReportsReady) {
  TgmuxServer server;
  ASSERT_TRUE(server.Start()) << server.process().Stderr();
  EXPECT_EQ(server.http().Get("/healthz").status, 200);
  auto ready = server.http().Get("/readyz");
  ASSERT_EQ(ready.status, 200) << ready.body;
  auto body = ready.Json();
  EXPECT_EQ(body["status"], "ready");
  EXPECT_EQ(body["tdlib"]["version"], "1.8.65");
  EXPECT_EQ(body["telegram_configured"], false);
  EXPECT_GE(body["store"]["schema_version"].get<int>(), 1);
  // The embedded store lives in the data directory; a PostgreSQL one does not.
  EXPECT_EQ(std::filesystem::exists(server.data_dir() / "tgmux.db"), !TestsRunOnPostgres());
  EXPECT_EQ(server.Stop(SIGTERM), 0);
}

TEST(ServeTest, ReadyzSaysTheStoreFailedWithoutItsDetailsWhichGoToTheLog) {
  TgmuxServer server;
  ASSERT_TRUE(server.Start()) << server.process().Stderr();
  ASSERT_EQ(server.http().Get("/readyz").status, 200);
  // The store breaks under the running tgmux: a table it reads disappears.
  ExecStoreSql(server.data_dir(), "DROP TABLE schema_migrations");
  // The database's own words for it.
  const std::string missing = TestsRunOnPostgres() ? "relation \"schema_migrations\" does not exist"
                                                   : "no such table: schema_migrations";

  auto ready = server.Anonymous().Get("/readyz");
  ASSERT_EQ(ready.status, 503) << ready.body;
  auto body = ready.Json();
  EXPECT_EQ(body["status"], "not_ready");
  EXPECT_EQ(body["store"]["ok"], false);
  EXPECT_EQ(body["store"]["reason"], "the store cannot be read; see the log");
  // A public route: neither where the data lives nor SQLite's own words.
  for (const std::string& detail : {server.data_dir().string(), std::string("tgmux.db"),
                                    std::string("schema_migrations"), missing}) {
    EXPECT_EQ(ready.body.find(detail), std::string::npos) << detail << " in " << ready.body;
  }
  auto logged = [&] { return server.process().Stderr().find(missing) != std::string::npos; };
  EXPECT_TRUE(WaitUntil(logged, std::chrono::seconds(5))) << server.process().Stderr();
}

TEST(ServeTest, MetricsCountRequestsByRouteAndStatus) {
  TgmuxServer server;
  ASSERT_TRUE(server.Start()) << server.process().Stderr();
  server.http().Get("/healthz");
  server.http().Get("/no/such/thing");
  auto metrics = server.http().Get("/metrics");
  ASSERT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.Header("content-type").find("text/plain"), std::string::npos);
  const auto& text = metrics.body;
  EXPECT_NE(text.find("tgmux_build_info{version=\"" TGMUX_VERSION "\",tdlib=\"1.8.65\"} 1"), std::string::npos) << text;
  EXPECT_NE(text.find("tgmux_uptime_seconds "), std::string::npos);
  EXPECT_NE(text.find("tgmux_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 1"),
            std::string::npos) << text;
  EXPECT_NE(text.find("route=\"unmatched\",status=\"404\"} 1"), std::string::npos) << text;
}

TEST(ServeTest, ErrorsAreProblemJsonWithAStableCode) {
  TgmuxServer server;
  ASSERT_TRUE(server.Start()) << server.process().Stderr();
  auto missing = server.http().Get("/v1/nothing-here");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.Header("content-type"), "application/problem+json");
  EXPECT_EQ(missing.Json()["code"], "not_found");
  EXPECT_FALSE(missing.Header("x-request-id").empty());

  auto wrong_method = server.http().Request("DELETE", "/healthz");
  EXPECT_EQ(wrong_method.status, 405);
  EXPECT_EQ(wrong_method.Json()["code"], "method_not_allowed");

  auto huge = server.http().Request("POST", "/healthz", std::string((1 << 20) + 10, 'x'));
  EXPECT_EQ(huge.status, 413);
  EXPECT_EQ(huge.Json()["code"], "payload_too_large");

  auto echoed = server.http().Request("GET", "/healthz", "", {{"X-Request-Id", "trace-42"}});
  EXPECT_EQ(echoed.Header("x-request-id"), "trace-42");
  EXPECT_EQ(server.http().Raw("GARBAGE\r\n\r\n").substr(0, 12), "HTTP/1.1 400");
}

// Busy threads on every core for as long as it lives, as on a loaded machine.
class CpuLoad {
 public:
  CpuLoad() {
    for (unsigned i = 0; i < std::max(2u, std::thread::hardware_concurrency()); ++i) {
      threads_.emplace_back([this] {
        while (!stop_.load(std::memory_order_relaxed)) {
        }
      });
    }
  }
  ~CpuLoad() {
    stop_ = true;
    for (auto& thread : threads_) thread.join();
  }

 private:
  std::atomic<bool> stop_{false};
  std::vector<std::thread> threads_;
};

// Sends `request` whole, then reads until the server closes. Returns whether
// every byte went out (many clients stop at a failed send and never read the
// answer) and what came back.
std::pair<bool, std::string> SendWholeThenRead(int port, const std::string& request) {
  int fd = ConnectLoopback(port);
  if (fd < 0) return {false, ""};
  std::size_t sent = 0;
  for (ssize_t n = 0; sent < request.size(); sent += static_cast<std::size_t>(n)) {
    n = send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
  }
  std::string answer;
  char buffer[65536];
  for (ssize_t n = 0; (n = recv(fd, buffer, sizeof buffer, 0)) > 0;) answer.append(buffer, static_cast<std::size_t>(n));
  close(fd);
  return {sent == request.size(), answer};
}

// A client still sending a body over the limit must be able to finish sending
// and read the 413, not meet a reset connection: tgmux reads and drops the
// rest before it closes.
TEST(ServeTest, AnOversizedBodyGetsItsAnswerEvenOnABusyMachine) {
  TgmuxServer server;
  ASSERT_TRUE(server.Start()) << server.process().Stderr();
  // More than the kernel buffers for the two ends (4 MiB to send here), so
  // that a server which closes without reading the rest resets the sender.
  const std::string body(12 << 20, 'x');
  const std::string request = "POST /v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                              "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  CpuLoad load;
  for (int attempt = 0; attempt < 8; ++attempt) {
    auto [sent_whole, answer] = SendWholeThenRead(server.port(), request);
    EXPECT_TRUE(sent_whole) << "attempt " << attempt << ": the connection was reset while the body was sent";
    ASSERT_EQ(answer.substr(0, 12), "HTTP/1.1 413") << "attempt " << attempt << ": " << answer.substr(0, 200);
    EXPECT_NE(answer.find("payload_too_large"), std::string::npos);
  }
  EXPECT_EQ(server.http().Get("/healthz").status, 200);
}

TEST(ServeTest, BadSettingsAreRefusedWithOneLineAndStatus2) {
  TempDir dir;
  std::ofstream(dir.path() / "file") << "x";
  struct Case {
    std::map<std::string, std::string> env;
    std::string expected;
  };
  std::vector<Case> cases = {
      {{{"TGMUX_LISTEN", "nonsense"}}, "TGMUX_LISTEN=\"nonsense\""},
      {{{"TELEGRAM_API_ID", "abc"}}, "TELEGRAM_API_ID=\"abc\""},
      {{{"TGMUX_DATA_DIR", (dir.path() / "file" / "data").string()}}, "TGMUX_DATA_DIR="},
      {{{"TGMUX_TDJSON", "/nonexistent/libtdjson.so"}}, "TGMUX_TDJSON=\"/nonexistent/libtdjson.so\""},
      {{{"TGMUX_TDJSON", "/etc/hostname"}}, "TGMUX_TDJSON: "},
      {{{"TGMUX_MASTER_KEY", "not base64!"}}, "TGMUX_MASTER_KEY"},
  };
  for (const auto& c : cases) {
    auto env = c.env;
    env.emplace("TGMUX_DATA_DIR", (dir.path() / "data").string());
    ExpectStopsWithOneLine(env, c.expected);
  }
  auto [status, text] = RunTgmux({{"TGMUX_DATA_DIR", (dir.path() / "data").string()}}, {"serve", "--listen", "x"});
  EXPECT_EQ(status, 2);
  EXPECT_NE(text.find("--listen=\"x\""), std::string::npos) << text;
}

TEST(ServeTest, MasterKeyIsGeneratedOnceWithOwnerOnlyPermissions) {
  TempDir dir;
  auto data = dir.path() / "data";
  std::string first_key;
  {
    TgmuxServer server({}, data);
    ASSERT_TRUE(server.Start()) << server.process().Stderr();
    struct stat info{};
    ASSERT_EQ(stat((data / "master.key").c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0600);
    first_key = ReadFile(data / "master.key");
    EXPECT_EQ(server.Stop(), 0);
  }
  TgmuxServer again({}, data);
  ASSERT_TRUE(again.Start()) << again.process().Stderr();
  EXPECT_EQ(ReadFile(data / "master.key"), first_key);
  EXPECT_EQ(again.Stop(), 0);

  // The key file lost while data exists is never silently replaced.
  std::filesystem::remove(data / "master.key");
  auto [status, text] = RunTgmux({{"TGMUX_DATA_DIR", data.string()}, {"TGMUX_LISTEN", "127.0.0.1:0"}});
  EXPECT_EQ(status, 2);
  EXPECT_NE(text.find("master.key"), std::string::npos) << text;
  EXPECT_FALSE(std::filesystem::exists(data / "master.key"));
}

TEST(ServeTest, WrongMasterKeyIsRefusedAndNothingChanges) {
  TempDir dir;
  auto data = dir.path() / "data";
  std::string right = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
  std::string wrong = "HxwdHhscGRoXGBUWExQREg8QDQ4LDAkKBwgFBgMEAQI=";
  {
    TgmuxServer server(Env{{"TGMUX_MASTER_KEY", right}}, data);
    ASSERT_TRUE(server.Start()) << server.process().Stderr();
    EXPECT_EQ(server.Stop(), 0);
  }
  std::string before = StoreSnapshot(data);
  auto [status, text] = RunTgmux({{"TGMUX_DATA_DIR", data.string()}, {"TGMUX_MASTER_KEY", wrong},
                                  {"TGMUX_LISTEN", "127.0.0.1:0"}});
  EXPECT_EQ(status, 2);
  EXPECT_NE(text.find("TGMUX_MASTER_KEY: this is not the master key"), std::string::npos) << text;
  EXPECT_EQ(StoreSnapshot(data), before);
  EXPECT_FALSE(std::filesystem::exists(data / "master.key"));

  TgmuxServer right_again(Env{{"TGMUX_MASTER_KEY", right}}, data);
  EXPECT_TRUE(right_again.Start()) << right_again.process().Stderr();
}

TEST(ServeTest, ASecondServeOnTheSameDataDirectoryIsRefusedWhileTheFirstRuns) {
  TempDir dir;
  auto data = dir.path() / "data";
  auto first = std::make_unique<TgmuxServer>(Env{}, data);
  ASSERT_TRUE(first->Start()) << first->process().Stderr();
  std::string pid = std::to_string(first->process().pid());
  EXPECT_EQ(ReadFile(data / "tgmux.lock"), pid + "\n");

  auto [status, text] = RunTgmux({{"TGMUX_DATA_DIR", data.string()}, {"TGMUX_LISTEN", "127.0.0.1:0"}});
  EXPECT_EQ(status, 2) << text;
  EXPECT_NE(text.find("TGMUX_DATA_DIR=\"" + data.string() + "\" is in use by another tgmux (pid " + pid + ")"),
            std::string::npos) << text;
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1) << text;
  EXPECT_EQ(first->http().Get("/readyz").status, 200) << "the first one goes on";

  // kill -9 leaves the file behind, but the lock died with its process.
  EXPECT_EQ(first->Stop(SIGKILL), 128 + SIGKILL);
  TgmuxServer next({}, data);
  ASSERT_TRUE(next.Start()) << next.process().Stderr();
  EXPECT_EQ(next.http().Get("/readyz").status, 200);
  EXPECT_EQ(ReadFile(data / "tgmux.lock"), std::to_string(next.process().pid()) + "\n");
  EXPECT_EQ(next.Stop(SIGTERM), 0);
  EXPECT_EQ(ReadFile(data / "tgmux.lock"), "") << "a clean stop leaves the lock file empty";
}

TEST(ServeTest, JsonLogsAreOneObjectPerLine) {
  TgmuxServer server(Env{{"TGMUX_LOG_FORMAT", "json"}});
  ASSERT_TRUE(server.Start()) << server.process().Stderr();
  server.http().Get("/healthz");
  EXPECT_EQ(server.Stop(), 0);
  std::istringstream lines(server.process().Stderr());
  std::string line;
  int count = 0;
  while (std::getline(lines, line)) {
    auto parsed = nlohmann::json::parse(line, nullptr, false);
    ASSERT_FALSE(parsed.is_discarded()) << line;
    EXPECT_TRUE(parsed.contains("ts") && parsed.contains("level") && parsed.contains("msg")) << line;
    ++count;
  }
  EXPECT_GE(count, 3);
}

}  // namespace
}  // namespace tgmux::testing
