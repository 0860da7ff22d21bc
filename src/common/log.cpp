#include "common/log.h"

#include <nlohmann/json.hpp>
#include <spdlog/formatter.h>
#include <spdlog/sinks/base_sink.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <ctime>
#include <mutex>
#include <string>
#include <thread>

namespace tgmux::log {
namespace {

// One JSON object per line: {"ts","level","logger","msg"}; the message is escaped
// properly, which a pattern string cannot do.
class JsonFormatter : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    auto seconds = std::chrono::time_point_cast<std::chrono::seconds>(msg.time);
    auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(msg.time - seconds).count();
    std::time_t t = std::chrono::system_clock::to_time_t(msg.time);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char stamp[64];
    std::snprintf(stamp, sizeof stamp, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(millis));
    nlohmann::ordered_json line;
    line["ts"] = stamp;
    line["level"] = std::string(spdlog::level::to_string_view(msg.level).data(),
                                spdlog::level::to_string_view(msg.level).size());
    line["msg"] = std::string(msg.payload.data(), msg.payload.size());
    auto text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    dest.append(text.data(), text.data() + text.size());
    dest.push_back('\n');
  }
  std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<JsonFormatter>(); }
};

// stderr, written at once when lines are rare and at most every kCoalesce when
// they are many (a busy server's access log): a line that comes within
// kCoalesce of the last write waits in a buffer for the writer thread, which
// takes everything buffered and writes it in one write(), outside the lock the
// logging threads append under (so none of them waits for the disk or the
// terminal). Warnings and errors are written at once, after what is buffered
// and what the writer is writing, so they are never held back; what is left
// is written when the logger goes (a clean exit).
class CoalescingStderrSink : public spdlog::sinks::base_sink<std::mutex> {
 public:
  static constexpr auto kCoalesce = std::chrono::milliseconds(2);

  CoalescingStderrSink() : writer_([this] { Run(); }) {}
  ~CoalescingStderrSink() override {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_one();
    writer_.join();
    WriteOut();
  }

 protected:
  // With mutex_ held (spdlog's sink lock).
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t formatted;
    formatter_->format(msg, formatted);
    buffer_.append(formatted.data(), formatted.size());
    if (msg.level >= spdlog::level::warn || (buffer_.size() == formatted.size() && Clock::now() >= next_write_)) {
      WriteOut();
    } else if (buffer_.size() == formatted.size()) {
      wake_.notify_one();  // the first line waiting: the writer writes it by next_write_
    }
  }
  void flush_() override { WriteOut(); }

 private:
  using Clock = std::chrono::steady_clock;

  // With mutex_ held: everything buffered, after what the writer is writing.
  void WriteOut() {
    std::lock_guard writing(writing_);
    Write(buffer_);
    buffer_.clear();
    next_write_ = Clock::now() + kCoalesce;
  }

  // With writing_ held.
  static void Write(const std::string& text) {
    std::size_t done = 0;
    while (done < text.size()) {
      ssize_t n = ::write(STDERR_FILENO, text.data() + done, text.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;  // nowhere to write: the lines are lost, as with a closed stderr
      done += static_cast<std::size_t>(n);
    }
  }

  void Run() {
    std::string taken;
    std::unique_lock lock(mutex_);
    while (!stopping_) {
      wake_.wait(lock, [this] { return stopping_ || !buffer_.empty(); });
      if (stopping_) break;
      wake_.wait_until(lock, next_write_, [this] { return stopping_; });
      if (buffer_.empty()) continue;
      taken.swap(buffer_);
      next_write_ = Clock::now() + kCoalesce;
      {
        // Taken before the sink lock is let go (the order WriteOut takes them
        // in too): a warning logged meanwhile is written after these lines.
        std::lock_guard writing(writing_);
        lock.unlock();
        Write(taken);
      }
      taken.clear();
      lock.lock();
    }
  }

  std::string buffer_;
  Clock::time_point next_write_{};
  bool stopping_ = false;
  std::condition_variable wake_;
  std::mutex writing_;  // held while writing: one write at a time, in the order taken
  std::thread writer_;  // last: it starts once the rest is ready
};

}  // namespace

void Setup(const std::string& level, const std::string& format) {
  auto logger = std::make_shared<spdlog::logger>("tgmux", std::make_shared<CoalescingStderrSink>());
  if (format == "json") {
    logger->set_formatter(std::make_unique<JsonFormatter>());
  } else {
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%-5l%$ %v");
  }
  logger->set_level(spdlog::level::from_str(level));
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(logger);
}

}  // namespace tgmux::log
