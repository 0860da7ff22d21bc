#include "store/sql.h"

#include <cctype>
#include <string>
#include <vector>

namespace tgmux::store::sql {
namespace {

std::vector<std::string> SplitColumns(std::string_view list) {
  std::vector<std::string> out;
  std::string current;
  for (char c : list) {
    if (c == ',') {
      out.push_back(current);
      current.clear();
    } else if (!std::isspace(static_cast<unsigned char>(c))) {
      current += c;
    }
  }
  if (!current.empty()) out.push_back(current);
  return out;
}

}  // namespace

Prepared* Connection::Acquire(const std::string& sql, std::unique_ptr<Prepared>& owned) {
  Kept& kept = kept_[sql];
  if (!kept.prepared) {
    kept.prepared = Prepare(sql);
    by_pointer_[kept.prepared.get()] = &kept;  // map nodes do not move
  }
  if (!kept.busy) {
    kept.busy = true;
    return kept.prepared.get();
  }
  owned = Prepare(sql);
  return owned.get();
}

void Connection::Release(Prepared* prepared) {
  if (auto it = by_pointer_.find(prepared); it != by_pointer_.end()) it->second->busy = false;
}

Statement::Statement(Connection& connection, const std::string& sql)
    : connection_(connection), prepared_(connection.Acquire(sql, owned_)) {}

Statement::~Statement() {
  try {
    prepared_->Reset();
  } catch (...) {
    // A statement that cannot even reset is dropped with its connection.
  }
  if (!owned_) connection_.Release(prepared_);
}

Transaction::Transaction(Connection& connection, bool for_writing) : connection_(connection) {
  connection_.Begin(for_writing);
}

Transaction::~Transaction() {
  if (!open_) return;
  try {
    connection_.ExecScript("ROLLBACK");
  } catch (...) {
    // The connection is gone; the database rolled back by itself.
  }
}

void Transaction::Commit() {
  connection_.ExecScript("COMMIT");
  open_ = false;
}

std::string IndexedBy(const Connection& connection, std::string_view index) {
  if (connection.dialect() != Dialect::kSqlite) return "";
  return " INDEXED BY " + std::string(index);
}

std::string Greatest(const Connection& connection, std::string_view a, std::string_view b) {
  const char* name = connection.dialect() == Dialect::kSqlite ? "MAX(" : "GREATEST(";
  return name + std::string(a) + ", " + std::string(b) + ")";
}

std::string ForUpdate(const Connection& connection) {
  return connection.dialect() == Dialect::kPostgres ? " FOR UPDATE" : "";
}

std::string Upsert(std::string_view table, std::string_view columns, std::string_view keys) {
  const std::vector<std::string> all = SplitColumns(columns);
  const std::vector<std::string> key_list = SplitColumns(keys);
  std::string values;
  std::string updates;
  for (std::size_t i = 0; i < all.size(); ++i) {
    values += (i == 0 ? "?" : ", ?") + std::to_string(i + 1);
    bool is_key = false;
    for (const auto& key : key_list) is_key = is_key || key == all[i];
    if (is_key) continue;
    updates += (updates.empty() ? "" : ", ") + all[i] + " = excluded." + all[i];
  }
  std::string sql = "INSERT INTO " + std::string(table) + " (" + std::string(columns) + ") VALUES (" + values +
                    ") ON CONFLICT (" + std::string(keys) + ") DO ";
  return sql + (updates.empty() ? "NOTHING" : "UPDATE SET " + updates);
}

std::string PostgresPlaceholders(std::string_view sql, std::vector<int>* numbers) {
  // First pass: SQLite's number of every placeholder, in order.
  std::vector<std::pair<std::size_t, std::size_t>> spans;  // where each one stands
  std::vector<int> sqlite_numbers;
  int highest = 0;
  bool quoted = false;
  for (std::size_t i = 0; i < sql.size(); ++i) {
    if (sql[i] == '\'') quoted = !quoted;
    if (quoted || sql[i] != '?') continue;
    // SQLite numbers a bare `?` one past the highest index so far.
    int number = 0;
    std::size_t j = i + 1;
    while (j < sql.size() && std::isdigit(static_cast<unsigned char>(sql[j]))) number = number * 10 + (sql[j++] - '0');
    if (j == i + 1) number = highest + 1;
    if (number > highest) highest = number;
    spans.emplace_back(i, j);
    sqlite_numbers.push_back(number);
    i = j - 1;
  }
  // PostgreSQL's numbers: the used ones, dense and in SQLite's order.
  std::vector<int> map(static_cast<std::size_t>(highest) + 1, 0);
  for (int n : sqlite_numbers) map[static_cast<std::size_t>(n)] = 1;
  int next = 0;
  for (auto& m : map) m = m != 0 ? ++next : 0;
  std::string out;
  out.reserve(sql.size() + 16);
  std::size_t at = 0;
  for (std::size_t k = 0; k < spans.size(); ++k) {
    out.append(sql.substr(at, spans[k].first - at));
    out += "$" + std::to_string(map[static_cast<std::size_t>(sqlite_numbers[k])]);
    at = spans[k].second;
  }
  out.append(sql.substr(at));
  if (numbers != nullptr) *numbers = std::move(map);
  return out;
}

}  // namespace tgmux::store::sql
