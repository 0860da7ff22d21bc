#include "api/http.h"

#include <atomic>

namespace tgmux::api {

std::string Request::Header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? std::string() : it->second;
}

nlohmann::json Request::JsonBody() const {
  if (body.empty()) return nlohmann::json::object();
  nlohmann::json parsed = nlohmann::json::parse(body, nullptr, false);
  if (parsed.is_discarded()) throw Error(ErrorCode::kInvalidRequest, "request body is not valid JSON");
  if (!parsed.is_object()) throw Error(ErrorCode::kInvalidRequest, "request body must be a JSON object");
  return parsed;
}

Response Response::Json(int status, const nlohmann::json& body) {
  Response r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

Response Response::Text(int status, std::string body, std::string content_type) {
  Response r;
  r.status = status;
  r.content_type = std::move(content_type);
  r.body = std::move(body);
  return r;
}

Response Response::NoContent() {
  Response r;
  r.status = 204;
  r.content_type.clear();
  return r;
}

std::string ProblemType(ErrorCode code) { return "/docs/errors#" + std::string(CodeName(code)); }

Response Response::Problem(const Error& error, const std::string& instance) {
  int status = HttpStatus(error.code());
  nlohmann::json body = {
      {"type", ProblemType(error.code())},
      {"title", std::string(CodeName(error.code()))},
      {"status", status},
      {"code", std::string(CodeName(error.code()))},
      {"detail", error.what()},
      {"instance", instance},
  };
  for (const auto& [key, value] : error.details().items()) body[key] = value;
  if (error.retry_after()) body["retry_after"] = *error.retry_after();
  Response r = Json(status, body);
  r.content_type = "application/problem+json";
  if (error.retry_after()) r.headers.emplace_back("Retry-After", std::to_string(*error.retry_after()));
  if (error.code() == ErrorCode::kUnauthorized) r.headers.emplace_back("WWW-Authenticate", "Bearer");
  return r;
}

struct Reply::State {
  std::function<void(Response)> deliver;
  std::atomic<bool> done{false};

  // Every request gets an answer: a handler that dropped its Reply unanswered
  // still releases the client.
  ~State() {
    if (!done.exchange(true)) {
      deliver(Response::Problem(Error(ErrorCode::kInternal, "the request was dropped without an answer"), ""));
    }
  }
};

Reply::Reply(std::function<void(Response)> deliver) : state_(std::make_shared<State>()) {
  state_->deliver = std::move(deliver);
}

void Reply::operator()(Response response) const {
  if (state_->done.exchange(true)) return;
  state_->deliver(std::move(response));
}

void Reply::Fail(const Error& error, const std::string& instance) const {
  (*this)(Response::Problem(error, instance));
}

}  // namespace tgmux::api
