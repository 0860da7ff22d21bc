#include "telegram/client_hub.h"

#include <spdlog/spdlog.h>

#include <cstdio>

#include "telegram/encoding.h"
#include "telegram/error_map.h"
#include "telegram/message_parse.h"
#include "telegram/td_parse.h"

namespace tgmux::telegram {
namespace {

// How long td_receive blocks; bounds how long stopping the receive thread takes.
constexpr double kReceiveTimeoutSeconds = 0.2;
// How long the destructor waits for clients still open to reach Closed.
constexpr std::chrono::seconds kDestructorCloseTimeout{10};

std::string Seconds(std::chrono::milliseconds budget) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", static_cast<double>(budget.count()) / 1000.0);
  return text;
}

Result<nlohmann::json> ToResult(nlohmann::json answer) {
  if (answer.value("@type", "") != "error") return answer;
  int code = Int32Field(answer, "code");
  std::string message = answer.value("message", "");
  spdlog::debug("telegram: client {} request failed: TDLib error {} {}",
                answer.value("@client_id", 0), code, message);
  return MapTdError(code, message);
}

void Run(const ResultHandler& done, Result<nlohmann::json> result) {
  if (!done) return;
  try {
    done(std::move(result));
  } catch (const std::exception& e) {
    spdlog::error("telegram: a result handler threw: {}", e.what());
  }
}

void CallHandler(int client_id, const UpdateHandler* handler, const nlohmann::json& update) {
  if (handler == nullptr) return;
  try {
    (*handler)(update);
  } catch (const std::exception& e) {
    spdlog::error("telegram: client {} update handler threw: {}", client_id, e.what());
  }
}

}  // namespace

ClientHub::ClientHub(std::unique_ptr<TdJson> td, std::chrono::milliseconds default_deadline)
    : td_(std::move(td)), default_deadline_(default_deadline) {
  receive_thread_ = std::thread([this] { ReceiveLoop(); });
  timer_thread_ = std::thread([this] { TimerLoop(); });
}

ClientHub::~ClientHub() {
  bool open = false;
  {
    std::lock_guard lock(mutex_);
    open = !clients_.empty();
  }
  if (open && !CloseAll(kDestructorCloseTimeout)) {
    spdlog::error("telegram: some TDLib clients did not close within {} s",
                  kDestructorCloseTimeout.count());
  }
  stop_receive_ = true;
  receive_thread_.join();
  {
    std::lock_guard lock(mutex_);
    stop_timer_ = true;
  }
  timer_wakeup_.notify_all();
  timer_thread_.join();
  // Every request gets an answer, even on shutdown.
  for (auto& done : pending_.TakeAll()) {
    Run(done, Error(ErrorCode::kTelegramUnreachable, "tgmux is shutting down"));
  }
}

int ClientHub::CreateClient(UpdateHandler on_update) {
  int client_id = td_->CreateClientId();
  std::lock_guard lock(mutex_);
  auto& client = clients_[client_id];
  if (on_update) client.handler = std::make_shared<const UpdateHandler>(std::move(on_update));
  return client_id;
}

void ClientHub::ReleaseClient(int client_id) {
  {
    std::unique_lock lock(mutex_);
    auto client = clients_.find(client_id);
    if (client == clients_.end()) return;
    client->second.handler.reset();
    if (std::this_thread::get_id() != receive_thread_.get_id()) {
      dispatch_done_.wait(lock, [&] { return dispatching_ != client_id; });
    }
    client = clients_.find(client_id);  // the handler may have seen Closed meanwhile
    if (client == clients_.end()) return;
    if (!client->second.started) {
      clients_.erase(client);
      client_closed_.notify_all();
      return;
    }
  }
  SendClose(client_id, default_deadline_);
}

void ClientHub::Send(int client_id, nlohmann::json request, ResultHandler done,
                     std::optional<std::chrono::milliseconds> deadline) {
  auto invalid_field = FindInvalidUtf8(request);
  const bool fenced = std::chrono::steady_clock::now().time_since_epoch().count() >=
                          fence_ns_.load(std::memory_order_relaxed) &&
                      request.value("@type", "") != "close";
  std::uint64_t extra = 0;
  {
    std::lock_guard lock(mutex_);
    if (fenced) {
      PostLocked(std::move(done), Error(ErrorCode::kAccountNotReady,
                                        "this node's lease on the account lapsed; it runs where the lease is now"));
      return;
    }
    if (invalid_field) {
      PostLocked(std::move(done),
                 Error(ErrorCode::kInvalidRequest, "Field " + *invalid_field + " is not valid UTF-8"));
      return;
    }
    auto client = clients_.find(client_id);
    if (client == clients_.end() || client->second.state == AuthState::Kind::kClosed) {
      PostLocked(std::move(done), Error(ErrorCode::kAccountNotReady, "The account's Telegram client is closed"));
      return;
    }
    client->second.started = true;
    auto earliest = pending_.NextDeadline();
    extra = pending_.Add(client_id, std::move(done), Clock::now(), deadline.value_or(default_deadline_));
    if (!earliest || *pending_.NextDeadline() < *earliest) timer_wakeup_.notify_one();
  }
  request["@extra"] = extra;
  spdlog::trace("telegram: client {} <- {} #{}", client_id, request.value("@type", ""), extra);
  // Outside the lock: the first request to a client makes TDLib create it.
  td_->Send(client_id, request.dump());
}

void ClientHub::Fail(ResultHandler done, Error error) {
  std::lock_guard lock(mutex_);
  PostLocked(std::move(done), std::move(error));
}

std::uint64_t ClientHub::Expect(int client_id, ResultHandler done,
                                std::optional<std::chrono::milliseconds> deadline) {
  std::lock_guard lock(mutex_);
  auto client = clients_.find(client_id);
  if (client == clients_.end() || client->second.state == AuthState::Kind::kClosed) {
    PostLocked(std::move(done), Error(ErrorCode::kAccountNotReady, "The account's Telegram client is closed"));
    return 0;
  }
  auto earliest = pending_.NextDeadline();
  auto token = pending_.Add(client_id, std::move(done), Clock::now(), deadline.value_or(default_deadline_));
  if (!earliest || *pending_.NextDeadline() < *earliest) timer_wakeup_.notify_one();
  return token;
}

bool ClientHub::Complete(std::uint64_t token, Result<nlohmann::json> result) {
  std::optional<ResultHandler> done;
  {
    std::lock_guard lock(mutex_);
    done = pending_.Take(token);
  }
  if (!done) return false;
  Run(*done, std::move(result));
  return true;
}

Result<nlohmann::json> ClientHub::Execute(nlohmann::json request) {
  if (auto field = FindInvalidUtf8(request)) {
    return Error(ErrorCode::kInvalidRequest, "Field " + *field + " is not valid UTF-8");
  }
  auto answer = nlohmann::json::parse(td_->Execute(request.dump()), nullptr, false);
  if (answer.is_discarded() || !answer.is_object()) {
    return Error(ErrorCode::kInternal, "TDLib answered a synchronous request with something that is not JSON");
  }
  return answer;
}

std::string ClientHub::TdlibVersion() {
  auto answer = nlohmann::json::parse(td_->Execute(R"({"@type":"getOption","name":"version"})"),
                                      nullptr, false);
  if (answer.is_discarded() || answer.value("@type", "") != "optionValueString") return "";
  return answer.value("value", "");
}

HubStats ClientHub::Stats() const {
  std::lock_guard lock(mutex_);
  HubStats stats;
  for (const auto& [id, client] : clients_) ++stats.clients_by_state[std::string(KindName(client.state))];
  stats.requests_timed_out = timed_out_;
  stats.late_answers_dropped = late_dropped_;
  stats.requests_in_flight = pending_.size();
  return stats;
}

bool ClientHub::CloseAll(std::chrono::milliseconds timeout) {
  std::vector<int> open;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, client] : clients_) {
      if (client.state != AuthState::Kind::kClosed) open.push_back(id);
    }
  }
  // Never-used clients get a close too: TDLib then creates and closes them, so
  // their owners get the same single Closed, through the receive thread.
  for (int id : open) SendClose(id, timeout);
  std::unique_lock lock(mutex_);
  return client_closed_.wait_for(lock, timeout, [this] { return clients_.empty(); });
}

void ClientHub::SendClose(int client_id, std::chrono::milliseconds deadline) {
  // A close that meets a client already closing is answered "Request aborted";
  // the Closed update is what counts, so the answer is ignored.
  Send(client_id, {{"@type", "close"}}, nullptr, deadline);
}

void ClientHub::ReceiveLoop() {
  while (!stop_receive_) {
    const char* text = td_->Receive(kReceiveTimeoutSeconds);
    if (text != nullptr) Dispatch(text);
  }
}

void ClientHub::Dispatch(const char* text) {
  auto read = reader_.ReadForHub(text);
  if (!read) return;  // no handler reads it
  auto& object = *read;
  if (object.is_discarded() || !object.is_object()) {
    spdlog::warn("telegram: TDLib emitted something that is not a JSON object; dropped");
    return;
  }
  auto extra = object.find("@extra");
  if (extra == object.end()) {
    DeliverUpdate(std::move(object));
  } else if (extra->is_number_unsigned()) {
    auto id = extra->get<std::uint64_t>();  // before `object` is moved from
    DeliverAnswer(id, std::move(object));
  } else {
    spdlog::warn("telegram: answer with a foreign @extra dropped");
  }
}

void ClientHub::DeliverAnswer(std::uint64_t extra, nlohmann::json answer) {
  std::optional<ResultHandler> done;
  {
    std::lock_guard lock(mutex_);
    done = pending_.Take(extra);
    if (!done) {
      ++late_dropped_;
      spdlog::debug("telegram: late answer #{} ({}) dropped", extra, answer.value("@type", ""));
      return;
    }
  }
  Run(*done, ToResult(std::move(answer)));
}

void ClientHub::DeliverUpdate(nlohmann::json update) {
  int client_id = update.value("@client_id", 0);
  bool closed = false;
  std::shared_ptr<const UpdateHandler> handler;
  {
    std::lock_guard lock(mutex_);
    auto client = clients_.find(client_id);
    if (client == clients_.end()) {
      if (update.value("@type", "") == "error") {
        spdlog::warn("telegram: TDLib error without a request: {}", update.value("message", ""));
      }
      return;
    }
    if (update.value("@type", "") == "updateAuthorizationState") {
      const auto& state = update["authorization_state"];
      client->second.state = ParseAuthKind(state.is_object() ? state.value("@type", "") : "");
      closed = client->second.state == AuthState::Kind::kClosed;
    }
    handler = client->second.handler;
    if (handler) dispatching_ = client_id;
  }
  if (handler) {
    CallHandler(client_id, handler.get(), update);
    {
      std::lock_guard lock(mutex_);
      dispatching_ = 0;
    }
    dispatch_done_.notify_all();
  }
  if (closed) OnClosed(client_id);
}

void ClientHub::OnClosed(int client_id) {
  // TDLib answers a client's pending requests before its Closed; anything left
  // was sent too late for it (its "Request aborted" will be dropped as late).
  std::vector<ResultHandler> orphans;
  {
    std::lock_guard lock(mutex_);
    clients_.erase(client_id);
    orphans = pending_.TakeClient(client_id);
  }
  client_closed_.notify_all();
  for (auto& done : orphans) {
    Run(done, Error(ErrorCode::kAccountNotReady, "The account's Telegram client is closed"));
  }
}

void ClientHub::TimerLoop() {
  std::unique_lock lock(mutex_);
  while (true) {
    if (!refused_.empty()) {
      auto [done, error] = std::move(refused_.front());
      refused_.pop_front();
      lock.unlock();
      Run(done, std::move(error));
      lock.lock();
    } else if (stop_timer_) {
      return;
    } else if (auto expired = pending_.TakeExpired(Clock::now())) {
      ++timed_out_;
      lock.unlock();
      spdlog::debug("telegram: client {} request #{} timed out", expired->client_id, expired->extra);
      Run(expired->done, Error(ErrorCode::kTelegramUnreachable,
                               "Telegram did not answer within " + Seconds(expired->budget) + " s"));
      lock.lock();
    } else if (auto next = pending_.NextDeadline()) {
      timer_wakeup_.wait_until(lock, *next);
    } else {
      timer_wakeup_.wait(lock);
    }
  }
}

void ClientHub::PostLocked(ResultHandler done, Error error) {
  refused_.emplace_back(std::move(done), std::move(error));
  timer_wakeup_.notify_one();
}

}  // namespace tgmux::telegram
