#pragma once
// The library's link to one tgsim: a TCP connection upgraded on GET /lib, then
// newline-delimited frames both ways. A background thread connects (retrying while
// tgsim is unreachable, like TDLib waiting for the network) and reads.
#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace tgsim::lib {

class Connection {
 public:
  // on_line runs on the reader thread for every line tgsim sends.
  Connection(std::string host, int port, std::function<void(std::string_view)> on_line);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Queues one frame; frames sent before the connection is up go out once it is.
  void Send(std::string frame);

 private:
  void Run();
  bool Connect();
  void ReadLoop();
  void FlushLocked();

  std::string host_;
  int port_;
  std::function<void(std::string_view)> on_line_;
  std::mutex mutex_;
  int fd_ = -1;
  std::string unsent_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace tgsim::lib
