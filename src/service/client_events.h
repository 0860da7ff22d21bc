// Forwards one TDLib client's callbacks to whoever owns the account at the
// moment: the login that is linking it, then the account service. The owner
// can change while the client runs. Thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <mutex>

#include "telegram/account_client.h"

namespace tgmux::service {

class ClientEvents {
 public:
  using StateHandler = std::function<void(const telegram::AuthState&)>;
  using ClosedHandler = std::function<void(telegram::ClosedReason)>;

  void Set(StateHandler on_state, ClosedHandler on_closed) {
    std::lock_guard lock(mutex_);
    on_state_ = std::move(on_state);
    on_closed_ = std::move(on_closed);
  }

  // Callbacks for AccountClient::Create that go through this object.
  static telegram::AccountCallbacks Bind(const std::shared_ptr<ClientEvents>& events) {
    return {[events](const telegram::AuthState& s) { events->State(s); },
            [events](telegram::ClosedReason r) { events->Closed(r); }};
  }

 private:
  void State(const telegram::AuthState& state) {
    StateHandler handler;
    {
      std::lock_guard lock(mutex_);
      handler = on_state_;
    }
    if (handler) handler(state);
  }
  void Closed(telegram::ClosedReason reason) {
    ClosedHandler handler;
    {
      std::lock_guard lock(mutex_);
      handler = on_closed_;
    }
    if (handler) handler(reason);
  }

  std::mutex mutex_;
  StateHandler on_state_;
  ClosedHandler on_closed_;
};

}  // namespace tgmux::service
