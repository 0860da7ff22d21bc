// The HTTP types routes see. Beast stays inside http_server.cpp; routes work on
// these plain values and answer through a Reply that any thread may call once.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/error.h"
#include "service/auth/principal.h"

namespace tgmux::api {

struct FormUpload;

struct Request {
  std::string method;                         // "GET", "POST", ...
  std::string path;                           // percent-decoded, without the query
  std::map<std::string, std::string> query;   // percent-decoded
  std::map<std::string, std::string> headers; // names in lower case
  std::map<std::string, std::string> params;  // path parameters: "/v1/logins/{id}" gives "id"
  std::string body;
  // A multipart/form-data body on a route that takes uploads (Router::AddUpload):
  // its fields and sealed files instead of `body`.
  std::shared_ptr<FormUpload> form;
  std::string request_id;
  std::string remote_ip;  // the client's, through trusted proxies (api/client_address.h)
  bool secure = false;    // the client used https (a trusted proxy says so)
  // Forwarding headers from a peer that is not a trusted proxy: remote_ip is
  // that peer's, not the client's.
  bool untrusted_forward = false;
  // Who sent it; set by the router before a non-public route's handler runs.
  std::optional<service::Principal> principal;

  // Empty when absent.
  std::string Header(const std::string& lower_name) const;
  // The body as a JSON object; throws Error(invalid_request) naming the problem.
  nlohmann::json JsonBody() const;
};

// What a response sends after its headers when it goes on: Server-Sent Events
// text, or the messages of a WebSocket. The server asks for the next piece
// once the previous one is written.
class Stream {
 public:
  using Piece = std::function<void(std::optional<std::string>)>;
  virtual ~Stream() = default;
  // Calls `piece` once, from any thread, with the next piece to send, or with
  // nullopt to end the stream. Not called again before it answered.
  virtual void Next(Piece piece) = 0;
  // WebSocket: a text message from the client.
  virtual void Received(const std::string& /*message*/) {}
  // The client left, or the server stops: a pending Next need not answer.
  virtual void Closed() {}
};

// The `type` of a code's problems: a relative reference (RFC 9457 3.1.1) to the
// code's entry in the list of codes tgmux serves, "/docs/errors#flood_wait".
std::string ProblemType(ErrorCode code);

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  // When set, the body is the stream's pieces (sent chunked) instead of `body`;
  // with `websocket` the connection upgrades and each piece is one message.
  std::shared_ptr<Stream> stream;
  bool websocket = false;
  // When set, the body is `length` bytes of this file from `offset`, read as
  // they are sent (Content-Length is `length`).
  struct FileRange {
    std::filesystem::path path;
    std::uint64_t offset = 0;
    std::uint64_t length = 0;
  };
  std::optional<FileRange> file;

  static Response Json(int status, const nlohmann::json& body);
  static Response Text(int status, std::string body, std::string content_type = "text/plain; charset=utf-8");
  static Response NoContent();
  // RFC 9457 problem+json with the stable `code` (and Retry-After for flood waits).
  static Response Problem(const Error& error, const std::string& instance);
};

// Delivers the response; the first call wins, later calls are ignored.
class Reply {
 public:
  explicit Reply(std::function<void(Response)> deliver);
  void operator()(Response response) const;
  void Fail(const Error& error, const std::string& instance) const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

// A route handler. It may answer at once or keep the Reply and answer later from
// any thread. An exception thrown before answering becomes a problem response.
using Handler = std::function<void(const Request&, const Reply&)>;

}  // namespace tgmux::api
