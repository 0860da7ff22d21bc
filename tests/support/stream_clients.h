// Consumers of tgmux's event log for end-to-end tests and benchmarks: a
// Server-Sent Events reader, a WebSocket reader, and a webhook receiver with
// the signature check a customer would write. All of them talk to 127.0.0.1
// only and never wait without a deadline.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace tgmux::testing {

using HeaderMap = std::map<std::string, std::string>;

struct SseEvent {
  std::string id;     // the last `id:` seen, as the SSE spec keeps it
  std::string event;  // "message" when the event named no type
  std::string data;   // `data:` lines joined with "\n"
  nlohmann::json json() const;  // data parsed; throws on invalid JSON
};

// A TCP connection to 127.0.0.1:port, or -1.
int ConnectLoopback(int port);

// One GET of a text/event-stream, read over a plain socket with its own
// chunked decoding. Not thread-safe: one thread drives it.
class SseClient {
 public:
  SseClient() = default;
  ~SseClient() { Close(); }
  SseClient(const SseClient&) = delete;
  SseClient& operator=(const SseClient&) = delete;

  // Sends the GET with `headers` (e.g. Authorization, Last-Event-ID) and reads
  // the response head. True for a 200; otherwise status() (0: no answer) and
  // body() tell why, and the connection is closed. Once per client.
  bool Connect(int port, const std::string& target, const HeaderMap& headers = {},
               std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // The next event; comments are skipped (": keep-alive" ones counted).
  // nullopt when `timeout` passes first or the stream ended (see ended()).
  // Lines may end in "\n" or "\r\n"; broken chunked framing throws
  // std::runtime_error.
  std::optional<SseEvent> NextEvent(std::chrono::milliseconds timeout);
  void Close();

  int status() const { return status_; }
  const std::string& body() const { return body_; }      // a refusal's body
  const HeaderMap& headers() const { return headers_; }  // names in lower case
  int keep_alives() const { return keep_alives_; }
  bool ended() const { return ended_; }  // last chunk, or the server closed

 private:
  bool ReadHead(std::chrono::steady_clock::time_point deadline);
  bool Fill(std::chrono::steady_clock::time_point deadline);
  void Decode();
  bool DecodeChunk();
  std::optional<SseEvent> Feed(const std::string& line);

  int fd_ = -1;
  int status_ = 0;
  HeaderMap headers_;
  std::string body_;
  std::string raw_;   // received, not yet de-chunked
  std::string text_;  // de-chunked, not yet split into lines
  bool chunked_ = false;
  std::optional<std::size_t> remaining_;  // of a Content-Length body
  bool ended_ = false;
  int keep_alives_ = 0;
  SseEvent building_;  // the event whose lines are being read
  bool has_data_ = false;
  std::string last_id_;
};

// A WebSocket client (Boost.Beast) whose reads have deadlines: a background
// thread reads every message into a queue, so a Read that times out leaves the
// connection intact. Read and Send may run on different threads; neither
// concurrently with itself, nor with Connect or Close.
class WsClient {
 public:
  WsClient();
  ~WsClient();
  WsClient(const WsClient&) = delete;
  WsClient& operator=(const WsClient&) = delete;

  // Connects and does the upgrade with `headers` added. True when the server
  // switched protocols; otherwise status() (0: no answer) and body() hold the
  // refusal, e.g. 401 without a token.
  bool Connect(int port, const std::string& target, const HeaderMap& headers = {},
               std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // The next message; nullopt when `timeout` passes first or once the
  // connection closed and every message was read (closed() tells which).
  std::optional<std::string> Read(std::chrono::milliseconds timeout);
  // Sends a text message; false when the connection is gone.
  bool Send(const std::string& text);
  // Sends a close frame and waits (briefly) for the server's; idempotent.
  void Close();

  int status() const;
  std::string body() const;
  bool closed() const;  // the server closed, the connection failed, or Close()
  int close_code() const;  // the server's close frame code, 0 when none

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

struct ReceivedRequest {
  std::string method;
  std::string target;
  HeaderMap headers;  // names in lower case
  std::string body;
  std::chrono::steady_clock::time_point received_at;
  int answered = 0;  // the status the receiver answered with
  int connection = 0;  // which connection it came on: 1 for the first accepted, and so on

  std::string Header(const std::string& lower_name) const;
};

// An HTTP server on 127.0.0.1 (port 0) serving on its own thread from
// construction to destruction: records every request and answers it with the
// next status of a programmable sequence. Thread-safe.
class WebhookReceiver {
 public:
  WebhookReceiver();
  ~WebhookReceiver();
  WebhookReceiver(const WebhookReceiver&) = delete;
  WebhookReceiver& operator=(const WebhookReceiver&) = delete;

  int port() const;
  std::string Url(const std::string& path = "/hook") const;  // http://127.0.0.1:PORT/hook

  // The statuses (200-599) for the next requests, in order; the last one
  // repeats. Empty (the default): always 200.
  void SetStatuses(std::vector<int> statuses);
  // Waits this long before answering each later request (to provoke timeouts).
  void SetDelay(std::chrono::milliseconds delay);
  // Answers each later request with answer(body) instead (on the receiver's thread).
  void SetAnswer(std::function<int(const std::string& body)> answer);
  // Closes each connection right after its answer, though the answer allows
  // keep-alive: as a receiver that closes idle connections does.
  void CloseAfterEachAnswer();
  // Holds the answers of later requests until Release (they are recorded at once).
  void Hold();
  void Release();
  // Every request so far, once at least `count` arrived or `timeout` passed.
  std::vector<ReceivedRequest> WaitFor(std::size_t count, std::chrono::milliseconds timeout) const;
  std::vector<ReceivedRequest> Requests() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Checks an X-Tgmux-Signature header ("t=<unix>,v1=<hex>", more v1= entries
// allowed) against the raw body: v1 must be the HMAC-SHA256 of "<t>.<body>"
// keyed with `secret`, compared in constant time. With `max_age`, t must also
// be no further than that from now (replay protection).
bool VerifySignature(const std::string& header, const std::string& body, const std::string& secret,
                     std::optional<std::chrono::seconds> max_age = std::nullopt);

}  // namespace tgmux::testing
