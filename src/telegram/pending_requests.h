// The requests a ClientHub has sent and not yet seen answered, keyed by the
// @extra it gave them, with their deadlines. Not thread-safe: the hub's mutex
// guards it.
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <unordered_map>
#include <utility>
#include <vector>

#include "telegram/result.h"

namespace tgmux::telegram {

// Gets the answer to one request, or the mapped error.
using ResultHandler = std::function<void(Result<nlohmann::json> answer)>;

class PendingRequests {
 public:
  using Clock = std::chrono::steady_clock;

  struct Expired {
    std::uint64_t extra;
    int client_id;
    ResultHandler done;
    std::chrono::milliseconds budget;
  };

  // Registers a request due by now + budget; returns its @extra (1, 2, 3, ...).
  std::uint64_t Add(int client_id, ResultHandler done, Clock::time_point now,
                    std::chrono::milliseconds budget);
  // The handler of an answered request; nullopt when it is unknown (late,
  // already expired) — the caller drops such an answer.
  std::optional<ResultHandler> Take(std::uint64_t extra);
  // The earliest request whose deadline is at or before `now`.
  std::optional<Expired> TakeExpired(Clock::time_point now);
  // Every request of one client, or of all clients.
  std::vector<ResultHandler> TakeClient(int client_id);
  std::vector<ResultHandler> TakeAll();

  std::optional<Clock::time_point> NextDeadline() const;
  std::size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    int client_id;
    ResultHandler done;
    Clock::time_point deadline;
    std::chrono::milliseconds budget;
  };

  std::unordered_map<std::uint64_t, Entry> entries_;
  std::set<std::pair<Clock::time_point, std::uint64_t>> deadlines_;
  std::uint64_t next_extra_ = 1;
};

}  // namespace tgmux::telegram
