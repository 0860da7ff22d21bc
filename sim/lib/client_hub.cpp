#include "sim/lib/client_hub.h"

#include <sodium.h>
#include <unistd.h>

#include <chrono>
#include <thread>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string_view>

#include "sim/tdapi/request.h"
#include "sim/tdapi/sync_methods.h"

namespace tgsim::lib {

const char* StoreForThisThread(std::string value) {
  thread_local std::string buffer;
  buffer = std::move(value);
  return buffer.c_str();
}

namespace {

// tgsim reads the files the app sends and writes its downloads itself, so it needs this
// process's working directory for relative paths.
Json WithWorkingDirectory(Json db) {
  char cwd[4096];
  if (db.is_object() && getcwd(cwd, sizeof cwd) != nullptr) db["cwd"] = std::string(cwd);
  return db;
}

// The library reads a request itself only to open the database of setTdlibParameters, or
// to answer for an unknown client; everything else goes to tgsim as it came, and tgsim
// parses it. The method's name can only be spelt out literally or with \u escapes.
bool MayBeSetTdlibParameters(std::string_view raw) {
  return raw.find("setTdlibParameters") != std::string_view::npos || raw.find("\\u") != std::string_view::npos;
}

}  // namespace

ClientHub& ClientHub::Get() {
  // Never destroyed: clients may still be in use while static destructors run.
  static ClientHub* hub = new ClientHub();
  return *hub;
}

int ClientHub::CreateClientId(bool legacy) {
  int id = next_id_.fetch_add(1);
  const char* env = std::getenv("TDSIM_ADDR");
  std::string address = env != nullptr && *env != '\0' ? env : "127.0.0.1:7780";
  std::lock_guard lock(mutex_);
  Client& client = clients_[id];
  client.connection = ConnectionFor(address);
  client.legacy = legacy;
  return id;
}

Connection* ClientHub::ConnectionFor(const std::string& address) {
  auto& connection = connections_[address];
  if (!connection) {
    auto colon = address.rfind(':');
    std::string host = colon == std::string::npos ? address : address.substr(0, colon);
    int port = colon == std::string::npos ? 7780 : std::atoi(address.c_str() + colon + 1);
    connection = std::make_unique<Connection>(host, port, [this](std::string_view line) { OnLine(line); });
  }
  return connection.get();
}

void ClientHub::Send(int client_id, const char* request) {
  std::string raw = request != nullptr ? request : "";
  std::optional<ParsedRequest> parsed;
  if (MayBeSetTdlibParameters(raw)) parsed = ParseRequest(raw);
  std::unique_lock lock(mutex_);
  auto it = clients_.find(client_id);
  if (it == clients_.end()) {
    lock.unlock();
    if (!parsed) parsed = ParseRequest(raw);
    Json error = MakeError(400, "Invalid TDLib instance specified");
    return Push(client_id, Envelope(error, parsed->error ? std::nullopt : parsed->extra, client_id));
  }
  Json frame = {{"c", client_id}, {"raw", std::move(raw)}};
  if (it->second.held) return it->second.held_frames.push_back(frame.dump());
  if (parsed && !parsed->error && parsed->type == "setTdlibParameters") {
    frame["db"] = PrepareParameters(client_id, it->second, parsed->object, frame);
    if (it->second.held) return;
  }
  Connection* connection = it->second.connection;
  lock.unlock();
  connection->Send(frame.dump());
}

bool ClientHub::LockedByOther(int client_id, const DbLocation& location) const {
  auto it = bound_paths_.find(location.Path());
  return it != bound_paths_.end() && it->second != client_id;
}

// Opens the database directory the way TDLib does before init; tgsim decides whether
// the parameters are accepted and then tells us (db_bind) to keep using this place.
Json ClientHub::PrepareParameters(int client_id, Client& client, const Json& request, Json& frame) {
  DbLocation location;
  try {
    location.directory = GetString(request, "database_directory");
    std::string key64 = GetString(request, "database_encryption_key");
    location.key.resize(key64.size());
    std::size_t key_len = 0;
    if (!key64.empty() && sodium_base642bin(reinterpret_cast<unsigned char*>(location.key.data()),
                                            location.key.size(), key64.data(), key64.size(), " \n",
                                            &key_len, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0) {
      return Json{{"error", {{"code", 400}, {"message", "Wrong padding length"}}}};
    }
    location.key.resize(key_len);
    location.file = GetBool(request, "use_test_dc") ? "td_test.binlog" : "td.binlog";
  } catch (const RequestParseError&) {
    return Json::object();  // tgsim reports the parse error itself
  }
  if (location.directory.empty()) {
    char cwd[4096];
    location.directory = getcwd(cwd, sizeof cwd) ? cwd : ".";
  }
  if (LockedByOther(client_id, location)) {
    client.held = true;
    std::thread([this, client_id, frame, location] { WaitForLock(client_id, frame, location); }).detach();
    return Json::object();
  }
  client.pending_db = location;
  return WithWorkingDirectory(OpenLocalDb(location));
}

// TDLib retries a locked binlog 100 times, 100 ms apart, before it gives up.
void ClientHub::WaitForLock(int client_id, Json frame, DbLocation location) {
  for (int attempt = 0;; ++attempt) {
    std::unique_lock lock(mutex_);
    bool locked = LockedByOther(client_id, location);
    if (!locked || attempt >= 100) {
      Client& client = clients_[client_id];
      if (locked) {
        frame["db"] = Json{{"error", {{"code", 400}, {"message", "Can't lock file \"" + location.Path() +
                                        "\", because it is already in use by current program"}}}};
      } else {
        client.pending_db = location;
        frame["db"] = WithWorkingDirectory(OpenLocalDb(location));
      }
      // Still under the lock, so that no newer request overtakes the held ones.
      client.connection->Send(frame.dump());
      for (auto& held : client.held_frames) client.connection->Send(std::move(held));
      client.held_frames.clear();
      client.held = false;
      return;
    }
    lock.unlock();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

// A line from tgsim: "<client id> <object>" for td_receive, "<client id> !<op>" for us.
void ClientHub::OnLine(std::string_view line) {
  auto space = line.find(' ');
  if (space == std::string_view::npos) return;
  int client_id = std::atoi(std::string(line.substr(0, space)).c_str());
  std::string_view rest = line.substr(space + 1);
  if (!rest.empty() && rest[0] == '!') {
    Json op = Json::parse(rest.substr(1), nullptr, false);
    std::lock_guard lock(mutex_);
    auto it = clients_.find(client_id);
    if (it != clients_.end() && op.is_object()) HandleOp(client_id, it->second, op);
    return;
  }
  Push(client_id, std::string(rest));
}

void ClientHub::Unbind(int client_id, Client& client) {
  if (!client.bound_db) return;
  auto it = bound_paths_.find(client.bound_db->Path());
  if (it != bound_paths_.end() && it->second == client_id) bound_paths_.erase(it);
  client.bound_db.reset();
}

void ClientHub::HandleOp(int client_id, Client& client, const Json& op) {
  std::string name = op.value("op", "");
  if (name == "db_bind" && client.pending_db) {
    Unbind(client_id, client);
    client.bound_db = client.pending_db;
    bound_paths_[client.bound_db->Path()] = client_id;
    InitLocalDb(*client.bound_db);
  } else if (name == "db_write" && client.bound_db) {
    WriteLocalDb(*client.bound_db, op.value("data", Json::object()));
  } else if (name == "db_wipe" && client.bound_db) {
    WipeLocalDb(*client.bound_db);
  } else if (name == "closed") {
    Unbind(client_id, client);  // the directory is free for another client
  }
}

void ClientHub::Push(int client_id, std::string object) {
  {
    std::lock_guard lock(mutex_);
    auto it = clients_.find(client_id);
    if (it != clients_.end() && it->second.legacy) {
      // The old interface had no @client_id: cut the trailing ,"@client_id":N.
      auto pos = object.rfind(",\"@client_id\":");
      if (pos != std::string::npos) object = object.substr(0, pos) + "}";
      it->second.legacy_queue.push_back(std::move(object));
    } else {
      queue_.push_back(std::move(object));
    }
  }
  ready_.notify_all();
}

const char* ClientHub::Receive(double timeout) {
  if (receiving_.exchange(true)) {
    std::fprintf(stderr,
                 "[ 0][t 0][tgsim] Receive must not be called simultaneously from two different threads, "
                 "but this has just happened. Call it from a fixed thread, dedicated for updates and "
                 "response processing.\n");
    std::abort();
  }
  timeout = std::min(std::max(timeout, 0.0), 1e6);
  std::unique_lock lock(mutex_);
  ready_.wait_for(lock, std::chrono::duration<double>(timeout), [this] { return !queue_.empty(); });
  const char* result = nullptr;
  if (!queue_.empty()) {
    result = StoreForThisThread(std::move(queue_.front()));
    queue_.pop_front();
  }
  receiving_ = false;
  return result;
}

const char* ClientHub::ReceiveLegacy(int client_id, double timeout) {
  std::unique_lock lock(mutex_);
  auto& queue = clients_[client_id].legacy_queue;
  ready_.wait_for(lock, std::chrono::duration<double>(std::min(std::max(timeout, 0.0), 1e6)),
                  [&] { return !queue.empty(); });
  if (queue.empty()) return nullptr;
  const char* result = StoreForThisThread(std::move(queue.front()));
  queue.pop_front();
  return result;
}

const char* ClientHub::Execute(const char* request) {
  ParsedRequest parsed = ParseRequest(request != nullptr ? request : "");
  Json result = parsed.error ? *parsed.error : ExecuteSynchronous(parsed.object);
  return StoreForThisThread(Envelope(result, parsed.extra, 0));
}

}  // namespace tgsim::lib
