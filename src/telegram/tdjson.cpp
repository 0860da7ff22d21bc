#include "telegram/tdjson.h"

#include <dlfcn.h>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace tgmux::telegram {
namespace {

using CreateClientIdFn = int (*)();
using SendFn = void (*)(int, const char*);
using ReceiveFn = const char* (*)(double);
using ExecuteFn = const char* (*)(const char*);

class DlTdJson final : public TdJson {
 public:
  DlTdJson(CreateClientIdFn create, SendFn send, ReceiveFn receive, ExecuteFn execute)
      : create_(create), send_(send), receive_(receive), execute_(execute) {}

  int CreateClientId() override { return create_(); }

  void Send(int client_id, std::string_view request) override {
    // The C interface wants a NUL-terminated string.
    std::string text(request);
    send_(client_id, text.c_str());
  }

  const char* Receive(double timeout_seconds) override {
    // TDLib aborts the whole process when two threads are inside td_receive
    // (say, two ClientHubs alive at once). Refuse the second one instead.
    static std::atomic<bool> inside{false};
    if (inside.exchange(true)) {
      spdlog::error("telegram: td_receive called from two threads at once; refused");
      std::this_thread::sleep_for(std::chrono::duration<double>(timeout_seconds));
      return nullptr;
    }
    const char* text = receive_(timeout_seconds);
    inside = false;
    return text;
  }

  std::string Execute(std::string_view request) override {
    std::string text(request);
    const char* answer = execute_(text.c_str());
    return answer == nullptr ? std::string() : std::string(answer);
  }

 private:
  CreateClientIdFn create_;
  SendFn send_;
  ReceiveFn receive_;
  ExecuteFn execute_;
};

std::string DlError() {
  const char* text = dlerror();
  return text == nullptr ? "unknown error" : text;
}

template <class Fn>
Fn Resolve(void* handle, const std::string& path, const char* name) {
  dlerror();  // clear a stale error so that a NULL symbol is not misreported
  void* symbol = dlsym(handle, name);
  if (symbol == nullptr) {
    throw TdJsonLoadError("libtdjson " + path + " lacks " + name + ": " + DlError());
  }
  return reinterpret_cast<Fn>(symbol);
}

void SetLogVerbosity(TdJson& td, const std::string& path, int level) {
  nlohmann::json request = {{"@type", "setLogVerbosityLevel"}, {"new_verbosity_level", level}};
  auto answer = nlohmann::json::parse(td.Execute(request.dump()), nullptr, false);
  if (answer.is_discarded() || answer.value("@type", "") != "ok") {
    throw TdJsonLoadError("libtdjson " + path + " refused log verbosity " +
                          std::to_string(level) + ": " +
                          (answer.is_discarded() ? "no answer" : answer.value("message", "")));
  }
}

}  // namespace

std::unique_ptr<TdJson> LoadTdJson(const std::string& path, int log_verbosity) {
  // Never dlclose'd (see the header), so the handle is deliberately not kept.
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    throw TdJsonLoadError("cannot load libtdjson " + path + ": " + DlError());
  }
  // One by one, so that the first missing function is the one reported.
  auto create = Resolve<CreateClientIdFn>(handle, path, "td_create_client_id");
  auto send = Resolve<SendFn>(handle, path, "td_send");
  auto receive = Resolve<ReceiveFn>(handle, path, "td_receive");
  auto execute = Resolve<ExecuteFn>(handle, path, "td_execute");
  auto td = std::make_unique<DlTdJson>(create, send, receive, execute);
  SetLogVerbosity(*td, path, log_verbosity);
  return td;
}

}  // namespace tgmux::telegram
