// The TDLib C JSON interface (td_create_client_id, td_send, td_receive,
// td_execute) behind a pure interface, so that tests can fake it and the same
// code drives the real libtdjson or the simulator's libtdjson_sim.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

namespace tgmux::telegram {

class TdJson {
 public:
  virtual ~TdJson() = default;

  // A new client id (1, 2, 3, ...; never reused). Costs nothing until the first
  // Send to it. Any thread.
  virtual int CreateClientId() = 0;
  // Queues a JSON request for a client. Any thread.
  virtual void Send(int client_id, std::string_view request) = 0;
  // The next update or answer of any client, or nullptr after `timeout_seconds`.
  // The text stays valid until the next Receive or Execute on the same thread.
  // Only one thread may ever be inside Receive: TDLib aborts the process on a
  // concurrent caller (ClientHub owns that thread).
  virtual const char* Receive(double timeout_seconds) = 0;
  // Runs a synchronous request (getOption "version", setLogVerbosityLevel, ...).
  // Any thread.
  virtual std::string Execute(std::string_view request) = 0;
};

// The library could not be used: one line with the path and the reason.
class TdJsonLoadError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Loads libtdjson (or a drop-in such as libtdjson_sim.so) with
// dlopen(RTLD_NOW | RTLD_LOCAL), resolves the four functions of the new
// interface and sets TDLib's log verbosity (0 fatal .. 5 debug; TDLib's own
// default 5 floods stderr) before anything else runs. The library is never
// unloaded: TDLib's worker threads and static destructors outlive any owner.
// Throws TdJsonLoadError.
std::unique_ptr<TdJson> LoadTdJson(const std::string& path, int log_verbosity = 1);

}  // namespace tgmux::telegram
