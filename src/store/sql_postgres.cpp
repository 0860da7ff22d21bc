// The PostgreSQL dialect of sql.h: statements prepared once per connection,
// parameters sent as text (bytea in its hex form), results read whole.
#include "store/sql_postgres.h"

#include "common/hex.h"

#include <libpq-fe.h>

#include <pqxx/pqxx>
#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace tgmux::store::sql {
namespace {

constexpr unsigned kByteaOid = 17;

// libpq's reading of a conninfo: keyword -> value, or its error.
struct Conninfo {
  std::vector<std::pair<std::string, std::string>> values;
  std::string error;
  std::string Get(const std::string& keyword) const {
    for (const auto& [k, v] : values) {
      if (k == keyword) return v;
    }
    return "";
  }
};

Conninfo Parse(const std::string& conninfo) {
  Conninfo out;
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &error);
  if (options == nullptr) {
    out.error = error != nullptr ? error : "cannot be read";
    if (error != nullptr) PQfreemem(error);
    return out;
  }
  for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (o->val != nullptr) out.values.emplace_back(o->keyword, o->val);
  }
  PQconninfoFree(options);
  return out;
}

// One line, without the password even where libpq quotes the input.
std::string Clean(std::string text, const std::string& password) {
  if (!password.empty()) {
    for (auto at = text.find(password); at != std::string::npos; at = text.find(password, at)) {
      text.replace(at, password.size(), "***");
    }
  }
  std::string out;
  for (char c : text) {
    const bool space = c == '\n' || c == '\t' || c == '\r';
    if (space && (out.empty() || out.back() == ' ')) continue;
    out += space ? ' ' : c;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

Error Translate(const std::exception& e) {
  if (dynamic_cast<const pqxx::unique_violation*>(&e) != nullptr) {
    return Error(Error::Kind::kUniqueViolation, Clean(e.what(), ""));
  }
  if (dynamic_cast<const pqxx::broken_connection*>(&e) != nullptr ||
      dynamic_cast<const pqxx::in_doubt_error*>(&e) != nullptr) {
    return Error(Error::Kind::kConnectionLost, Clean(e.what(), ""));
  }
  // The server going away: class 08 (connection exception) and 57P01-57P03
  // (shut down by the administrator, crash, cannot connect now).
  if (const auto* failed = dynamic_cast<const pqxx::sql_error*>(&e)) {
    const std::string& state = failed->sqlstate();
    if (state.starts_with("08") || state == "57P01" || state == "57P02" || state == "57P03") {
      return Error(Error::Kind::kConnectionLost, Clean(e.what(), ""));
    }
  }
  return Error(Error::Kind::kOther, Clean(e.what(), ""));
}

template <typename F>
auto Guarded(F&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw Translate(e);
  }
}


class PostgresPrepared final : public Prepared {
 public:
  PostgresPrepared(pqxx::nontransaction& work, std::string name, std::vector<int> numbers)
      : work_(work), name_(std::move(name)), numbers_(std::move(numbers)) {}

  void BindText(int index, std::string_view text) override { Param(index) = std::string(text); }
  void BindInt(int index, std::int64_t value) override { Param(index) = std::to_string(value); }
  void BindBytes(int index, std::string_view bytes) override { Param(index) = "\\x" + ToHex(bytes); }
  int Exec() override {
    Run();
    return static_cast<int>(result_.affected_rows());
  }
  bool Step() override {
    if (!ran_) Run();
    return ++row_ < static_cast<long>(result_.size());
  }
  std::string Text(int column) override {
    return Guarded([&] {
      const pqxx::field field = result_[row_][column];
      if (field.is_null()) return std::string();
      if (field.type() == kByteaOid) return pqxx::binarystring(field).str();
      return std::string(field.c_str(), field.size());
    });
  }
  std::int64_t Int64(int column) override {
    return Guarded([&] {
      const pqxx::field field = result_[row_][column];
      return field.is_null() ? std::int64_t{0} : field.as<std::int64_t>();
    });
  }
  void Reset() override {
    params_.clear();
    result_ = pqxx::result();
    ran_ = false;
    row_ = -1;
  }

 private:
  // PostgreSQL's parameter for SQLite's number `index` (a scratch value for
  // one the statement does not use).
  std::string& Param(int index) {
    const int number = index > 0 && static_cast<std::size_t>(index) < numbers_.size() ? numbers_[index] : 0;
    if (number == 0) return unused_;
    if (static_cast<std::size_t>(number) > params_.size()) params_.resize(static_cast<std::size_t>(number));
    return params_[static_cast<std::size_t>(number) - 1];
  }
  void Run() {
    Guarded([&] { result_ = work_.exec_prepared(name_, pqxx::prepare::make_dynamic_params(params_)); });
    ran_ = true;
    row_ = -1;
  }

  pqxx::nontransaction& work_;
  const std::string name_;
  const std::vector<int> numbers_;
  std::vector<std::string> params_;
  std::string unused_;
  pqxx::result result_;
  bool ran_ = false;
  long row_ = -1;
};

class PostgresConnection final : public Connection {
 public:
  explicit PostgresConnection(const std::string& conninfo) : connection_(conninfo), work_(connection_) {}
  ~PostgresConnection() override { DropPrepared(); }

  Dialect dialect() const override { return Dialect::kPostgres; }
  void ExecScript(const std::string& sql) override {
    Guarded([&] { work_.exec(sql); });
  }

 protected:
  std::unique_ptr<Prepared> Prepare(const std::string& sql) override {
    std::string name = "tgmux_" + std::to_string(++prepared_count_);
    std::vector<int> numbers;
    const std::string translated = PostgresPlaceholders(sql, &numbers);
    Guarded([&] { connection_.prepare(name, translated); });
    return std::make_unique<PostgresPrepared>(work_, std::move(name), std::move(numbers));
  }

 private:
  pqxx::connection connection_;
  pqxx::nontransaction work_;
  int prepared_count_ = 0;
};

}  // namespace

namespace {

class Receiver final : public pqxx::notification_receiver {
 public:
  Receiver(pqxx::connection_base& connection, const std::string& channel,
           const std::function<void(const std::string&)>& heard)
      : pqxx::notification_receiver(connection, channel), heard_(heard) {}
  void operator()(const std::string& payload, int /*backend_pid*/) override { heard_(payload); }

 private:
  const std::function<void(const std::string&)>& heard_;
};

class Listener final : public PostgresListener {
 public:
  Listener(std::string conninfo, std::string channel, std::function<void(const std::string&)> heard)
      : conninfo_(std::move(conninfo)), channel_(std::move(channel)), heard_(std::move(heard)) {
    thread_ = std::thread([this] { Run(); });
  }
  ~Listener() override {
    stopping_ = true;
    thread_.join();
  }

 private:
  void Run() {
    auto backoff = std::chrono::milliseconds(100);
    bool first = true;
    while (!stopping_) {
      try {
        pqxx::connection connection(conninfo_);
        Receiver receiver(connection, channel_, heard_);
        connection.get_notifs();  // LISTEN is sent now
        if (!first) heard_("");   // whatever was sent while away was missed
        first = false;
        backoff = std::chrono::milliseconds(100);
        while (!stopping_) connection.await_notification(0, 200000);
      } catch (const std::exception&) {
        // Lost (or never made): try again, a little later each time.
        first = false;
        for (auto waited = std::chrono::milliseconds(0); waited < backoff && !stopping_;
             waited += std::chrono::milliseconds(50)) {
          std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
      }
    }
  }

  const std::string conninfo_;
  const std::string channel_;
  const std::function<void(const std::string&)> heard_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace

std::unique_ptr<PostgresListener> ListenPostgres(const std::string& conninfo, const std::string& channel,
                                                 std::function<void(const std::string& payload)> heard) {
  return std::make_unique<Listener>(conninfo, channel, std::move(heard));
}

std::optional<std::string> PostgresConninfoError(const std::string& conninfo) {
  Conninfo parsed = Parse(conninfo);
  if (parsed.error.empty()) return std::nullopt;
  return Clean(parsed.error, "");
}

std::unique_ptr<Connection> OpenPostgres(const std::string& conninfo) {
  const Conninfo parsed = Parse(conninfo);
  if (!parsed.error.empty()) throw Error(Error::Kind::kOther, Clean(parsed.error, ""));
  try {
    return std::make_unique<PostgresConnection>(conninfo);
  } catch (const pqxx::broken_connection& e) {
    throw Error(Error::Kind::kConnectionLost, Clean(e.what(), parsed.Get("password")));
  } catch (const std::exception& e) {
    throw Error(Error::Kind::kOther, Clean(e.what(), parsed.Get("password")));
  }
}

std::string DescribePostgres(const std::string& conninfo) {
  const Conninfo parsed = Parse(conninfo);
  std::string host = parsed.Get("host");
  if (host.empty()) host = parsed.Get("hostaddr");
  std::string port = parsed.Get("port");
  std::string db = parsed.Get("dbname");
  if (db.empty()) db = parsed.Get("user");
  return "PostgreSQL database " + (db.empty() ? std::string("(default)") : db) + " on " +
         (host.empty() ? std::string("localhost") : host) + ":" + (port.empty() ? std::string("5432") : port);
}

}  // namespace tgmux::store::sql
