// What happens in linked accounts, for the services that react to it (the
// event log, the outbox). Calls come on TDLib's receive thread (messages) or
// the background thread (status) and must return quickly: queue real work.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/store.h"
#include "telegram/messages.h"
#include "telegram/result.h"

namespace tgmux::service {

class AccountObserver {
 public:
  virtual ~AccountObserver() = default;

  // Before any observer sees a message (new, sent, or read from history):
  // fills tgmux's own fields, such as the file ids of its media.
  virtual void Annotate(const std::string& /*account_id*/, telegram::Message&) {}
  // A new message: incoming, or ours once final (see AccountCallbacks).
  virtual void OnMessage(const std::string& /*account_id*/, const telegram::Message&) {}
  virtual void OnMessageEdited(const std::string& /*account_id*/, const telegram::MessageEdit&) {}
  virtual void OnMessagesDeleted(const std::string& /*account_id*/, std::int64_t /*chat_id*/,
                                 const std::vector<std::int64_t>& /*message_ids*/) {}
  // We read a chat up to last_read (here or on another device).
  virtual void OnChatRead(const std::string& /*account_id*/, std::int64_t /*chat_id*/, std::int64_t /*last_read*/,
                          int /*unread_count*/) {}
  // The other side read our messages up to last_read.
  virtual void OnPeerRead(const std::string& /*account_id*/, std::int64_t /*chat_id*/,
                          std::int64_t /*last_read*/) {}
  // The final outcome of a send, keyed by its temporary id (AccountClient::SendText).
  virtual void OnSendResult(const std::string& /*account_id*/, std::int64_t /*chat_id*/,
                            std::int64_t /*temporary_id*/, const telegram::Result<telegram::Message>&) {}
  // The account's client reached Ready (linked now, or restored at start).
  virtual void OnReady(const std::string& /*account_id*/) {}
  // The account's row changed status (the new row; on the background thread).
  // No previous status: the account was just linked.
  virtual void OnStatus(const store::Account& /*account*/, std::optional<store::AccountStatus> /*previous*/) {}
  // The account's settings changed (PATCH; the new row).
  virtual void OnAccountUpdated(const store::Account& /*account*/) {}
  // The account was unlinked (or replaced by a new login of its Telegram
  // user): its row (given as it was), keys and session are gone.
  virtual void OnUnlinked(const store::Account& /*account*/) {}
};

}  // namespace tgmux::service
