// End-to-end: "media": {"url": ...} through the real tgmux and the simulator.
// Files are served from 127.0.0.1 by a FileServer in the test, with
// TGMUX_MEDIA_FETCH_ALLOW=127.0.0.1/32 exempting exactly that address. Every
// byte these tests send goes to 127.0.0.0/8 or ::1: the refused addresses
// tried are loopback ones outside the allow-list, with listeners on them that
// count connections, so that a refusal is shown to happen before connecting.
#include <filesystem>
#include <thread>

#include "tests/support/file_server.h"
#include "tests/support/media_files.h"
#include "tests/support/outbox_fixture.h"
#include "tests/support/wait.h"

namespace tgmux::testing {
namespace {

using nlohmann::json;

class MediaFetchTest : public OutboxFixture {
 protected:
  // Fetching on, 127.0.0.1 allowed, a 1 MiB limit and a 2 s deadline.
  static Env FetchEnv() {
    return {{"TGMUX_MEDIA_FETCH", "on"},
            {"TGMUX_MEDIA_FETCH_ALLOW", "127.0.0.1/32"},
            {"TGMUX_MAX_UPLOAD", "1MiB"},
            {"TGMUX_MEDIA_FETCH_TIMEOUT", "2"}};
  }
  HttpResponse SendUrl(const std::string& url, json extra = json::object()) {
    json media = {{"url", url}};
    media.update(extra);
    return Send({{"to", "@bob"}, {"media", media}}, "?wait=20");
  }
  // The answer is 400 invalid_request with exactly `detail`, and nothing was left in the spool.
  void ExpectRefused(const HttpResponse& answer, const std::string& detail) {
    EXPECT_EQ(answer.status, 400) << answer.body;
    auto body = json::parse(answer.body, nullptr, false);
    EXPECT_EQ(body.value("code", ""), "invalid_request") << answer.body;
    EXPECT_EQ(body.value("detail", ""), detail) << answer.body;
    EXPECT_EQ(SpooledFiles(), 0) << "a refused fetch leaves nothing on disk";
  }
  int SpooledFiles() {
    int count = 0;
    std::error_code ec;
    for (auto it = std::filesystem::recursive_directory_iterator(data_dir_ / "media", ec);
         it != std::filesystem::recursive_directory_iterator(); ++it) {
      if (it->is_regular_file()) ++count;
    }
    return count;
  }
  static ServedFile File(std::string body, std::vector<std::pair<std::string, std::string>> headers = {}) {
    ServedFile file;
    file.body = std::move(body);
    file.headers = std::move(headers);
    return file;
  }

  FileServer server_;
};

TEST_F(MediaFetchTest, FetchingIsOffByDefaultAndConnectsNowhere) {
  Prepare();
  server_.Serve("/report.pdf", File(PatternBytes(1000, 1)));
  ExpectRefused(SendUrl(server_.Url("/report.pdf")),
                "media.url: fetching files by URL is off on this server (TGMUX_MEDIA_FETCH=on turns it on); "
                "upload the file as multipart/form-data or send a file_id");
  EXPECT_EQ(server_.connections(), 0);
  EXPECT_TRUE(Received(kBob).empty());
}

TEST_F(MediaFetchTest, ADocumentFetchedByUrlArrivesByteIdenticalWithItsCaption) {
  Prepare(FetchEnv());
  std::string bytes = PatternBytes(300000, 7);
  server_.Serve("/files/report%20Q3.pdf", File(bytes, {{"Content-Type", "application/pdf"}}));
  auto answer = SendUrl(server_.Url("/files/report%20Q3.pdf?download=1"),
                        {{"caption", "<b>Q3</b> numbers"}, {"parse_mode", "html"}});
  ASSERT_EQ(answer.status, 200) << answer.body;
  auto entry = answer.Json();
  EXPECT_EQ(entry["state"], "sent") << entry;
  EXPECT_EQ(entry["media"]["type"], "document") << entry;
  EXPECT_EQ(entry["media"]["file_name"], "report Q3.pdf") << "named after the URL's last path segment";
  EXPECT_EQ(entry["media"]["size"], bytes.size());

  auto bob = Received(kBob);
  ASSERT_EQ(bob.size(), 1u) << bob;
  EXPECT_EQ(bob[0]["media"]["sha256"], Sha256Hex(bytes)) << "Bob gets the very bytes served";
  EXPECT_EQ(bob[0]["text"], "Q3 numbers");
  EXPECT_EQ(server_.requests(), std::vector<std::string>{"/files/report%20Q3.pdf?download=1"});
  EXPECT_TRUE(WaitUntil([&] { return SpooledFiles() == 0; }, std::chrono::seconds(10)))
      << "the sealed copy goes once the entry is sent";
}

TEST_F(MediaFetchTest, TheTestOnlyAllowListIsWarnedAboutAtStart) {
  Prepare(FetchEnv());
  EXPECT_NE(gateway_->process().Stderr().find("TGMUX_MEDIA_FETCH_ALLOW is set"), std::string::npos)
      << gateway_->process().Stderr();
  StartGateway({{"TGMUX_MEDIA_FETCH", "on"}});
  EXPECT_EQ(gateway_->process().Stderr().find("TGMUX_MEDIA_FETCH_ALLOW"), std::string::npos);
}

TEST_F(MediaFetchTest, ChunkedBodiesAndTheFileNameSources) {
  Prepare(FetchEnv());
  std::string csv = PatternBytes(200000, 3);
  ServedFile chunked = File(csv, {{"Content-Type", "text/csv"},
                                  {"Content-Disposition", "attachment; filename=\"data 2026.csv\""}});
  chunked.framing = ServedFile::Framing::kChunked;
  server_.Serve("/export", chunked);
  auto answer = SendUrl(server_.Url("/export"));
  ASSERT_EQ(answer.status, 200) << answer.body;
  EXPECT_EQ(answer.Json()["media"]["file_name"], "data 2026.csv") << "Content-Disposition names it";

  // The client's own name wins; a body that ends with the connection is read to its end.
  std::string raw = PatternBytes(70000, 4);
  ServedFile until_close = File(raw);
  until_close.framing = ServedFile::Framing::kClose;
  server_.Serve("/blob", until_close);
  answer = SendUrl(server_.Url("/blob"), {{"file_name", "mine.bin"}});
  ASSERT_EQ(answer.status, 200) << answer.body;
  EXPECT_EQ(answer.Json()["media"]["file_name"], "mine.bin");

  auto bob = Received(kBob);
  ASSERT_EQ(bob.size(), 2u) << bob;
  EXPECT_EQ(bob[0]["media"]["sha256"], Sha256Hex(csv));
  EXPECT_EQ(bob[1]["media"]["sha256"], Sha256Hex(raw));
}

// A server's names are not always UTF-8 (a Latin-1 byte in the path, a
// Content-Type of raw bytes): the file still goes, the byte shown as '_'; a
// name that ends in a letter of another script keeps it.
TEST_F(MediaFetchTest, NamesAndTypesThatAreNotUtf8StillSendTheFile) {
  Prepare(FetchEnv());
  server_.Serve("/caf%E9.bin", File(PatternBytes(1000, 5), {{"Content-Type", "application/x-caf\xe9"}}));
  auto latin1 = SendUrl(server_.Url("/caf%E9.bin"));
  ASSERT_EQ(latin1.status, 200) << latin1.body;
  EXPECT_EQ(latin1.Json()["media"]["file_name"], "caf_.bin");

  server_.Serve("/%D0%B7%D0%B2%D1%96%D1%82", File(PatternBytes(1000, 6)));
  auto cyrillic = SendUrl(server_.Url("/%D0%B7%D0%B2%D1%96%D1%82"));
  ASSERT_EQ(cyrillic.status, 200) << cyrillic.body;
  EXPECT_EQ(cyrillic.Json()["media"]["file_name"], "звіт");
  EXPECT_EQ(Received(kBob).size(), 2u);
}

TEST_F(MediaFetchTest, RedirectsAreFollowedToAnAllowedUrl) {
  Prepare(FetchEnv());
  std::string bytes = PatternBytes(50000, 9);
  server_.Serve("/old", ServedFile::Redirect("/moved/new", 301));                // absolute path
  server_.Serve("/moved/new", ServedFile::Redirect("final.bin", 307));          // relative
  server_.Serve("/moved/final.bin", ServedFile::Redirect(server_.Url("/f.bin")));  // absolute URL
  server_.Serve("/f.bin", File(bytes));
  auto answer = SendUrl(server_.Url("/old"));
  ASSERT_EQ(answer.status, 200) << answer.body;
  EXPECT_EQ(answer.Json()["media"]["file_name"], "f.bin") << "named after the final URL";
  EXPECT_EQ(server_.requests(), (std::vector<std::string>{"/old", "/moved/new", "/moved/final.bin", "/f.bin"}));
  auto bob = Received(kBob);
  ASSERT_EQ(bob.size(), 1u) << bob;
  EXPECT_EQ(bob[0]["media"]["sha256"], Sha256Hex(bytes));
}

TEST_F(MediaFetchTest, ARedirectIntoARefusedRangeIsRefusedBeforeAnyConnection) {
  Prepare(FetchEnv());
  // Listeners on the refused targets: none of them may see a connection.
  FileServer other_loopback("127.0.0.2");
  FileServer same_host("127.0.0.1");  // reached only as ::ffff:127.0.0.1, which the allow-list does not hold
  FileServer ipv6_loopback("::1");
  ASSERT_TRUE(other_loopback.listening()) << "127.0.0.2 cannot be bound here";
  int v6_port = ipv6_loopback.listening() ? ipv6_loopback.port() : same_host.port();
  const std::pair<std::string, std::string> cases[] = {
      {other_loopback.Url("/x"), "127.0.0.2 is a loopback address"},
      {"http://[::1]:" + std::to_string(v6_port) + "/x", "::1 is a loopback address"},
      {"http://[::ffff:127.0.0.1]:" + std::to_string(same_host.port()) + "/x",
       "::ffff:127.0.0.1 is a loopback address (IPv4 127.0.0.1 inside)"},
      {"http://[::ffff:7f00:2]:" + std::to_string(other_loopback.port()) + "/x",
       "::ffff:127.0.0.2 is a loopback address (IPv4 127.0.0.2 inside)"},
      {"ftp://127.0.0.1:" + std::to_string(same_host.port()) + "/x", "only http and https URLs"},
  };
  for (const auto& [target, reason] : cases) {
    server_.Serve("/hop", ServedFile::Redirect(target));
    ExpectRefused(SendUrl(server_.Url("/hop")), "media.url: redirect to " + target + " refused: " + reason);
  }
  EXPECT_EQ(server_.requests().size(), std::size(cases)) << "each redirect itself was fetched";
  EXPECT_EQ(other_loopback.connections(), 0);
  EXPECT_EQ(same_host.connections(), 0);
  EXPECT_EQ(ipv6_loopback.connections(), 0);
  EXPECT_TRUE(Received(kBob).empty());
}

TEST_F(MediaFetchTest, LoopbackIsRefusedInEveryFormWithoutTheAllowList) {
  Prepare({{"TGMUX_MEDIA_FETCH", "on"}});
  server_.Serve("/a.bin", File(PatternBytes(1000, 2)));
  std::string port = std::to_string(server_.port());
  ExpectRefused(SendUrl(server_.Url("/a.bin")), "media.url: 127.0.0.1 is a loopback address");
  ExpectRefused(SendUrl("http://[::1]:" + port + "/a.bin"), "media.url: ::1 is a loopback address");
  ExpectRefused(SendUrl("http://[::ffff:127.0.0.1]:" + port + "/a.bin"),
                "media.url: ::ffff:127.0.0.1 is a loopback address (IPv4 127.0.0.1 inside)");
  ExpectRefused(SendUrl("http://[::127.0.0.1]:" + port + "/a.bin"),
                "media.url: ::127.0.0.1 is a loopback address (IPv4 127.0.0.1 inside)");
  // A name is resolved (once) and every address it stands for checked. (127.1 needs no DNS
  // server: the resolver reads it as a number; no test here asks one.)
  ExpectRefused(SendUrl("http://127.1:" + port + "/a.bin"),
                "media.url: 127.1 resolves to 127.0.0.1, a loopback address");
  ExpectRefused(SendUrl("file:///etc/passwd"), "media.url: only http and https URLs");
  ExpectRefused(SendUrl("http://user:pw@127.0.0.1:" + port + "/a.bin"),
                "media.url: a URL with a user name or password is not accepted");
  EXPECT_EQ(server_.connections(), 0) << "no refused address was connected to";
}

TEST_F(MediaFetchTest, TooLargeIsRefusedByContentLengthBeforeTheBodyAndChunkedOncePastTheLimit) {
  Prepare(FetchEnv());
  // Announces 2 MiB and then sends nothing: only a refusal by the header can answer in time.
  ServedFile announced;
  announced.declared_length = 2ull << 20;
  announced.hang_after_head = true;
  server_.Serve("/announced", announced);
  ExpectRefused(SendUrl(server_.Url("/announced")), "media.url: the file is larger than 1 MiB");

  ServedFile chunked = File(PatternBytes((1 << 20) + 1, 5));
  chunked.framing = ServedFile::Framing::kChunked;
  server_.Serve("/chunked", chunked);
  ExpectRefused(SendUrl(server_.Url("/chunked")), "media.url: the file is larger than 1 MiB");

  ServedFile until_close = File(PatternBytes((1 << 20) + 100000, 6));
  until_close.framing = ServedFile::Framing::kClose;
  server_.Serve("/close", until_close);
  ExpectRefused(SendUrl(server_.Url("/close")), "media.url: the file is larger than 1 MiB");

  // Exactly the limit is fine.
  std::string exact = PatternBytes(1 << 20, 8);
  ServedFile fits = File(exact);
  fits.framing = ServedFile::Framing::kChunked;
  server_.Serve("/fits", fits);
  auto answer = SendUrl(server_.Url("/fits"));
  ASSERT_EQ(answer.status, 200) << answer.body;
  auto bob = Received(kBob);
  ASSERT_EQ(bob.size(), 1u) << bob;
  EXPECT_EQ(bob[0]["media"]["sha256"], Sha256Hex(exact));
}

TEST_F(MediaFetchTest, ServerFailuresAreNamed) {
  Prepare(FetchEnv());
  ExpectRefused(SendUrl(server_.Url("/missing")), "media.url: the server answered 404");
  ServedFile broken = File("oops");
  broken.status = 500;
  server_.Serve("/broken", broken);
  ExpectRefused(SendUrl(server_.Url("/broken")), "media.url: the server answered 500");
  server_.Serve("/empty", File(""));
  ExpectRefused(SendUrl(server_.Url("/empty")), "media.url: the server sent an empty file");
  server_.Serve("/loop", ServedFile::Redirect("/loop"));
  ExpectRefused(SendUrl(server_.Url("/loop")), "media.url: more than 5 redirects");
  EXPECT_EQ(server_.requests().size(), 3u + 6u) << "the first request and five redirects, no more";

  ServedFile silent;
  silent.silent = true;
  server_.Serve("/silent", silent);
  ExpectRefused(SendUrl(server_.Url("/silent")), "media.url: no answer within 2 s");
  ServedFile stalls = File("", {});
  stalls.declared_length = 1000;
  stalls.hang_after_head = true;
  server_.Serve("/stalls", stalls);
  ExpectRefused(SendUrl(server_.Url("/stalls")), "media.url: the file did not arrive within 2 s");

  // Nothing listens on this port any more: the connection itself fails.
  int closed_port = 0;
  {
    FileServer gone;
    closed_port = gone.port();
  }
  auto refused = SendUrl("http://127.0.0.1:" + std::to_string(closed_port) + "/x");
  EXPECT_EQ(refused.status, 400) << refused.body;
  EXPECT_NE(refused.body.find("media.url: connecting to 127.0.0.1:" + std::to_string(closed_port) + " failed"),
            std::string::npos)
      << refused.body;

  // https:// speaks TLS: a plain HTTP server on the other end fails the handshake.
  server_.Serve("/plain", File("not over TLS"));
  std::string https = "https://127.0.0.1:" + std::to_string(server_.port()) + "/plain";
  auto tls = SendUrl(https);
  EXPECT_EQ(tls.status, 400) << tls.body;
  EXPECT_NE(tls.body.find("media.url: the TLS handshake with 127.0.0.1:" + std::to_string(server_.port()) +
                          " failed"),
            std::string::npos)
      << tls.body;
  EXPECT_TRUE(Received(kBob).empty());
}

TEST_F(MediaFetchTest, AtMostTwoFetchesRunAtOnceSoSlowServersCannotHoldEveryWorker) {
  Prepare(FetchEnv());
  ServedFile silent;
  silent.silent = true;
  server_.Serve("/slow", silent);
  std::vector<HttpResponse> slow(2);
  std::vector<std::thread> senders;
  for (std::size_t i = 0; i < slow.size(); ++i) {
    senders.emplace_back([&, i] { slow[i] = SendUrl(server_.Url("/slow")); });
  }
  bool both_waiting = WaitUntil([&] { return server_.requests().size() >= 2; }, std::chrono::seconds(5));
  auto third = both_waiting ? SendUrl(server_.Url("/slow")) : HttpResponse{};
  for (auto& sender : senders) sender.join();
  ASSERT_TRUE(both_waiting);
  EXPECT_EQ(third.status, 429) << third.body;
  EXPECT_NE(third.body.find("media.url: 2 fetches by URL are under way; retry in 1 s"), std::string::npos)
      << third.body;
  for (const auto& answer : slow) {
    EXPECT_EQ(answer.status, 400) << answer.body;
    EXPECT_NE(answer.body.find("media.url: no answer within 2 s"), std::string::npos) << answer.body;
  }
  EXPECT_EQ(server_.requests().size(), 2u) << "the third never connected";
}

TEST_F(MediaFetchTest, UrlAndFileIdTogetherAreRefused) {
  Prepare(FetchEnv());
  auto answer = Send({{"to", "@bob"}, {"media", {{"url", server_.Url("/a")}, {"file_id", "file_x"}}}});
  EXPECT_EQ(answer.status, 400) << answer.body;
  EXPECT_NE(answer.body.find("not both"), std::string::npos) << answer.body;
  EXPECT_EQ(server_.connections(), 0);
}

}  // namespace
}  // namespace tgmux::testing
