#pragma once
// The process-wide state behind the C functions, like TDLib's ClientManager: client
// ids, the one output queue td_receive reads, the connections to tgsim (one per
// TDSIM_ADDR seen when a client was created) and each client's database directory.
#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "sim/lib/connection.h"
#include "sim/lib/local_db.h"

namespace tgsim::lib {

class ClientHub {
 public:
  static ClientHub& Get();

  int CreateClientId(bool legacy = false);
  void Send(int client_id, const char* request);
  // Blocks up to `timeout` seconds; nullptr on timeout. Aborts the process when two
  // threads are inside at once, as TDLib does.
  const char* Receive(double timeout);
  // The td_json_client_* interface: a queue per client, no @client_id.
  const char* ReceiveLegacy(int client_id, double timeout);
  const char* Execute(const char* request);

 private:
  struct Client {
    Connection* connection = nullptr;
    bool legacy = false;
    std::optional<DbLocation> pending_db, bound_db;
    std::deque<std::string> legacy_queue;
    bool held = false;  // waiting for a locked directory: later frames wait too
    std::deque<std::string> held_frames;
  };

  Connection* ConnectionFor(const std::string& address);
  void OnLine(std::string_view line);
  void HandleOp(int client_id, Client& client, const Json& op);
  void Unbind(int client_id, Client& client);
  void Push(int client_id, std::string object);
  Json PrepareParameters(int client_id, Client& client, const Json& request, Json& frame);
  bool LockedByOther(int client_id, const DbLocation& location) const;
  void WaitForLock(int client_id, Json frame, DbLocation location);

  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::string> queue_;
  std::map<int, Client> clients_;
  // Which client holds each bound database file (DbLocation::Path()): the lock
  // check of setTdlibParameters must not look at every client.
  std::map<std::string, int> bound_paths_;
  std::map<std::string, std::unique_ptr<Connection>> connections_;
  std::atomic<int> next_id_{1};
  std::atomic<bool> receiving_{false};
};

// The string td_receive / td_execute return: valid until the next call on this thread.
const char* StoreForThisThread(std::string value);

}  // namespace tgsim::lib
