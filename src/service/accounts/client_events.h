// Forwards one TDLib client's callbacks to whoever owns the account at the
// moment: the login that is linking it, then the account service. The owner
// can change while the client runs. Thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "service/accounts/account_observer.h"
#include "telegram/account_client.h"

namespace tgmux::service {

class ClientEvents {
 public:
  using StateHandler = std::function<void(const telegram::AuthState&)>;
  using ClosedHandler = std::function<void(telegram::ClosedReason)>;
  using ConnectionHandler = std::function<void(telegram::ConnectionState)>;
  // Observers never change once the gateway runs (AccountService::AddObserver).
  using Observers = std::vector<AccountObserver*>;

  void Set(StateHandler on_state, ClosedHandler on_closed) {
    std::lock_guard lock(mutex_);
    on_state_ = std::move(on_state);
    on_closed_ = std::move(on_closed);
  }
  void SetConnection(ConnectionHandler on_connection) {
    std::lock_guard lock(mutex_);
    on_connection_ = std::move(on_connection);
  }
  // Messages of the client go to `observers` under `account_id` from now on
  // (before this, during a login, they go nowhere).
  void Observe(std::string account_id, const Observers* observers) {
    std::lock_guard lock(mutex_);
    account_id_ = std::move(account_id);
    observers_ = observers;
  }

  // Callbacks for AccountClient::Create that go through this object.
  static telegram::AccountCallbacks Bind(const std::shared_ptr<ClientEvents>& events) {
    using telegram::Message;
    telegram::AccountCallbacks c{[events](const telegram::AuthState& s) { events->State(s); },
                                 [events](telegram::ClosedReason r) { events->Closed(r); }};
    c.on_connection_state = [events](telegram::ConnectionState s) { events->Connection(s); };
    c.on_new_message = [events](const Message& m) {
      Message annotated = m;
      events->Each([&](AccountObserver& o, const std::string& id) { o.Annotate(id, annotated); });
      events->Each([&](AccountObserver& o, const std::string& id) { o.OnMessage(id, annotated); });
    };
    c.on_message_edited = [events](const telegram::MessageEdit& e) {
      events->Each([&](AccountObserver& o, const std::string& id) { o.OnMessageEdited(id, e); });
    };
    c.on_messages_deleted = [events](std::int64_t chat, const std::vector<std::int64_t>& ids) {
      events->Each([&](AccountObserver& o, const std::string& id) { o.OnMessagesDeleted(id, chat, ids); });
    };
    c.on_chat_read_inbox = [events](std::int64_t chat, std::int64_t last_read, int unread) {
      events->Each([&](AccountObserver& o, const std::string& id) { o.OnChatRead(id, chat, last_read, unread); });
    };
    c.on_chat_read_outbox = [events](std::int64_t chat, std::int64_t last_read) {
      events->Each([&](AccountObserver& o, const std::string& id) { o.OnPeerRead(id, chat, last_read); });
    };
    c.on_send_result = [events](std::int64_t chat, std::int64_t temporary_id, const telegram::Result<Message>& r) {
      telegram::Result<Message> annotated = r;
      if (annotated.ok()) {
        events->Each([&](AccountObserver& o, const std::string& id) { o.Annotate(id, annotated.value()); });
      }
      events->Each([&](AccountObserver& o, const std::string& id) {
        o.OnSendResult(id, chat, temporary_id, annotated);
      });
    };
    return c;
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
  void Connection(telegram::ConnectionState state) {
    ConnectionHandler handler;
    {
      std::lock_guard lock(mutex_);
      handler = on_connection_;
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
  template <class F>
  void Each(F&& call) {
    const Observers* observers;
    std::string account_id;
    {
      std::lock_guard lock(mutex_);
      observers = observers_;
      account_id = account_id_;
    }
    if (observers == nullptr) return;
    for (AccountObserver* o : *observers) call(*o, account_id);
  }

  std::mutex mutex_;
  StateHandler on_state_;
  ClosedHandler on_closed_;
  ConnectionHandler on_connection_;
  std::string account_id_;
  const Observers* observers_ = nullptr;
};

}  // namespace tgmux::service
