// Edits, deletions and read receipts of the simulated cloud.
#include <algorithm>

#include "sim/cloud/cloud.h"

namespace tgsim {
namespace {

// Applies `change` to every participant's copy of a message and stamps the
// edit; returns the copies changed.
template <typename Change>
std::vector<MessageCopy> EditCopies(Cloud& cloud, std::int64_t user_id, std::int64_t chat_id,
                                    std::int64_t message_id, std::int64_t now, Change change) {
  std::vector<MessageCopy> edited;
  for (const auto& copy : cloud.CopiesOf(user_id, chat_id, message_id)) {
    Dialog* dialog = cloud.FindDialog(copy.user_id, copy.chat_id);
    if (dialog == nullptr) continue;
    auto it = dialog->messages.find(copy.message_id);
    if (it == dialog->messages.end()) continue;
    change(copy, it->second);
    it->second.edit_date = now;
    edited.push_back(copy);
  }
  return edited;
}

}  // namespace

std::vector<MessageCopy> Cloud::Edit(std::int64_t user_id, std::int64_t chat_id,
                                     std::int64_t message_id, std::optional<Json> text,
                                     std::optional<Json> markup, std::int64_t now) {
  return EditCopies(*this, user_id, chat_id, message_id, now, [&](const MessageCopy& copy, StoredMessage& message) {
    if (text) message.text = *text;
    if (markup) message.reply_markup = MarkupFor(copy.user_id, user_id, chat_id, *markup);
  });
}

std::vector<MessageCopy> Cloud::EditMedia(std::int64_t user_id, std::int64_t chat_id,
                                          std::int64_t message_id, const MediaInfo& media, Json caption,
                                          std::optional<Json> markup, std::int64_t now) {
  return EditCopies(*this, user_id, chat_id, message_id, now, [&](const MessageCopy& copy, StoredMessage& message) {
    message.media = media;
    message.media->client_file = 0;
    files_.GrantAccess(media.file, copy.user_id);
    message.text = caption;
    if (markup) message.reply_markup = MarkupFor(copy.user_id, user_id, chat_id, *markup);
  });
}

std::vector<MessageCopy> Cloud::Delete(std::int64_t user_id, std::int64_t chat_id,
                                       const std::vector<std::int64_t>& ids, bool revoke) {
  std::vector<MessageCopy> deleted;
  for (auto id : ids) {
    // Revoking reaches every copy; otherwise only the caller's own box changes.
    std::vector<MessageCopy> targets =
        revoke ? CopiesOf(user_id, chat_id, id) : std::vector<MessageCopy>{{user_id, chat_id, id}};
    for (const auto& copy : targets) {
      Dialog* dialog = FindDialog(copy.user_id, copy.chat_id);
      if (dialog == nullptr) continue;
      if (auto it = dialog->messages.find(copy.message_id); it != dialog->messages.end()) {
        deleted_[{copy.user_id, copy.chat_id}][copy.message_id] = it->second;  // for the control API
        dialog->messages.erase(it);
        dialog->Recount();
        deleted.push_back(copy);
      }
    }
  }
  return deleted;
}

std::vector<ReadChange> Cloud::Read(std::int64_t user_id, std::int64_t chat_id,
                                    std::int64_t up_to) {
  Dialog* dialog = FindDialog(user_id, chat_id);
  if (dialog == nullptr || dialog->messages.empty()) return {};
  if (up_to == 0) up_to = dialog->messages.rbegin()->first;
  if (up_to <= dialog->last_read_inbox) return {};
  std::vector<ReadChange> changes;
  std::int64_t old = dialog->last_read_inbox;
  dialog->last_read_inbox = up_to;
  dialog->Recount();
  changes.push_back({user_id, chat_id, up_to});
  for (auto it = dialog->messages.upper_bound(old);
       it != dialog->messages.end() && it->first <= up_to; ++it) {
    if (it->second.outgoing) continue;
    for (const auto& copy : CopiesOf(user_id, chat_id, it->first)) {
      if (copy.user_id != it->second.sender_user_id) continue;
      Dialog* sender = FindDialog(copy.user_id, copy.chat_id);
      if (sender == nullptr || sender->last_read_outbox >= copy.message_id) continue;
      sender->last_read_outbox = copy.message_id;
      auto same = std::find_if(changes.begin() + 1, changes.end(), [&](const ReadChange& c) {
        return c.user_id == copy.user_id && c.chat_id == copy.chat_id;
      });
      if (same != changes.end()) {
        same->last_read = copy.message_id;
      } else {
        changes.push_back({copy.user_id, copy.chat_id, copy.message_id});
      }
    }
  }
  return changes;
}

}  // namespace tgsim
