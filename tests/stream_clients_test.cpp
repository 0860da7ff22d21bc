// The event-stream test clients themselves: the webhook signature check
// against known answers (computed with Python's hmac), the webhook receiver's
// recording and status sequence, and the SSE reader against a scripted server
// that splits the chunked stream at awkward places.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <thread>

#include "crypto/secrets.h"
#include "tests/support/stream_clients.h"
#include "tests/support/tgmux_server.h"

namespace tgmux::testing {
namespace {

// python3 -c 'import hmac,hashlib; print(hmac.new(SECRET.encode(), (T+"."+BODY).encode(), hashlib.sha256).hexdigest())'
constexpr const char* kSecret = "whsec_3fK9pQ2xLmN7vR1tZ8yB";
constexpr const char* kT = "1763700000";
constexpr const char* kBody =
    R"({"seq":42,"id":"evt_01","type":"message.received","account_id":"acc_1","data":{"text":"h\u00e9llo"}})";
constexpr const char* kMac = "0cf604a21adfe4a6f66e04ad1e471f764868d5c7b55cfab6c56d9f8b249dc4f6";
// The same message under "k" * 100: a key longer than SHA-256's block is hashed first.
constexpr const char* kLongKeyMac = "851d9a7d8761eb27c0ea44a70f6a9ad502b901972f13cb461bc13e3cbd77064b";

std::string Header(const std::string& t, const std::string& mac) { return "t=" + t + ",v1=" + mac; }

TEST(StreamClientsSignatureTest, AcceptsKnownAnswers) {
  EXPECT_TRUE(VerifySignature(Header(kT, kMac), kBody, kSecret));
  EXPECT_TRUE(VerifySignature(Header(kT, kLongKeyMac), kBody, std::string(100, 'k')));
  // Several v1 entries (as during a secret rotation): one matching is enough.
  EXPECT_TRUE(VerifySignature(Header(kT, kLongKeyMac) + ",v1=" + kMac, kBody, kSecret));
}

TEST(StreamClientsSignatureTest, RefusesAnythingElse) {
  std::string body = kBody;
  EXPECT_FALSE(VerifySignature(Header(kT, kMac), body.replace(7, 2, "43"), kSecret));
  EXPECT_FALSE(VerifySignature(Header(kT, kMac), kBody, "whsec_other"));
  EXPECT_FALSE(VerifySignature(Header("1763700001", kMac), kBody, kSecret));
  EXPECT_FALSE(VerifySignature(Header(kT, std::string(kMac).substr(0, 62)), kBody, kSecret));
  EXPECT_FALSE(VerifySignature(Header(kT, std::string(kMac, 63) + "0"), kBody, kSecret));
  EXPECT_FALSE(VerifySignature(std::string("v1=") + kMac, kBody, kSecret));
  EXPECT_FALSE(VerifySignature(std::string("t=") + kT, kBody, kSecret));
  EXPECT_FALSE(VerifySignature(Header("-1", kMac), kBody, kSecret));
  EXPECT_FALSE(VerifySignature("", kBody, kSecret));
}

TEST(StreamClientsSignatureTest, MaxAgeRefusesOldTimestamps) {
  EXPECT_FALSE(VerifySignature(Header(kT, kMac), kBody, kSecret, std::chrono::seconds(300)));
  std::string now = std::to_string(std::time(nullptr));
  std::string fresh = Header(now, crypto::HmacSha256Hex(kSecret, now + "." + kBody));
  EXPECT_TRUE(VerifySignature(fresh, kBody, kSecret, std::chrono::seconds(300)));
}

TEST(StreamClientsWebhookTest, RecordsRequestsAndAnswersWithTheStatusSequence) {
  WebhookReceiver receiver;
  HttpClient client("127.0.0.1", receiver.port());
  auto post = [&](const std::string& body) {
    return client.Request("POST", "/hook?n=1", body, {{"X-Tgmux-Event-Id", "evt_1"}}).status;
  };
  EXPECT_EQ(post(R"({"seq":1})"), 200);  // the default
  receiver.SetStatuses({500, 503, 204});
  EXPECT_EQ(post(R"({"seq":2})"), 500);
  EXPECT_EQ(post(R"({"seq":3})"), 503);
  EXPECT_EQ(post(R"({"seq":4})"), 204);
  EXPECT_EQ(post(R"({"seq":5})"), 204);  // the last one repeats

  auto requests = receiver.WaitFor(5, std::chrono::seconds(5));
  ASSERT_EQ(requests.size(), 5u);
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].target, "/hook?n=1");
  EXPECT_EQ(requests[0].Header("x-tgmux-event-id"), "evt_1");
  EXPECT_EQ(requests[0].Header("content-type"), "application/json");
  for (int i = 0; i < 5; ++i) EXPECT_EQ(requests[i].body, "{\"seq\":" + std::to_string(i + 1) + "}");
  std::vector<int> answered;
  for (const auto& r : requests) answered.push_back(r.answered);
  EXPECT_EQ(answered, (std::vector<int>{200, 500, 503, 204, 204}));
  EXPECT_LE(requests[0].received_at, requests[4].received_at);
  EXPECT_EQ(receiver.Url(), "http://127.0.0.1:" + std::to_string(receiver.port()) + "/hook");
}

TEST(StreamClientsWebhookTest, ServesKeptAliveConnectionsAndWaitForTimesOut) {
  WebhookReceiver receiver;
  EXPECT_TRUE(receiver.WaitFor(1, std::chrono::milliseconds(50)).empty());
  std::string request = "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nab";
  std::string last = "POST /b HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 1\r\n\r\nc";
  std::string answers = HttpClient("127.0.0.1", receiver.port()).Raw(request + last);
  EXPECT_EQ(answers.find("HTTP/1.1 200"), 0u) << answers;
  EXPECT_NE(answers.find("HTTP/1.1 200", 1), std::string::npos) << answers;
  auto requests = receiver.Requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].body, "ab");
  EXPECT_EQ(requests[1].target, "/b");
}

TEST(StreamClientsWsTest, ReportsARefusedUpgradeWithItsStatusAndBody) {
  WebhookReceiver receiver;  // any HTTP server refuses the upgrade in its own way
  receiver.SetStatuses({401});
  WsClient ws;
  EXPECT_FALSE(ws.Connect(receiver.port(), "/v1/ws?types=x", {{"Authorization", "Bearer abc"}}));
  EXPECT_EQ(ws.status(), 401);
  EXPECT_EQ(ws.body(), "401\n");
  EXPECT_TRUE(ws.closed());
  EXPECT_FALSE(ws.Read(std::chrono::milliseconds(10)));
  auto requests = receiver.WaitFor(1, std::chrono::seconds(5));
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].target, "/v1/ws?types=x");
  EXPECT_EQ(requests[0].Header("authorization"), "Bearer abc");
  EXPECT_EQ(requests[0].Header("upgrade"), "websocket");
}

// Answers one connection with `pieces`, a few milliseconds apart, then waits
// for the client to leave.
class ScriptedServer {
 public:
  explicit ScriptedServer(std::vector<std::string> pieces) {
    listener_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    bind(listener_, reinterpret_cast<sockaddr*>(&address), size);
    listen(listener_, 1);
    getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &size);
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this, pieces = std::move(pieces)] { Serve(pieces); });
  }
  ~ScriptedServer() {
    thread_.join();
    close(listener_);
  }
  int port() const { return port_; }

 private:
  void Serve(const std::vector<std::string>& pieces) {
    pollfd ready{listener_, POLLIN, 0};
    if (poll(&ready, 1, 10000) != 1) return;
    int fd = accept(listener_, nullptr, nullptr);
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    char buffer[4096];
    std::string request;
    while (request.find("\r\n\r\n") == std::string::npos) {
      ssize_t n = recv(fd, buffer, sizeof buffer, 0);
      if (n <= 0) break;
      request.append(buffer, static_cast<std::size_t>(n));
    }
    for (const auto& piece : pieces) {
      send(fd, piece.data(), piece.size(), MSG_NOSIGNAL);
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    pollfd gone{fd, POLLIN, 0};
    poll(&gone, 1, 10000);
    close(fd);
  }

  int listener_ = -1;
  int port_ = 0;
  std::thread thread_;
};

std::string Chunk(const std::string& data) {
  char size[16];
  std::snprintf(size, sizeof size, "%zx", data.size());
  return std::string(size) + "\r\n" + data + "\r\n";
}

// `text` in pieces of `size` bytes.
std::vector<std::string> Split(const std::string& text, std::size_t size) {
  std::vector<std::string> out;
  for (std::size_t at = 0; at < text.size(); at += size) out.push_back(text.substr(at, size));
  return out;
}

TEST(StreamClientsSseTest, DecodesChunksSplitAnywhere) {
  std::string head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n";
  std::string body = Chunk(": keep-alive\n\n") + Chunk("id: 7\nevent: message.received\ndata: {\"seq\":7}\n\nid: 8\nev") +
                     Chunk("ent: x\ndata: {\"a\":\r\ndata: 1}\n\n: other comment\n\ndata: plain\n\n") + "0\r\n\r\n";
  ScriptedServer server(Split(head + body, 7));
  SseClient sse;
  ASSERT_TRUE(sse.Connect(server.port(), "/v1/events/stream?after=6", {{"Authorization", "Bearer abc"}}));
  EXPECT_EQ(sse.headers().at("content-type"), "text/event-stream");
  auto first = sse.NextEvent(std::chrono::seconds(5));
  ASSERT_TRUE(first);
  EXPECT_EQ(first->id, "7");
  EXPECT_EQ(first->event, "message.received");
  EXPECT_EQ(first->json(), nlohmann::json({{"seq", 7}}));
  auto second = sse.NextEvent(std::chrono::seconds(5));
  ASSERT_TRUE(second);
  EXPECT_EQ(second->id, "8");
  EXPECT_EQ(second->event, "x");
  EXPECT_EQ(second->data, "{\"a\":\n1}");
  auto third = sse.NextEvent(std::chrono::seconds(5));
  ASSERT_TRUE(third);
  EXPECT_EQ(third->id, "8");  // the last id carries over
  EXPECT_EQ(third->event, "message");
  EXPECT_EQ(third->data, "plain");
  EXPECT_FALSE(sse.NextEvent(std::chrono::seconds(5)));
  EXPECT_TRUE(sse.ended());
  EXPECT_EQ(sse.keep_alives(), 1);
}

TEST(StreamClientsSseTest, TimesOutWithoutEventsAndKeepsRefusals) {
  ScriptedServer open_stream({"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"});
  SseClient sse;
  ASSERT_TRUE(sse.Connect(open_stream.port(), "/"));
  EXPECT_FALSE(sse.NextEvent(std::chrono::milliseconds(100)));
  EXPECT_FALSE(sse.ended());
  sse.Close();

  std::string problem = R"({"code":"unauthorized"})";
  ScriptedServer refusing({"HTTP/1.1 401 Unauthorized\r\nContent-Length: " + std::to_string(problem.size()) +
                           "\r\n\r\n" + problem});
  SseClient refused;
  EXPECT_FALSE(refused.Connect(refusing.port(), "/"));
  EXPECT_EQ(refused.status(), 401);
  EXPECT_EQ(refused.body(), problem);
}

}  // namespace
}  // namespace tgmux::testing
