// A TLS client for end-to-end tests of tgmux's own HTTPS (TGMUX_TLS_CERT):
// OpenSSL over a socket to 127.0.0.1, every read and write bounded by a
// deadline. It trusts any certificate (the test checks the one it got) and
// keeps its connection open between requests (keep-alive). Not thread-safe.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>

namespace tgmux::testing {

struct TlsAnswer {
  int status = 0;  // 0: no answer (the connection failed or closed)
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
};

class TlsClient {
 public:
  TlsClient();
  ~TlsClient();
  TlsClient(const TlsClient&) = delete;
  TlsClient& operator=(const TlsClient&) = delete;

  // Connects to 127.0.0.1:port and completes the handshake; false (with
  // error() saying why) when either fails.
  bool Connect(int port, std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // The server certificate's subject, as "CN = ..." lines of OpenSSL's one-line form.
  std::string PeerSubject() const;
  // The negotiated protocol, e.g. "TLSv1.3".
  std::string Protocol() const;
  // One request on the open connection; a body answer is read whole
  // (Content-Length). Headers are sent as given, plus Host and Content-Length.
  TlsAnswer Request(const std::string& method, const std::string& target, const std::string& body = "",
                    const std::map<std::string, std::string>& headers = {},
                    std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Sends a request and reads only its answer's head (for a stream such as SSE).
  TlsAnswer OpenStream(const std::string& target, const std::map<std::string, std::string>& headers,
                       std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Reads the stream until `text` was received or `timeout` passed; true when it was.
  bool ReadUntil(const std::string& text, std::chrono::milliseconds timeout);
  void Close();

  const std::string& error() const { return error_; }
  const std::string& received() const { return received_; }  // what ReadUntil got so far

 private:
  bool Fill(std::chrono::steady_clock::time_point deadline);
  bool WriteAll(const std::string& data, std::chrono::steady_clock::time_point deadline);
  TlsAnswer ReadHead(std::chrono::steady_clock::time_point deadline);

  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string buffer_;    // read, not yet consumed
  std::string received_;  // a stream's text after its head
  std::string error_;
};

}  // namespace tgmux::testing
