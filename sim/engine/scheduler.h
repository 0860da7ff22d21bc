#pragma once
// Time for the engine: timers and the clock, so that the engine stays free of I/O.
#include <cstdint>
#include <functional>

namespace tgsim {

class Scheduler {
 public:
  virtual ~Scheduler() = default;
  // Runs fn on the engine's thread after `seconds`; the id can cancel it.
  virtual std::uint64_t After(double seconds, std::function<void()> fn) = 0;
  virtual void Cancel(std::uint64_t timer_id) = 0;
  virtual std::int64_t Now() = 0;  // unix time, seconds
};

// Where a client's output lines go: the library connection it came from.
class LineSink {
 public:
  virtual ~LineSink() = default;
  virtual void SendLine(std::string line) = 0;
};

}  // namespace tgsim
