// End-to-end: tgmux serving HTTPS itself (TGMUX_TLS_CERT / TGMUX_TLS_KEY,
// docs/deployment.md). Certificates are made here with Debian's openssl; the
// client connects to 127.0.0.1 and checks which certificate it was served,
// before and after the files are replaced and tgmux gets SIGHUP; a connection
// opened before the reload keeps working. Event streams work over TLS: SSE,
// and a WebSocket upgraded on a TLS connection whose frames carry the events.
// Bad files stop tgmux at start with exit status 2 and one line naming the
// setting.
#include <signal.h>

#include <fstream>

#include "tests/support/build_paths.h"
#include "tests/support/linked_gateway.h"
#include "tests/support/startup_errors.h"
#include "tests/support/tls_client.h"
#include "tests/support/wait.h"

namespace tgmux::testing {
namespace {

using nlohmann::json;

// A self-signed certificate for 127.0.0.1 with this common name, and its key, in `dir`.
struct CertFiles {
  std::filesystem::path cert, key;
};
CertFiles MakeCertificate(const std::filesystem::path& dir, const std::string& name) {
  CertFiles files{dir / (name + ".crt"), dir / (name + ".key")};
  Process openssl({build_paths::kOpenssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                   "-nodes", "-days", "2", "-subj", "/CN=" + name, "-addext", "subjectAltName=IP:127.0.0.1",
                   "-keyout", files.key.string(), "-out", files.cert.string()},
                  {}, dir);
  EXPECT_EQ(openssl.Wait(std::chrono::seconds(30)), 0) << openssl.Stderr();
  return files;
}

// Replaces `to` with `from`'s content at once (a rename, as a deploy tool or certbot would).
void Replace(const std::filesystem::path& from, const std::filesystem::path& to) {
  auto staged = to.string() + ".new";
  std::filesystem::copy_file(from, staged, std::filesystem::copy_options::overwrite_existing);
  std::filesystem::rename(staged, to);
}

class TlsTest : public LinkedGatewayTest {
 protected:
  // Starts tgmux on the simulator with `served` as its certificate (the files
  // tgmux reads are copies, replaced later).
  void StartTls(const CertFiles& served) {
    cert_ = dir_.path() / "tls.crt";
    key_ = dir_.path() / "tls.key";
    std::filesystem::copy_file(served.cert, cert_);
    std::filesystem::copy_file(served.key, key_);
    gateway_ = std::make_unique<TgmuxServer>(
        GatewayEnv({{"TGMUX_TLS_CERT", cert_.string()}, {"TGMUX_TLS_KEY", key_.string()}}), data_dir_);
    ASSERT_TRUE(gateway_->Start()) << gateway_->process().Stderr();
    EXPECT_NE(gateway_->process().Stdout().find("listening on https://127.0.0.1:"), std::string::npos)
        << gateway_->process().Stdout();
  }
  std::string Subject(TlsClient& client) {
    if (!client.Connect(gateway_->port())) return "no connection: " + client.error();
    return client.PeerSubject();
  }
  // Registers the first owner over TLS; returns "Bearer <access token>".
  std::string Owner(TlsClient& client) {
    auto answer = client.Request("POST", "/v1/auth/register",
                                 json{{"email", TgmuxServer::kOwnerEmail}, {"password", TgmuxServer::kOwnerPassword}}
                                     .dump(),
                                 {{"Content-Type", "application/json"}});
    EXPECT_EQ(answer.status, 201) << answer.body;
    auto tokens = json::parse(answer.body, nullptr, false);
    return tokens.is_object() ? "Bearer " + tokens.value("access_token", std::string()) : "";
  }

  std::filesystem::path cert_, key_;
};

TEST_F(TlsTest, ServesHttpsAndTakesANewCertificateOnSighupWithoutDroppingConnections) {
  auto first = MakeCertificate(dir_.path(), "first.tgmux.test");
  auto second = MakeCertificate(dir_.path(), "second.tgmux.test");
  StartTls(first);

  TlsClient open;  // kept open across the reload
  ASSERT_TRUE(open.Connect(gateway_->port())) << open.error();
  EXPECT_EQ(open.PeerSubject(), "/CN=first.tgmux.test");
  EXPECT_TRUE(open.Protocol() == "TLSv1.2" || open.Protocol() == "TLSv1.3") << open.Protocol();
  auto health = open.Request("GET", "/healthz");
  EXPECT_EQ(health.status, 200) << health.body;
  EXPECT_EQ(json::parse(health.body, nullptr, false), json({{"status", "ok"}})) << health.body;
  // Plain HTTP on the TLS port gets no HTTP answer.
  EXPECT_NE(gateway_->Anonymous().Get("/healthz").status, 200);

  Replace(second.cert, cert_);
  Replace(second.key, key_);
  ASSERT_EQ(::kill(gateway_->process().pid(), SIGHUP), 0);
  std::string subject;
  EXPECT_TRUE(WaitUntil([&] {
    TlsClient fresh;
    subject = Subject(fresh);
    return subject == "/CN=second.tgmux.test";
  }, std::chrono::seconds(10))) << subject;
  // The connection opened before still answers, on its old session.
  auto again = open.Request("GET", "/readyz");
  EXPECT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(open.PeerSubject(), "/CN=first.tgmux.test");

  // A broken file on the next SIGHUP: tgmux says so and keeps the certificate it has.
  std::ofstream(cert_.string() + ".new") << "not a certificate\n";
  std::filesystem::rename(cert_.string() + ".new", cert_);
  ASSERT_EQ(::kill(gateway_->process().pid(), SIGHUP), 0);
  EXPECT_TRUE(WaitUntil([&] {
    return gateway_->process().Stderr().find("TLS files not reloaded") != std::string::npos;
  }, std::chrono::seconds(10))) << gateway_->process().Stderr();
  EXPECT_NE(gateway_->process().Stderr().find("TGMUX_TLS_CERT"), std::string::npos);
  TlsClient after;
  EXPECT_EQ(Subject(after), "/CN=second.tgmux.test");
  EXPECT_EQ(after.Request("GET", "/healthz").status, 200);
  EXPECT_TRUE(gateway_->process().Running());
}

TEST_F(TlsTest, ServerSentEventsStreamOverTls) {
  StartTls(MakeCertificate(dir_.path(), "events.tgmux.test"));
  TlsClient api;
  ASSERT_TRUE(api.Connect(gateway_->port())) << api.error();
  std::string bearer = Owner(api);
  ASSERT_FALSE(bearer.empty());

  TlsClient stream;
  ASSERT_TRUE(stream.Connect(gateway_->port())) << stream.error();
  auto head = stream.OpenStream("/v1/events/stream?types=login.state", {{"Authorization", bearer}});
  ASSERT_EQ(head.status, 200);
  EXPECT_EQ(head.headers["content-type"], "text/event-stream");

  // A login started over the other connection is an event on the stream.
  const std::string phone = "+15550008001";
  CreateUser(phone, "Dora");
  auto login = api.Request("POST", "/v1/logins", json{{"method", "phone"}, {"phone", phone}}.dump(),
                           {{"Authorization", bearer}, {"Content-Type", "application/json"}});
  ASSERT_EQ(login.status, 201) << login.body;
  EXPECT_TRUE(stream.ReadUntil("event: login.state", std::chrono::seconds(10))) << stream.received();
  EXPECT_NE(stream.received().find("code_sent"), std::string::npos) << stream.received();
}

TEST_F(TlsTest, WebSocketEventsOverTls) {
  StartTls(MakeCertificate(dir_.path(), "socket.tgmux.test"));
  TlsClient api, socket;
  ASSERT_TRUE(api.Connect(gateway_->port())) << api.error();
  const std::string bearer = Owner(api);
  ASSERT_FALSE(bearer.empty());
  ASSERT_TRUE(socket.Connect(gateway_->port())) << socket.error();
  // The upgrade of RFC 6455's example: its key has a known accept value.
  auto head = socket.OpenStream("/v1/ws?types=login.state", {{"Authorization", bearer},
                                                               {"Connection", "Upgrade"},
                                                               {"Upgrade", "websocket"},
                                                               {"Sec-WebSocket-Version", "13"},
                                                               {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="}});
  ASSERT_EQ(head.status, 101) << socket.error();
  EXPECT_EQ(head.headers["sec-websocket-accept"], "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");

  // A login started over the other connection comes as a text message on the socket.
  const std::string phone = "+15550008002";
  CreateUser(phone, "Eve");
  auto login = api.Request("POST", "/v1/logins", json{{"method", "phone"}, {"phone", phone}}.dump(),
                           {{"Authorization", bearer}, {"Content-Type", "application/json"}});
  ASSERT_EQ(login.status, 201) << login.body;
  ASSERT_TRUE(socket.ReadUntil("code_sent", std::chrono::seconds(10))) << socket.received();
  // One unmasked text frame (0x81) from the server, holding the event.
  const std::string& frames = socket.received();
  ASSERT_FALSE(frames.empty());
  EXPECT_EQ(static_cast<unsigned char>(frames[0]), 0x81) << "a final text frame";
  EXPECT_EQ(static_cast<unsigned char>(frames[1]) & 0x80, 0) << "a server's frames are not masked";
  EXPECT_NE(frames.find("\"type\":\"login.state\""), std::string::npos) << frames;
}

TEST(TlsSettingsTest, BadFilesStopTgmuxWithOneLineNamingTheSetting) {
  TempDir dir;
  auto good = MakeCertificate(dir.path(), "good.tgmux.test");
  auto other = MakeCertificate(dir.path(), "other.tgmux.test");
  auto garbage = dir.path() / "garbage.pem";
  std::ofstream(garbage) << "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n";
  auto missing = dir.path() / "missing.pem";
  auto env = [&](const std::filesystem::path& cert, const std::filesystem::path& key) {
    std::map<std::string, std::string> out = {{"TGMUX_DATA_DIR", (dir.path() / "data").string()},
                                              {"TGMUX_LISTEN", "127.0.0.1:0"}};
    if (!cert.empty()) out["TGMUX_TLS_CERT"] = cert.string();
    if (!key.empty()) out["TGMUX_TLS_KEY"] = key.string();
    return out;
  };
  ExpectStopsWithOneLine(env(good.cert, {}), "TGMUX_TLS_KEY");
  ExpectStopsWithOneLine(env({}, good.key), "TGMUX_TLS_CERT");
  ExpectStopsWithOneLine(env(missing, good.key), "TGMUX_TLS_CERT=\"" + missing.string() + "\": cannot be read");
  ExpectStopsWithOneLine(env(good.cert, missing), "TGMUX_TLS_KEY=\"" + missing.string() + "\": cannot be read");
  ExpectStopsWithOneLine(env(garbage, good.key), "TGMUX_TLS_CERT=\"" + garbage.string() + "\": not a PEM certificate");
  ExpectStopsWithOneLine(env(good.cert, good.cert), "TGMUX_TLS_KEY=\"" + good.cert.string() + "\"");
  ExpectStopsWithOneLine(env(good.cert, other.key), "does not match the certificate of TGMUX_TLS_CERT");
}

}  // namespace
}  // namespace tgmux::testing
