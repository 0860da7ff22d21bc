// An HTTP request into the gateway's REAL routes: the router of tgmux serve
// with every native /v1 route, the compatibility APIs (docs/compat.md) and
// the MCP endpoint registered over the real services (fuzz/api_gateway.h: a
// temporary SQLite store, a stub libtdjson that refuses every request at
// once). The request goes the server's way (api/http_server.cpp): an upload
// route's multipart body is received into a form (api/form_upload.h), a quick
// route may answer from memory, else the router authenticates and dispatches
// it; a handler may answer from another thread, which this target waits for.
//
// Every request must get exactly one answer within kAnswerDeadline; never 500
// (a handler threw something other than tgmux::Error, or dropped its Reply);
// a 4xx or 5xx of the native API carries a problem+json body with its code;
// JSON bodies (but empty ones) parse. ASan and UBSan reports are crashes.
//
// Credentials: header values (and bodies) may name "$OWNER", "$ADMIN",
// "$OPERATOR" and "$CSRF", replaced by an owner's access token, API keys of
// those roles and the owner's CSRF token (for "Cookie: tgmux_session=$OWNER");
// any other credential is refused like a stranger's, and one a request
// revoked (a logout) is made anew after it is refused. Seeded rows have fixed
// ids: account acc_fuzz in pool "sales" (its client runs only once a request
// disables and enables it), bot bot_fuzz (disabled), subscriber sub_fuzz,
// webhook whk_fuzz, watch rule wr_fuzz, dialog dlg_fuzz; one a request
// deletes is put back after it.
//
// Left out, and why: what blocks by design is answered at once instead
// (long-polls, sends with ?wait, the compatibility APIs' and MCP's sends
// answer with what is there, as when tgmux stops); SSE and WebSocket answers
// are closed after their headers (a WebSocket's once the body was its first
// message): their streaming is the server's. Telegram never answers a login
// or a running client but with an error, so the login steps past the first
// and everything of a live account (chats, history, files, edits) end early
// (the http_request target's stand-ins read those bodies). Webhook
// deliveries, media fetched by URL (off), several nodes (/v1/cluster is a
// single node's here), the dashboard's files and the OpenAPI document are
// not started or not registered.
//
// Input: "METHOD TARGET\n", header lines "name: value\n", an empty line, the body
// (fuzz/http_input.h). With API_ROUTES_VERBOSE=1 in the environment each answer's
// status and first bytes are printed (to see how far a seed gets), and the
// gateway's errors are logged (what a 500 threw).
#include <spdlog/spdlog.h>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "api/form_upload.h"
#include "api/multipart.h"
#include "fuzz/api_gateway.h"
#include "fuzz/check.h"
#include "fuzz/http_input.h"

namespace {

using namespace tgmux;
using nlohmann::json;

// Well under fuzz/run's -timeout (10 s): a request left unanswered this long is a hang.
constexpr auto kAnswerDeadline = std::chrono::seconds(8);

fuzz::ApiGateway* gateway = nullptr;
bool verbose = false;

// The answer of one request, from whichever thread gives it.
struct Answer {
  std::mutex mutex;
  std::condition_variable given;
  std::optional<api::Response> response;
  int count = 0;
};

std::string WithPlaceholders(std::string text) {
  for (const auto& [name, value] : gateway->placeholders()) {
    for (auto at = text.find(name); at != std::string::npos; at = text.find(name, at + value.size())) {
      text.replace(at, name.size(), value);
    }
  }
  return text;
}

// What the server does between reading a request's head and a handler.
void Serve(api::Request request, const api::Reply& reply) {
  auto& router = gateway->router();
  try {
    if (router.TakesUpload(request)) {
      if (auto boundary = api::FormDataBoundary(request.Header("content-type"))) {
        api::FormUploadSink sink(gateway->services().spool.upload_dir());
        api::MultipartParser parser(*boundary, sink);
        parser.Feed(request.body);
        parser.Finish();
        request.form = sink.Take();
        request.body.clear();
      }
    }
  } catch (const Error& e) {
    return reply.Fail(e, request.path);
  }
  if (auto quick = router.TryQuick(request)) return reply(std::move(*quick));
  router.Dispatch(std::move(request), reply);
}

[[noreturn]] void Broken(const char* what, const std::string& method, const std::string& path,
                         const api::Response& response) {
  std::fprintf(stderr, "api_routes: invariant broken: %s: %s %s answered %d: %.2000s\n", what, method.c_str(),
               path.c_str(), response.status, response.body.c_str());
  std::abort();
}

void CheckAnswer(const std::string& method, const std::string& path, const api::Response& response) {
  if (response.status < 100 || response.status >= 600) Broken("no such status", method, path, response);
  // A handler threw something other than tgmux::Error, or dropped its Reply.
  if (response.status == 500) Broken("internal error", method, path, response);
  const std::string_view type = response.content_type;
  const bool problem = type == "application/problem+json";
  // (An empty body is no body: MCP's 202 for a notification has none.)
  if ((type == "application/json" || problem) && !response.body.empty()) {
    if (json::parse(response.body, nullptr, false).is_discarded()) {
      Broken("a body that is not JSON", method, path, response);
    }
  }
  if (response.status >= 400 && path.starts_with("/v1/")) {
    if (!problem) Broken("an error without a problem body", method, path, response);
    auto body = json::parse(response.body);
    if (!body.contains("code") || body["status"] != response.status) {
      Broken("a problem without its code or status", method, path, response);
    }
  }
}

void Stop() {
  delete gateway;  // like tgmux serve's end: every client closed, waiters answered
  gateway = nullptr;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  verbose = std::getenv("API_ROUTES_VERBOSE") != nullptr;
  // Every request is logged, and a few secrets at start on purpose; a 500's reason is an error.
  spdlog::set_level(verbose ? spdlog::level::err : spdlog::level::off);
  gateway = new fuzz::ApiGateway();
  std::atexit(Stop);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  api::Request request = fuzz::ReadRequest(WithPlaceholders(input));
  request.request_id = gateway->ids().Accept(request.Header("x-request-id"));
  request.remote_ip = "127.0.0.1";
  const std::string method = request.method, path = request.path, body = request.body;
  auto answer = std::make_shared<Answer>();
  api::Reply reply([answer](api::Response response) {
    std::lock_guard lock(answer->mutex);
    ++answer->count;
    answer->response = std::move(response);
    answer->given.notify_all();
  });
  Serve(std::move(request), reply);
  reply = api::Reply([](api::Response) {});  // ours is released: a handler that dropped its Reply shows as 500
  std::unique_lock lock(answer->mutex);
  if (!answer->given.wait_for(lock, kAnswerDeadline, [&answer] { return answer->count > 0; })) {
    std::fprintf(stderr, "api_routes: invariant broken: %s %s: no answer within %lld s\n", method.c_str(), path.c_str(),
                 static_cast<long long>(kAnswerDeadline.count()));
    std::abort();
  }
  FUZZ_CHECK(answer->count == 1);
  if (verbose) {
    std::fprintf(stderr, "api_routes: %s %s: %d %.300s\n", method.c_str(), path.c_str(), answer->response->status,
                 answer->response->body.c_str());
  }
  CheckAnswer(method, path, *answer->response);
  if (auto& stream = answer->response->stream) {
    if (answer->response->websocket) stream->Received(body);  // the client's first message (a new cursor)
    stream->Closed();  // the client left
  }
  const bool refused = answer->response->status == 401;
  lock.unlock();
  gateway->Reseed();
  if (refused && input.find('$') != std::string::npos) gateway->RenewCredentials();
  return 0;
}
