// A scripted TdJson for unit tests: records what is sent, lets the test emit
// updates and answers, and checks that only one thread ever calls Receive.
#pragma once

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "telegram/tdjson.h"

namespace tgmux::telegram::testing {

struct SentRequest {
  int client_id;
  nlohmann::json request;
};

class FakeTdJson final : public TdJson {
 public:
  // Called for every request after it is recorded (e.g. to answer it).
  using Responder = std::function<void(FakeTdJson& fake, const SentRequest& sent)>;

  int CreateClientId() override { return ++last_id_; }

  void Send(int client_id, std::string_view request) override {
    SentRequest sent{client_id, nlohmann::json::parse(request)};
    Responder responder;
    {
      std::lock_guard lock(mutex_);
      sent_.push_back(sent);
      responder = responder_;
    }
    changed_.notify_all();
    if (responder) responder(*this, sent);
  }

  const char* Receive(double timeout_seconds) override {
    if (receiving_.fetch_add(1) != 0) concurrent_receive_ = true;
    std::unique_lock lock(mutex_);
    receive_threads_.insert(std::this_thread::get_id());
    changed_.wait_for(lock, std::chrono::duration<double>(timeout_seconds),
                      [this] { return !queue_.empty(); });
    const char* result = nullptr;
    if (!queue_.empty()) {
      current_ = std::move(queue_.front());
      queue_.pop_front();
      result = current_.c_str();
    }
    receiving_.fetch_sub(1);
    return result;
  }

  std::string Execute(std::string_view request) override {
    std::function<std::string(const nlohmann::json&)> executor;
    {
      std::lock_guard lock(mutex_);
      executor = executor_;
      executed_.push_back(nlohmann::json::parse(request));
    }
    if (executor) return executor(nlohmann::json::parse(request));
    return R"({"@type":"optionValueString","value":"9.9.9"})";
  }

  // Answers td_execute requests (default: a version string).
  void SetExecutor(std::function<std::string(const nlohmann::json&)> executor) {
    std::lock_guard lock(mutex_);
    executor_ = std::move(executor);
  }

  std::vector<nlohmann::json> executed() const {
    std::lock_guard lock(mutex_);
    return executed_;
  }

  // Test side.
  void Emit(const nlohmann::json& object) {
    {
      std::lock_guard lock(mutex_);
      queue_.push_back(object.dump());
    }
    changed_.notify_all();
  }

  // Answers `sent` with `answer` (adds its @extra and @client_id).
  void Answer(const SentRequest& sent, nlohmann::json answer) {
    answer["@extra"] = sent.request["@extra"];
    answer["@client_id"] = sent.client_id;
    Emit(answer);
  }

  void EmitState(int client_id, nlohmann::json state) {
    Emit({{"@type", "updateAuthorizationState"}, {"authorization_state", std::move(state)},
          {"@client_id", client_id}});
  }

  void SetResponder(Responder responder) {
    std::lock_guard lock(mutex_);
    responder_ = std::move(responder);
  }

  // The first request of `type` (optionally to `client_id`), waiting up to 5 s.
  std::optional<SentRequest> WaitForSent(const std::string& type, int client_id = 0) {
    std::unique_lock lock(mutex_);
    std::optional<SentRequest> found;
    changed_.wait_for(lock, std::chrono::seconds(5), [&] {
      for (const auto& sent : sent_) {
        if (sent.request.value("@type", "") == type && (client_id == 0 || sent.client_id == client_id)) {
          found = sent;
          return true;
        }
      }
      return false;
    });
    return found;
  }

  std::vector<SentRequest> sent() const {
    std::lock_guard lock(mutex_);
    return sent_;
  }

  bool concurrent_receive() const { return concurrent_receive_; }
  std::size_t receive_thread_count() const {
    std::lock_guard lock(mutex_);
    return receive_threads_.size();
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::string> queue_;
  std::string current_;
  std::vector<SentRequest> sent_;
  Responder responder_;
  std::function<std::string(const nlohmann::json&)> executor_;
  std::vector<nlohmann::json> executed_;
  std::set<std::thread::id> receive_threads_;
  std::atomic<int> last_id_{0};
  std::atomic<int> receiving_{0};
  std::atomic<bool> concurrent_receive_{false};
};

// Answers close like TDLib: ok, Closing, Closed.
inline void CloseLikeTdlib(FakeTdJson& fake, const SentRequest& sent) {
  if (sent.request.value("@type", "") != "close") return;
  fake.Answer(sent, {{"@type", "ok"}});
  fake.EmitState(sent.client_id, {{"@type", "authorizationStateClosing"}});
  fake.EmitState(sent.client_id, {{"@type", "authorizationStateClosed"}});
}

}  // namespace tgmux::telegram::testing
