// A tiny HTTP/1.1 file server for fetch-by-URL tests: plain sockets, one
// thread per connection, listening on a loopback address only (127.0.0.0/8 or
// ::1). It answers each path as programmed (a file, a redirect, a status, a
// body announced too large, chunked, or no answer at all) and counts every
// connection it accepts, so that a test can prove nobody connected. Thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace tgmux::testing {

// What the server answers on one path.
struct ServedFile {
  enum class Framing { kLength, kChunked, kClose };

  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;  // Content-Type, Location, Content-Disposition ...
  std::string body;
  Framing framing = Framing::kLength;
  std::optional<std::uint64_t> declared_length;  // Content-Length announced instead of body.size()
  bool hang_after_head = false;  // send the head, then nothing until the client goes
  bool silent = false;           // read the request, never answer

  static ServedFile Redirect(const std::string& location, int status = 302) {
    ServedFile out;
    out.status = status;
    out.headers = {{"Location", location}};
    return out;
  }
};

class FileServer {
 public:
  // Listens on `address` ("127.0.0.1", "127.0.0.2", "::1"); port 0 picks a
  // free one. listening() is false when the address cannot be bound (a host
  // without IPv6).
  explicit FileServer(const std::string& address = "127.0.0.1", int port = 0);
  ~FileServer();
  FileServer(const FileServer&) = delete;
  FileServer& operator=(const FileServer&) = delete;

  bool listening() const;
  int port() const;
  // http://127.0.0.1:PORT/path, or http://[::1]:PORT/path.
  std::string Url(const std::string& path) const;

  // What later requests for `path` (the target without its query) get;
  // unknown paths get 404.
  void Serve(const std::string& path, ServedFile file);
  // Connections accepted so far, and the targets requested, in order.
  int connections() const;
  std::vector<std::string> requests() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tgmux::testing
