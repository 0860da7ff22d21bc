// WorkGroupRelay: the accounts' conversations mirrored into the work groups.
#include <spdlog/spdlog.h>

#include <algorithm>

#include "bots/relay/relay_text.h"
#include "bots/relay/work_group_relay.h"
#include "bots/wording.h"
#include "common/time.h"
#include "crypto/secrets.h"
#include "telegram/message_parse.h"

namespace tgmux::bots {
namespace {

using nlohmann::json;
using service::relay::RelayMode;
using telegram::Message;
using telegram::Result;

constexpr std::size_t kMergeAtMost = 20;      // messages merged into one post
constexpr std::size_t kReadAhead = 500;       // items waiting in memory before the log is read on
constexpr int kGiveUpAfter = 5;               // failures in a row before an item is dropped
constexpr int kRetrySeconds = 10;             // after a failure that is not a flood wait
constexpr const char* kAnswerKeyPrefix = "tgmux-relay:";

std::int64_t Int(const json& object, const char* name) {
  auto it = object.find(name);
  return it != object.end() && it->is_number_integer() ? it->get<std::int64_t>() : 0;
}

constexpr std::size_t kMaxCaption = 1000;   // UTF-16 units; Telegram's limit is 1024

// A message whose file the account can fetch (the terminal's rule too).
bool HasFile(const json& message) {
  auto media = message.find("media");
  return media != message.end() && media->is_object() && media->value("file_id", json()).is_string();
}

RelayMode ModeOf(const store::Relay& relay) {
  return service::relay::RelayModeFromName(relay.mode).value_or(RelayMode::kTopics);
}

}  // namespace

std::string RelayAnswerKey(std::int64_t group_chat_id, std::int64_t message_id) {
  return kAnswerKeyPrefix + std::to_string(group_chat_id) + ":" + std::to_string(message_id);
}

bool ParseRelayAnswerKey(const std::string& key, std::int64_t& group_chat_id, std::int64_t& message_id) {
  if (key.rfind(kAnswerKeyPrefix, 0) != 0) return false;
  const std::string rest = key.substr(std::string_view(kAnswerKeyPrefix).size());
  const auto colon = rest.find(':');
  if (colon == std::string::npos) return false;
  try {
    group_chat_id = std::stoll(rest.substr(0, colon));
    message_id = std::stoll(rest.substr(colon + 1));
  } catch (const std::exception&) {
    return false;
  }
  return true;
}

WorkGroupRelay::WorkGroupRelay(service::Services& services, std::shared_ptr<service::Background> worker,
                               std::shared_ptr<BotSender> sender, store::Bot bot)
    : services_(services), worker_(std::move(worker)), sender_(std::move(sender)), bot_(std::move(bot)) {}

void WorkGroupRelay::Update(const store::Bot& bot, bool on) {
  bot_ = bot;
  if (!on) {
    running_ = false;
    return;
  }
  if (running_) return;
  running_ = true;
  Reload();
}

void WorkGroupRelay::Reload() {
  relays_.clear();
  accounts_.clear();  // names are read again
  for (auto& relay : services_.infra.store().ListRelays(bot_.id)) relays_[relay.account_id] = relay;
  if (!running_ || relays_.empty()) return;
  if (read_seq_ == 0) {
    read_seq_ = services_.infra.store().RelayCursor(bot_.id);
    if (read_seq_ == 0) {
      // The first relay: from where the earliest relay began.
      read_seq_ = relays_.begin()->second.since_seq;
      for (const auto& [id, relay] : relays_) read_seq_ = std::min(read_seq_, relay.since_seq);
      services_.infra.store().SetRelayCursor(bot_.id, read_seq_);
    }
    saved_seq_ = read_seq_;
  }
  ReadEvents();
}

void WorkGroupRelay::ReadEvents() {
  if (!running_ || reading_ || relays_.empty() || services_.events.draining()) return;
  std::size_t waiting = 0;
  for (const auto& [group, queue] : queues_) waiting += queue.items.size();
  if (waiting > kReadAhead) return;  // Done reads on once the groups catch up
  reading_ = true;
  store::EventQuery query;
  query.tenant_id = bot_.tenant_id;
  query.after = read_seq_;
  query.types = {"message.received", "message.sent", "message.edited", "message.deleted"};
  // Every account's (ItemOf picks): a relay added while this read waits is in the next answer.
  services_.events.Wait(query, std::chrono::seconds(25),
                        Later<std::vector<json>>([](WorkGroupRelay& self, std::vector<json> events) {
                          self.reading_ = false;
                          self.OnEvents(std::move(events));
                        }));
}

void WorkGroupRelay::OnEvents(std::vector<json> events) {
  if (!running_) return;
  std::set<std::int64_t> touched;
  const std::set<std::int64_t> bots = services_.bots.UserIds();  // once a batch
  for (const auto& event : events) {
    const std::int64_t seq = event.value("seq", std::int64_t{0});
    if (seq <= read_seq_) continue;
    read_seq_ = seq;
    auto item = ItemOf(event, bots);
    if (!item) continue;
    const std::int64_t group = relays_.at(item->account_id).group_chat_id;
    in_flight_[seq] = false;
    queues_[group].items.push_back(std::move(*item));
    touched.insert(group);
  }
  in_flight_.try_emplace(read_seq_, true);  // the batch's end, done once all before it are
  Advance();
  for (auto group : touched) Pump(group);
  ReportBacklog();
  ReadEvents();
}

bool WorkGroupRelay::IsAnswer(const json& data) {
  auto outbox_id = data.find("outbox_id");
  if (outbox_id == data.end() || !outbox_id->is_string()) return false;
  auto entry = services_.infra.store().FindOutbox(outbox_id->get<std::string>());
  std::int64_t group = 0, message = 0;
  return entry && ParseRelayAnswerKey(entry->idempotency_key, group, message);
}

std::optional<WorkGroupRelay::Item> WorkGroupRelay::ItemOf(const json& event, const std::set<std::int64_t>& bots) {
  const std::string account_id = event.value("account_id", "");
  auto relay = relays_.find(account_id);
  const std::int64_t seq = event.value("seq", std::int64_t{0});
  if (relay == relays_.end() || seq <= relay->second.since_seq) return std::nullopt;
  const std::string type = event.value("type", "");
  const json& data = event.value("data", json::object());
  Item item;
  item.seq = seq;
  item.account_id = account_id;
  if (type == "message.received" || type == "message.sent") {
    if (!data.contains("message") || (type == "message.sent" && IsAnswer(data))) return std::nullopt;
    item.message = data["message"];
    item.peer_chat_id = Int(item.message, "chat_id");
    item.message_ids = {Int(item.message, "message_id")};
    item.employee = type == "message.sent";
    item.in_group = item.peer_chat_id < 0;
    // Not the account's chats with tgmux's bots, nor its Saved Messages.
    if (item.peer_chat_id > 0 && (item.peer_chat_id == SelfOf(account_id) || bots.count(item.peer_chat_id) > 0)) {
      return std::nullopt;
    }
  } else if (type == "message.edited") {
    item.kind = Item::Kind::kEdit;
    item.peer_chat_id = Int(data, "chat_id");
    item.message_ids = {Int(data, "message_id")};
    item.message = data;
  } else if (type == "message.deleted") {
    item.kind = Item::Kind::kDelete;
    item.peer_chat_id = Int(data, "chat_id");
    for (const auto& id : data.value("message_ids", json::array())) {
      if (id.is_number_integer()) item.message_ids.push_back(id.get<std::int64_t>());
    }
  } else {
    return std::nullopt;
  }
  return item;
}

void WorkGroupRelay::Pump(std::int64_t group) {
  auto& queue = queues_[group];
  auto& store = services_.infra.store();
  while (!queue.busy && !queue.items.empty() && running_) {
    const Item& front = queue.items.front();
    auto relay = relays_.find(front.account_id);
    if (relay == relays_.end() || relay->second.group_chat_id != group) {
      DoneFront(group);  // the relay stopped or moved: nothing to post here
      continue;
    }
    if (front.kind == Item::Kind::kEdit) {
      queue.busy = true;
      return Edit(group, front);
    }
    if (front.kind == Item::Kind::kDelete) {
      queue.busy = true;
      return Deleted(group, front);
    }
    auto posted = store.FindRelayPost(front.account_id, front.peer_chat_id, front.message_ids.front());
    if (posted && posted->post_message_id != 0) {
      DoneFront(group);  // read again after a restart: it is in the group already
      continue;
    }
    queue.busy = true;
    if (posted) return Reconcile(group, front, *posted);
    const store::Relay relay_row = relay->second;
    return Open(front, relay_row, [this, group](store::Dialog dialog) {
      auto& q = queues_[group];
      if (q.items.empty()) return;
      std::vector<Item> run{q.items.front()};
      // While posts wait for Telegram's pace, a conversation's messages go together.
      // Other conversations' items may lie between them; an edit or deletion
      // of this one ends the run, so that its topic keeps the order of events.
      if (!sender_->Ready(group) && !HasFile(run.front().message)) {
        std::size_t bytes = Body(run.front().message).size();
        for (std::size_t i = 1; i < q.items.size() && run.size() < kMergeAtMost; ++i) {
          const Item& next = q.items[i];
          if (next.account_id != run.front().account_id || next.peer_chat_id != run.front().peer_chat_id) continue;
          if (next.kind != Item::Kind::kPost || HasFile(next.message)) break;
          bytes += Body(next.message).size() + 64;
          if (bytes > relay_text::kMaxPostBytes) break;
          run.push_back(next);
        }
      }
      Post(group, std::move(run), dialog);
    });
  }
  ReportBacklog();
}

void WorkGroupRelay::Open(const Item& item, const store::Relay& relay, std::function<void(store::Dialog)> then) {
  auto& store = services_.infra.store();
  auto found = store.FindDialog(item.account_id, item.peer_chat_id);
  const std::int64_t now = UnixSeconds();
  store::Dialog dialog;
  if (found) {
    dialog = *found;
  } else {
    dialog.id = crypto::RandomToken("dlg_");
    dialog.tenant_id = relay.tenant_id;
    dialog.account_id = item.account_id;
    dialog.peer_chat_id = item.peer_chat_id;
    dialog.first_message_at = dialog.created_at = now;
  }
  const bool open = dialog.relay_group_chat_id == relay.group_chat_id &&
                    (ModeOf(relay) == RelayMode::kTopics ? dialog.topic_id : dialog.header_message_id) != 0;
  if (open) return then(dialog);
  if (!dialog.title.empty()) return OpenIn(dialog, relay, std::move(then));
  // Named once: after the customer (or the client group) and the account.
  const std::string account = AccountName(item.account_id);
  std::string peer = item.employee || item.in_group ? "" : SenderLine(item.message.value("from", json::object()));
  auto client = services_.accounts.Client(item.account_id);
  if (!peer.empty() || !client) {
    dialog.title = relay_text::DialogTitle(peer.empty() ? "Chat " + std::to_string(item.peer_chat_id) : peer, account);
    return OpenIn(dialog, relay, std::move(then));
  }
  client->GetChat(item.peer_chat_id,
                  Later<Result<telegram::Chat>>([dialog, relay, account, then](WorkGroupRelay& self,
                                                                              Result<telegram::Chat> chat) mutable {
                    std::string peer = "Chat " + std::to_string(dialog.peer_chat_id);
                    if (chat.ok() && !chat.value().title.empty()) {
                      peer = chat.value().title;
                      if (!chat.value().username.empty()) peer += " (@" + chat.value().username + ")";
                    }
                    dialog.title = relay_text::DialogTitle(peer, account);
                    self.OpenIn(dialog, relay, std::move(then));
                  }));
}

void WorkGroupRelay::OpenIn(store::Dialog dialog, const store::Relay& relay,
                            std::function<void(store::Dialog)> then) {
  const std::int64_t group = relay.group_chat_id;
  dialog.relay_group_chat_id = group;
  dialog.topic_id = dialog.header_message_id = 0;
  dialog.closed = false;
  auto opened = [group, then](WorkGroupRelay& self, store::Dialog d, const std::optional<Error>& error) {
    if (error) {
      spdlog::warn("bot {}: a conversation could not be opened in group {}: {}", self.bot_.id, group, error->what());
      return self.Failed(group, *error);
    }
    d.updated_at = UnixSeconds();
    self.services_.infra.store().PutDialog(d);
    then(std::move(d));
  };
  if (ModeOf(relay) == RelayMode::kReplies) {
    return Send(group, dialog, relay_text::PostText({{"", {{"text", "💬 " + dialog.title}}}}), 0,
                [this, dialog, opened](Result<Message> sent) mutable {
                  if (sent.ok()) dialog.header_message_id = sent.value().message_id;
                  opened(*this, dialog, sent.ok() ? std::nullopt : std::optional<Error>(sent.error()));
                });
  }
  auto bot = services_.bots.Client(bot_.id);
  if (!bot) return Failed(group, Error(ErrorCode::kAccountNotReady, "the bot is not running"));
  bot->CreateForumTopic(group, dialog.title,
                        Later<Result<telegram::AccountClient::ForumTopic>>(
                            [dialog, opened](WorkGroupRelay& self,
                                             Result<telegram::AccountClient::ForumTopic> topic) mutable {
                              if (topic.ok()) dialog.topic_id = topic.value().id;
                              opened(self, dialog, topic.ok() ? std::nullopt : std::optional<Error>(topic.error()));
                            }));
}

void WorkGroupRelay::Send(std::int64_t group, const store::Dialog& dialog, telegram::FormattedText text,
                          std::int64_t reply_to, std::function<void(Result<Message>)> done) {
  const std::int64_t topic = dialog.topic_id;
  if (reply_to == 0 && topic == 0) reply_to = dialog.header_message_id;
  Enqueue(group,
          [group, topic, text = std::move(text), reply_to](telegram::AccountClient& client,
                                                          telegram::AccountClient::MessageDone sent) {
            client.SendBotTextInTopic(group, topic, text, reply_to, std::move(sent));
          },
          std::move(done));
}

void WorkGroupRelay::Enqueue(std::int64_t group, BotSender::Call call, std::function<void(Result<Message>)> done) {
  sender_->Enqueue(group, std::move(call), [weak = weak_from_this(), done = std::move(done)](Result<Message> sent) {
    if (weak.lock()) done(std::move(sent));
  });
}

// A message with a file: the file itself, downloaded through the account,
// with the author and caption; the text alone when the file cannot be had.
void WorkGroupRelay::SendFile(std::int64_t group, const store::Dialog& dialog, const Item& item,
                              const relay_text::Part& part, std::int64_t reply_to,
                              std::function<void(Result<Message>)> done) {
  const json& media = item.message["media"];
  const auto kind = telegram::MediaKindFromName(TextField(media, "type")).value_or(telegram::MediaKind::kDocument);
  json captioned = item.message;
  captioned.erase("content_type");  // the file shows what it is
  telegram::FormattedText caption = relay_text::PostText({{part.author, captioned}});
  if (telegram::Utf16Length(caption.text) > kMaxCaption) caption = {Cut(caption.text, kMaxCaption), {}};
  telegram::FormattedText fallback = relay_text::PostText({part});
  const std::int64_t topic = dialog.topic_id;
  if (reply_to == 0 && topic == 0) reply_to = dialog.header_message_id;
  auto& downloads = services_.downloads;
  auto& bots = services_.bots;
  Enqueue(group,
          [&downloads, &bots, tenant = bot_.tenant_id, bot_id = bot_.id, account = item.account_id,
           file_id = TextField(media, "file_id"), kind, group, topic, caption, fallback,
           reply_to](telegram::AccountClient& client, telegram::AccountClient::MessageDone sent) {
            try {
              downloads.Download(tenant, account, file_id, [&bots, bot_id, kind, group, topic, caption, fallback,
                                                           reply_to, sent](auto file) mutable {
                auto bot = bots.Client(bot_id);
                if (!bot) return sent(Error(ErrorCode::kAccountNotReady, "the bot is not running"));
                if (!file.ok()) return bot->SendBotTextInTopic(group, topic, fallback, reply_to, std::move(sent));
                telegram::MediaToSend media{kind, file.value().path, "", 0, 0, 0};
                bot->SendBotMediaInTopic(group, topic, media, caption, reply_to, std::move(sent));
              });
            } catch (const Error&) {
              client.SendBotTextInTopic(group, topic, fallback, reply_to, std::move(sent));
            }
          },
          std::move(done));
}

void WorkGroupRelay::Post(std::int64_t group, std::vector<Item> items, const store::Dialog& dialog) {
  std::vector<relay_text::Part> parts;
  for (const auto& item : items) {
    std::string author;
    if (item.employee) {
      author = AccountName(item.account_id) + " (employee)";
    } else if (item.in_group) {
      author = SenderLine(item.message.value("from", json::object()));
    }
    parts.push_back({author, item.message});
  }
  // A reply shows as a reply to the mirrored message it answers.
  std::int64_t reply_to = 0;
  if (std::int64_t answered = Int(items.front().message, "reply_to_message_id"); answered != 0) {
    auto quoted = services_.infra.store().FindRelayPost(dialog.account_id, dialog.peer_chat_id, answered);
    if (quoted && quoted->group_chat_id == group) reply_to = quoted->post_message_id;
  }
  // Written down before it goes: a post cut short by a crash is looked for
  // in the group after the restart (Reconcile) rather than posted again.
  const std::int64_t now = UnixSeconds();
  for (std::size_t i = 0; i < items.size(); ++i) {
    services_.infra.store().PutRelayPost({items[i].account_id, items[i].peer_chat_id, items[i].message_ids.front(),
                                          group, 0, items[i].employee ? "employee" : "customer", parts[i].author,
                                          static_cast<int>(items.size()), now});
  }
  auto posted = [this, group, items, parts, d = dialog](Result<Message> sent) mutable {
         if (!sent.ok()) return Failed(group, sent.error());
         auto& store = services_.infra.store();
         const std::int64_t now = UnixSeconds();
         for (std::size_t i = 0; i < items.size(); ++i) {
           store.PutRelayPost({items[i].account_id, items[i].peer_chat_id, items[i].message_ids.front(), group,
                               sent.value().message_id, items[i].employee ? "employee" : "customer", parts[i].author,
                               static_cast<int>(items.size()), now});
         }
         if (auto fresh = store.FindDialog(d.account_id, d.peer_chat_id)) d = *fresh;
         d.last_message_at = d.updated_at = now;
         store.PutDialog(d);
         std::vector<std::int64_t> seqs;
         for (const auto& item : items) seqs.push_back(item.seq);
         Done(group, seqs);
  };
  if (items.size() == 1 && HasFile(items.front().message)) {
    return SendFile(group, dialog, items.front(), parts.front(), reply_to, std::move(posted));
  }
  Send(group, dialog, relay_text::PostText(parts), reply_to, std::move(posted));
}

void WorkGroupRelay::Reconcile(std::int64_t group, const Item& item, store::RelayPost intent) {
  // Posts into a group go one at a time: the one a crash cut short is the
  // newest in its topic (or the group), unless someone wrote since.
  auto dialog = services_.infra.store().FindDialog(item.account_id, item.peer_chat_id);
  auto bot = services_.bots.Client(bot_.id);
  auto decide = Later<std::optional<Message>>([group, item, intent](WorkGroupRelay& self,
                                                                    std::optional<Message> last) mutable {
    const std::string text = TextField(item.message, "text");
    const bool there = last && last->sender.user_id == self.bot_.telegram_user_id &&
                       last->text.text.find(text.empty() ? Body(item.message) : text) != std::string::npos;
    if (!there) {
      self.services_.infra.store().DeleteRelayPost(intent.account_id, intent.peer_chat_id, intent.message_id);
      self.queues_[group].busy = false;
      return self.Pump(group);  // posted now
    }
    intent.post_message_id = last->message_id;
    self.services_.infra.store().PutRelayPost(intent);
    self.DoneFront(group);
  });
  if (!dialog || dialog->relay_group_chat_id != group || !bot) return decide(std::nullopt);
  if (dialog->topic_id != 0) {
    return bot->GetForumTopic(group, dialog->topic_id, [decide](Result<telegram::AccountClient::ForumTopic> topic) {
      decide(topic.ok() ? topic.value().last_message : std::nullopt);
    });
  }
  bot->GetChat(group, [decide](Result<telegram::Chat> chat) {
    decide(chat.ok() ? chat.value().last_message : std::nullopt);
  });
}

void WorkGroupRelay::Edit(std::int64_t group, const Item& item) {
  auto post = services_.infra.store().FindRelayPost(item.account_id, item.peer_chat_id, item.message_ids.front());
  auto dialog = services_.infra.store().FindDialog(item.account_id, item.peer_chat_id);
  if (!post || post->post_message_id == 0 || post->group_chat_id != group || !dialog) return DoneFront(group);
  auto finished = [this, group](Result<Message> result) {
    if (!result.ok()) spdlog::warn("bot {}: an edit was not mirrored: {}", bot_.id, result.error().what());
    DoneFront(group);
  };
  // The new text as a reply to the post: for one message of a merged post,
  // or a post the bot cannot edit as text (a file's).
  auto as_reply = [this, group, post = *post, dialog = *dialog, item, finished]() {
    Send(group, dialog, relay_text::PostText({{post.author, item.message}}, "edited"), post.post_message_id,
         finished);
  };
  if (post->parts != 1) return as_reply();
  // The bot's own post: edited in place.
  auto text = relay_text::PostText({{post->author, item.message}}, "edited");
  Enqueue(group,
          [group, id = post->post_message_id, text](telegram::AccountClient& client,
                                                    telegram::AccountClient::MessageDone sent) {
            client.EditBotText(group, id, text, {}, std::move(sent));
          },
          [as_reply, finished](Result<Message> edited) {
            if (!edited.ok() && edited.error().code() != ErrorCode::kFloodWait) return as_reply();
            finished(std::move(edited));
          });
}

void WorkGroupRelay::Deleted(std::int64_t group, const Item& item) {
  auto& store = services_.infra.store();
  auto dialog = store.FindDialog(item.account_id, item.peer_chat_id);
  std::optional<store::RelayPost> post;
  for (auto id : item.message_ids) {
    post = store.FindRelayPost(item.account_id, item.peer_chat_id, id);
    if (post && post->post_message_id != 0 && post->group_chat_id == group) break;
    post.reset();
  }
  if (!post || !dialog) return DoneFront(group);
  const std::string who = post->kind == "employee" ? AccountName(item.account_id) : "The customer";
  const std::string what = item.message_ids.size() > 1 ? " deleted messages." : " deleted this message.";
  Send(group, *dialog, relay_text::Note("🗑 " + who + what), post->post_message_id, [this, group](Result<Message> r) {
    if (!r.ok()) spdlog::warn("bot {}: a deletion was not mirrored: {}", bot_.id, r.error().what());
    DoneFront(group);
  });
}

void WorkGroupRelay::Failed(std::int64_t group, const Error& error) {
  auto& queue = queues_[group];
  const std::string why = error.what();
  if (!queue.items.empty() && (why.find("TOPIC_ID_INVALID") != std::string::npos ||
                               why.find("TOPIC_DELETED") != std::string::npos)) {
    // Someone deleted the conversation's topic: it gets a new one.
    auto& store = services_.infra.store();
    if (auto dialog = store.FindDialog(queue.items.front().account_id, queue.items.front().peer_chat_id)) {
      dialog->topic_id = 0;
      store.PutDialog(*dialog);
    }
  }
  if (error.code() == ErrorCode::kFloodWait) return RetryLater(group, error.retry_after().value_or(kRetrySeconds));
  if (++queue.failures >= kGiveUpAfter) {
    spdlog::error("bot {}: a message could not be mirrored into group {} after {} attempts: {}", bot_.id, group,
                  kGiveUpAfter, error.what());
    queue.failures = 0;
    return DoneFront(group);
  }
  RetryLater(group, kRetrySeconds);
}

void WorkGroupRelay::RetryLater(std::int64_t group, int seconds) {
  queues_[group].busy = true;
  worker_->PostAt(service::Background::Clock::now() + std::chrono::seconds(std::max(1, seconds)),
                  [weak = weak_from_this(), group] {
                    auto self = weak.lock();
                    if (!self) return;
                    self->queues_[group].busy = false;
                    self->Pump(group);
                  });
}

void WorkGroupRelay::DoneFront(std::int64_t group) {
  auto& queue = queues_[group];
  Done(group, queue.items.empty() ? std::vector<std::int64_t>{} : std::vector<std::int64_t>{queue.items.front().seq});
}

void WorkGroupRelay::Done(std::int64_t group, const std::vector<std::int64_t>& seqs) {
  auto& queue = queues_[group];
  for (auto seq : seqs) {
    in_flight_[seq] = true;
    auto it = std::find_if(queue.items.begin(), queue.items.end(), [seq](const Item& i) { return i.seq == seq; });
    if (it != queue.items.end()) queue.items.erase(it);
  }
  queue.failures = 0;
  queue.busy = false;
  Advance();
  Pump(group);
  ReadEvents();
}

void WorkGroupRelay::Advance() {
  std::int64_t cursor = -1;
  while (!in_flight_.empty() && in_flight_.begin()->second) {
    cursor = in_flight_.begin()->first;
    in_flight_.erase(in_flight_.begin());
  }
  if (cursor > saved_seq_) {
    saved_seq_ = cursor;
    services_.infra.store().SetRelayCursor(bot_.id, cursor);
  }
}

void WorkGroupRelay::ReportBacklog() {
  std::map<std::string, int> waiting;
  for (const auto& [id, relay] : relays_) waiting[id] = 0;
  for (const auto& [group, queue] : queues_) {
    for (const auto& item : queue.items) ++waiting[item.account_id];
  }
  for (const auto& [id, count] : waiting) services_.relay.SetBacklog(id, count);
}

std::string WorkGroupRelay::AccountName(const std::string& account_id) {
  auto known = accounts_.find(account_id);
  if (known == accounts_.end()) {
    Known account;
    if (auto row = services_.infra.store().FindAccount(account_id)) {
      account.name = !row->display_name.empty() ? row->display_name
                     : !row->username.empty()   ? "@" + row->username
                                                : row->id;
      account.self = row->telegram_user_id;
    }
    known = accounts_.emplace(account_id, account).first;
  }
  return known->second.name.empty() ? account_id : known->second.name;
}

std::int64_t WorkGroupRelay::SelfOf(const std::string& account_id) {
  AccountName(account_id);
  return accounts_[account_id].self;
}

}  // namespace tgmux::bots
