#include "sim/testing/scripted_client.h"

#include <dlfcn.h>

#include <chrono>
#include <stdexcept>

#ifdef TGSIM_HAVE_CONFORMANCE
#include "sim/conformance/tdlib_schema.h"
#include "tests/support/build_paths.h"
#endif

namespace tgsim::testing {
namespace {

template <typename Fn>
Fn Symbol(void* handle, const char* name) {
  void* symbol = ::dlsym(handle, name);
  if (symbol == nullptr) throw std::runtime_error(std::string("missing symbol ") + name);
  return reinterpret_cast<Fn>(symbol);
}

#ifdef TGSIM_HAVE_CONFORMANCE
const conformance::Schema& PinnedSchema() {
  static const conformance::Schema schema = conformance::Schema::Load(TGMUX_TDLIB_TYPES);
  return schema;
}
#endif

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

}  // namespace

TdJsonLibrary::TdJsonLibrary(const std::string& path) {
  handle_ = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle_ == nullptr) throw std::runtime_error("dlopen " + path + ": " + ::dlerror());
  create_ = Symbol<int (*)()>(handle_, "td_create_client_id");
  send_ = Symbol<void (*)(int, const char*)>(handle_, "td_send");
  receive_ = Symbol<const char* (*)(double)>(handle_, "td_receive");
  execute_ = Symbol<const char* (*)(const char*)>(handle_, "td_execute");
}

void TdJsonLibrary::Check(const std::string& text, bool is_request) {
#ifdef TGSIM_HAVE_CONFORMANCE
  std::vector<std::string> problems;
  if (is_request) {
    json request = json::parse(text, nullptr, false);
    if (!request.is_discarded()) problems = PinnedSchema().ValidateRequest(request);
  } else {
    problems = PinnedSchema().ValidateOutputText(text);
  }
  for (const auto& problem : problems) violations_.push_back(problem + "  in  " + text.substr(0, 400));
#else
  (void)text;
  (void)is_request;
#endif
}

void TdJsonLibrary::CheckResponse(const std::string& function, const json& response) {
#ifdef TGSIM_HAVE_CONFORMANCE
  for (const auto& problem : PinnedSchema().ValidateResponse(function, response)) {
    violations_.push_back(problem + "  (response to " + function + ")");
  }
#else
  (void)function;
  (void)response;
#endif
}

void TdJsonLibrary::Send(int client_id, const std::string& request, bool check) {
  if (check) Check(request, true);
  send_(client_id, request.c_str());
}

std::string TdJsonLibrary::Execute(const std::string& request) const {
  const char* result = execute_(request.c_str());
  return result != nullptr ? result : "";
}

std::optional<json> TdJsonLibrary::Next(int client_id, double timeout) {
  auto start = std::chrono::steady_clock::now();
  for (;;) {
    auto& mine = backlog_[client_id];
    if (!mine.empty()) {
      json object = std::move(mine.front());
      mine.pop_front();
      return object;
    }
    double left = timeout - Seconds(start);
    if (left <= 0) return std::nullopt;
    const char* line = receive_(std::min(left, 0.1));
    if (line == nullptr) continue;
    std::string text = line;
    Check(text, false);
    json object = json::parse(text, nullptr, false);
    if (object.is_discarded()) {
      violations_.push_back("not JSON: " + text);
      continue;
    }
    backlog_[object.value("@client_id", 0)].push_back(std::move(object));
  }
}

ScriptedClient::ScriptedClient(TdJsonLibrary& library) : library_(library), id_(library.CreateClientId()) {}

void ScriptedClient::Send(const json& request) { library_.Send(id_, request.dump()); }
void ScriptedClient::SendRaw(const std::string& request) { library_.Send(id_, request, false); }

bool ScriptedClient::Pull(double timeout) {
  auto object = library_.Next(id_, timeout);
  if (!object) return false;
  log_.push_back(*object);
  unconsumed_.push_back(std::move(*object));
  return true;
}

std::optional<json> ScriptedClient::WaitFor(const std::function<bool(const json&)>& match, double timeout) {
  auto start = std::chrono::steady_clock::now();
  std::size_t checked = 0;
  for (;;) {
    for (; checked < unconsumed_.size(); ++checked) {
      if (match(unconsumed_[checked])) {
        json found = unconsumed_[checked];
        unconsumed_.erase(unconsumed_.begin() + static_cast<std::ptrdiff_t>(checked));
        return found;
      }
    }
    double left = timeout - Seconds(start);
    if (left <= 0 || !Pull(left)) return std::nullopt;
  }
}

std::optional<json> ScriptedClient::WaitForType(const std::string& type, double timeout) {
  return WaitFor([&](const json& o) { return o.value("@type", "") == type; }, timeout);
}

std::optional<json> ScriptedClient::WaitForAuthState(const std::string& state_type, double timeout) {
  return WaitFor([&](const json& o) {
    return o.value("@type", "") == "updateAuthorizationState" &&
           o["authorization_state"].value("@type", "") == state_type;
  }, timeout);
}

std::optional<json> ScriptedClient::Request(json request, double timeout) {
  std::string extra = "req-" + std::to_string(next_extra_++);
  request["@extra"] = extra;
  Send(request);
  auto response = WaitFor([&](const json& o) { return o.contains("@extra") && o["@extra"] == extra; }, timeout);
  if (response) library_.CheckResponse(request.value("@type", ""), *response);
  return response;
}

json ScriptedClient::RequestOk(json request, double timeout) {
  std::string type = request.value("@type", "");
  auto response = Request(std::move(request), timeout);
  if (!response) throw std::runtime_error(type + ": no response");
  if (response->value("@type", "") == "error") throw std::runtime_error(type + ": " + response->dump());
  return *response;
}

std::vector<json> ScriptedClient::Collect(double seconds) {
  std::size_t before = log_.size();
  auto start = std::chrono::steady_clock::now();
  while (Seconds(start) < seconds) Pull(seconds - Seconds(start));
  return std::vector<json>(log_.begin() + static_cast<std::ptrdiff_t>(before), log_.end());
}

}  // namespace tgsim::testing
