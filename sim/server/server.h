#pragma once
// tgsim's listener: one port for the control API (HTTP JSON under /control) and for
// library connections (HTTP upgrade on /lib, then newline-delimited frames).
#include <cstdint>

#include "sim/engine/world.h"
#include "sim/server/asio.h"

namespace tgsim {

// Binds 127.0.0.1:port (0: any free port) and returns the bound port.
std::uint16_t StartServer(boost::asio::io_context& io, World& world, std::uint16_t port);

// Timers and clock on the io_context.
class AsioScheduler : public Scheduler {
 public:
  explicit AsioScheduler(boost::asio::io_context& io) : io_(io) {}
  std::uint64_t After(double seconds, std::function<void()> fn) override;
  void Cancel(std::uint64_t timer_id) override;
  std::int64_t Now() override;

 private:
  boost::asio::io_context& io_;
  std::map<std::uint64_t, std::shared_ptr<boost::asio::steady_timer>> timers_;
  std::uint64_t next_id_ = 1;
};

}  // namespace tgsim
