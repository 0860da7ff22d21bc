#include "service/dialogs/dialog_service.h"

#include "common/time.h"
#include "crypto/random_id.h"
#include "service/pools/contacts.h"
#include "service/pools/pool_settings.h"

namespace tgmux::service {

using nlohmann::json;
using store::DialogStatus;

namespace {

constexpr std::size_t kMaxMeta = 4096;  // bytes of a dialog's meta as JSON

json TimeOrNull(std::int64_t unix_seconds) { return unix_seconds > 0 ? json(Rfc3339(unix_seconds)) : json(nullptr); }

json MetaField(const json& value) {
  if (!value.is_object()) InvalidField("meta", "must be a JSON object");
  if (value.dump().size() > kMaxMeta) InvalidField("meta", "must be at most 4096 bytes as JSON");
  return value;
}

// Telegram refused messages to the person, not to the account: privacy
// settings, a deleted account, someone who cannot be found. (PEER_FLOOD is the
// account's limit; a block tells the sender nothing.)
bool RefusesThePerson(const store::OutboxEntry& entry) {
  if (entry.error_code == "peer_not_found") return true;
  if (entry.error_code != "forbidden") return false;
  return entry.error_message.find("PEER_FLOOD") == std::string::npos;
}

}  // namespace

json DialogJson(const store::Dialog& d) {
  json relay = nullptr;
  if (d.relay_group_chat_id != 0) {
    relay = {{"group_chat_id", d.relay_group_chat_id}};
    if (d.topic_id != 0) relay["topic_id"] = d.topic_id;
    if (d.header_message_id != 0) relay["header_message_id"] = d.header_message_id;
  }
  json out = {{"id", d.id},
              {"account_id", d.account_id},
              {"peer_chat_id", d.peer_chat_id},
              {"title", d.title},
              {"tracked", d.tracked},
              {"status", std::string(store::DialogStatusName(d.status))},
              {"status_reason", d.status_reason.empty() ? json(nullptr) : json(d.status_reason)},
              {"pool", d.pool.empty() ? json(nullptr) : json(d.pool)},
              {"meta", d.meta.empty() ? json::object() : json::parse(d.meta, nullptr, false)},
              {"relay", std::move(relay)},
              {"closed", d.closed},
              {"created_at", TimeOrNull(d.created_at)},
              {"first_message_at", TimeOrNull(d.first_message_at)},
              {"last_message_at", TimeOrNull(d.last_message_at)}};
  return out;
}

DialogService::DialogService(Infrastructure& infra, AccountService& accounts, OutboxService& outbox,
                             PoolService& pools, EventService& events, Background& background)
    : infra_(infra), accounts_(accounts), outbox_(outbox), pools_(pools), events_(events), background_(background) {
  accounts_.AddObserver(this);
  outbox_.AddGuard([this](const std::string& tenant_id, const std::string& account_id, const SendRequest& request) {
    Guard(tenant_id, account_id, request);
  });
  outbox_.OnFinished([this](const store::OutboxEntry& entry) { OnFinished(entry); });
  std::set<std::string> tenants;
  for (const auto& account : infra_.store().ListAccounts()) tenants.insert(account.tenant_id);
  store::DialogFilter filter;
  filter.tracked_only = true;
  std::lock_guard lock(mutex_);
  for (const auto& tenant : tenants) {
    for (const auto& d : infra_.store().ListDialogs(tenant, filter, 0, 1'000'000)) Remember(d);
  }
}

void DialogService::Open(const std::string& tenant_id, DialogRequest request,
                         std::function<void(telegram::Result<Opened>)> done) {
  if (request.pool.empty() == request.account_id.empty()) InvalidField("pool", "give either pool or account_id");
  if (!request.pool.empty()) pools::CheckPoolName(request.pool);
  if (request.first.to.empty()) InvalidField("to", "is required: a chat id, @username or +phone number");
  MetaField(request.meta);
  const std::string account_id = request.pool.empty() ? accounts_.Get(tenant_id, request.account_id).id
                                                      : pools_.Assign(tenant_id, request.pool, request.first.to);
  auto client = accounts_.Client(account_id);
  if (!client) {
    throw Error(ErrorCode::kAccountNotReady, "account " + account_id + " is not connected, so " + request.first.to +
                                                 " cannot be looked up now")
        .With("account_id", account_id);
  }
  const std::string to = request.first.to;
  // Shared: callbacks are copied, and a request may hold files that are not.
  auto shared = std::make_shared<DialogRequest>(std::move(request));
  client->ResolveRecipient(to, [this, tenant_id, account_id, shared, done](telegram::Result<std::int64_t> chat) {
    background_.Post([this, tenant_id, account_id, shared, done, chat = std::move(chat)] {
      if (!chat.ok()) return done(chat.error());
      try {
        Resolved(tenant_id, account_id, std::move(*shared), chat.value(), done);
      } catch (const Error& e) {
        done(e);
      }
    });
  });
}

void DialogService::Resolved(const std::string& tenant_id, const std::string& account_id, DialogRequest request,
                             std::int64_t chat_id, const std::function<void(telegram::Result<Opened>)>& done) {
  auto& store = infra_.store();
  Opened opened;
  auto found = store.FindDialog(account_id, chat_id);
  const bool closed = found && found->tracked &&
                      (found->status == DialogStatus::kStopped || found->status == DialogStatus::kFailed);
  if (closed && request.send_first) {
    throw Error(ErrorCode::kConflict, "dialog " + found->id + " is " +
                                          std::string(store::DialogStatusName(found->status)) + ": nothing is sent")
        .With("dialog_id", found->id);
  }
  if (!found || !found->tracked) {
    store::Dialog d = found ? Unsealed(*found) : store::Dialog{};
    const std::int64_t now = UnixSeconds();
    if (!found) {
      d.id = crypto::RandomId("dlg");
      d.tenant_id = tenant_id;
      d.account_id = account_id;
      d.peer_chat_id = chat_id;
      d.created_at = now;
    }
    d.updated_at = now;
    d.tracked = true;
    d.status = DialogStatus::kActive;
    d.status_reason.clear();
    d.pool = request.pool;
    d.contact = pools::ContactOf(accounts_.phone_digests(), request.first.to);
    d.meta = request.meta.dump();
    Track(d);
    opened.created = true;
    events_.Append({"dialog.status", account_id, tenant_id,
                    {{"dialog_id", d.id}, {"status", "active"}, {"previous", nullptr}, {"reason", nullptr}}, ""});
  }
  opened.dialog = Unsealed(*store.FindDialog(account_id, chat_id));
  if (request.send_first) {
    opened.message = request.pool.empty() ? outbox_.Enqueue(tenant_id, account_id, std::move(request.first))
                                          : pools_.Send(tenant_id, request.pool, std::move(request.first));
  }
  done(std::move(opened));
}

void DialogService::Track(const store::Dialog& dialog) {
  store::Dialog sealed = dialog;
  if (!sealed.meta.empty()) sealed.meta = infra_.envelope().SealRecord("dialog_meta", sealed.id, sealed.meta);
  // Written and remembered under one lock: a send checked (Guard) once the
  // stored status can be read finds it remembered too.
  std::lock_guard lock(mutex_);
  infra_.store().TrackDialog(sealed);
  Remember(dialog);
}

store::Dialog DialogService::Unsealed(store::Dialog dialog) const {
  if (dialog.meta.empty()) return dialog;
  try {
    dialog.meta = infra_.envelope().OpenRecord("dialog_meta", dialog.id, dialog.meta);
  } catch (const std::exception&) {
    dialog.meta.clear();  // sealed for another id (two opened at once): nothing to show
  }
  return dialog;
}

std::vector<std::string> DialogService::ClosedKeys(const store::Dialog& d) {
  std::vector<std::string> keys = {d.account_id + "\nid:" + std::to_string(d.peer_chat_id)};
  if (!d.contact.empty()) keys.push_back(d.account_id + '\n' + d.contact);
  return keys;
}

void DialogService::Remember(const store::Dialog& d) {
  tracked_.emplace(d.account_id, d.peer_chat_id);
  const bool closed = d.status == DialogStatus::kStopped || d.status == DialogStatus::kFailed;
  for (const auto& key : ClosedKeys(d)) {
    if (closed) {
      closed_[key] = d.id;
    } else {
      closed_.erase(key);
    }
  }
}

void DialogService::Forget(const store::Dialog& d) {
  tracked_.erase({d.account_id, d.peer_chat_id});
  for (const auto& key : ClosedKeys(d)) closed_.erase(key);
}

store::Dialog DialogService::Get(const std::string& tenant_id, const std::string& id) {
  auto dialog = infra_.store().FindDialogById(id);
  if (!dialog || dialog->tenant_id != tenant_id) throw Error(ErrorCode::kNotFound, "no dialog " + id);
  return Unsealed(*dialog);
}

std::vector<json> DialogService::Messages(const store::Dialog& dialog, std::int64_t before, int limit) {
  std::vector<json> out;
  for (const auto& m : infra_.store().ListDialogMessages(dialog.id, before, limit)) {
    json message = json::parse(infra_.envelope().OpenRecord("dialog_message", dialog.id + ":" + std::to_string(m.message_id),
                                                            m.data_sealed),
                               nullptr, false);
    out.push_back({{"direction", m.outgoing ? "out" : "in"}, {"message", std::move(message)}});
  }
  return out;
}

std::vector<store::Dialog> DialogService::List(const std::string& tenant_id, const store::DialogFilter& filter,
                                               int limit) {
  if (!filter.account_id.empty()) accounts_.Get(tenant_id, filter.account_id);
  auto dialogs = infra_.store().ListDialogs(tenant_id, filter, 0, limit);
  for (auto& d : dialogs) d = Unsealed(std::move(d));
  return dialogs;
}

store::Dialog DialogService::Update(const std::string& tenant_id, const std::string& id, const json& patch) {
  if (!patch.is_object()) InvalidField("body", "must be a JSON object");
  store::Dialog dialog = Get(tenant_id, id);
  std::optional<DialogStatus> status;
  std::optional<json> meta;
  for (const auto& [key, value] : patch.items()) {
    if (key == "status") {
      if (value.is_string()) status = store::ParseDialogStatus(value.get<std::string>());
      if (!status) InvalidField("status", "must be active, qualified, stopped or failed");
    } else if (key == "meta") {
      meta = MetaField(value);
    } else {
      InvalidField(key, "is not a dialog field that can be changed (status, meta)");
    }
  }
  if (meta) {
    dialog.meta = meta->dump();
    dialog.tracked = true;
    dialog.updated_at = UnixSeconds();
    Track(dialog);
  }
  if (status && (*status != dialog.status || !dialog.tracked)) SetStatus(dialog, *status, "");
  return Get(tenant_id, id);
}

void DialogService::SetStatus(store::Dialog dialog, DialogStatus status, const std::string& reason) {
  const auto previous = dialog.status;
  dialog.status = status;
  dialog.status_reason = reason;
  dialog.tracked = true;
  dialog.updated_at = UnixSeconds();
  Track(dialog);
  events_.Append({"dialog.status", dialog.account_id, dialog.tenant_id,
                  {{"dialog_id", dialog.id},
                   {"status", std::string(store::DialogStatusName(status))},
                   {"previous", std::string(store::DialogStatusName(previous))},
                   {"reason", reason.empty() ? json(nullptr) : json(reason)}},
                  ""});
}

void DialogService::Guard(const std::string& /*tenant_id*/, const std::string& account_id,
                          const SendRequest& request) {
  std::string contact;
  try {
    contact = pools::ContactOf(accounts_.phone_digests(), request.to);
  } catch (const Error&) {
    return;  // not a recipient a dialog could name: the outbox answers that
  }
  std::string dialog_id;
  {
    // Only stopped and failed dialogs are remembered here: other sends cost no store read.
    std::lock_guard lock(mutex_);
    auto closed = closed_.find(account_id + '\n' + contact);
    if (closed == closed_.end()) return;
    dialog_id = closed->second;
  }
  auto dialog = infra_.store().FindDialogById(dialog_id);
  if (!dialog || (dialog->status != DialogStatus::kStopped && dialog->status != DialogStatus::kFailed)) return;
  throw Error(ErrorCode::kConflict, "dialog " + dialog->id + " with this person is " +
                                        std::string(store::DialogStatusName(dialog->status)) +
                                        ": set it active again to write")
      .With("dialog_id", dialog->id);
}

void DialogService::OnFinished(const store::OutboxEntry& entry) {
  if (entry.state != store::OutboxState::kFailed || !RefusesThePerson(entry)) return;
  std::optional<store::Dialog> dialog;
  try {
    dialog = infra_.store().FindDialogByContact(entry.account_id, pools::ContactOf(accounts_.phone_digests(), entry.to));
  } catch (const Error&) {
    return;
  }
  if (!dialog && entry.chat_id != 0) dialog = infra_.store().FindDialog(entry.account_id, entry.chat_id);
  if (!dialog || !dialog->tracked || dialog->status == DialogStatus::kFailed) return;
  SetStatus(Unsealed(*dialog), DialogStatus::kFailed, entry.error_message);
}

void DialogService::Moved(const store::OutboxEntry& entry, const std::string& from) {
  std::optional<store::Dialog> dialog;
  try {
    dialog = infra_.store().FindDialogByContact(from, pools::ContactOf(accounts_.phone_digests(), entry.to));
  } catch (const Error&) {
    return;
  }
  if (!dialog || !infra_.store().MoveDialog(dialog->id, entry.account_id)) return;
  auto moved = infra_.store().FindDialogById(dialog->id);
  std::lock_guard lock(mutex_);
  Forget(*dialog);
  if (moved) Remember(*moved);
}

void DialogService::OnMessage(const std::string& account_id, const telegram::Message& message) {
  {
    std::lock_guard lock(mutex_);
    if (tracked_.count({account_id, message.chat_id}) == 0) return;
  }
  json shaped = events_.shapes().message ? events_.shapes().message(message) : json::object();
  background_.Post([this, account_id, message_id = message.message_id, chat_id = message.chat_id,
                    outgoing = message.is_outgoing, date = message.date, shaped = std::move(shaped)] {
    auto& store = infra_.store();
    auto dialog = store.FindDialog(account_id, chat_id);
    if (!dialog || !dialog->tracked) return;
    store::DialogMessage m{dialog->id, account_id, message_id, outgoing, date, ""};
    m.data_sealed = infra_.envelope().SealRecord("dialog_message", dialog->id + ":" + std::to_string(message_id),
                                                 shaped.dump());
    store.PutDialogMessage(m);
    store.TouchDialog(dialog->id, date);
    events_.Append({"dialog.message", account_id, dialog->tenant_id,
                    {{"dialog_id", dialog->id}, {"direction", outgoing ? "out" : "in"}, {"message", shaped}},
                    "dialog:" + dialog->id + ":" + std::to_string(message_id)});
  });
}

void DialogService::OnUnlinked(const store::Account& account) {
  std::lock_guard lock(mutex_);
  for (auto it = tracked_.begin(); it != tracked_.end();) it = it->first == account.id ? tracked_.erase(it) : ++it;
  const std::string prefix = account.id + '\n';
  for (auto it = closed_.begin(); it != closed_.end();) it = it->first.rfind(prefix, 0) == 0 ? closed_.erase(it) : ++it;
}

}  // namespace tgmux::service
