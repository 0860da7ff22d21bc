#include "store/rekey/rotation.h"

#include <nlohmann/json.hpp>

#include "common/hex.h"
#include "store/migrations.h"
#include "store/rekey/sealed_columns.h"
#include "store/sql_meta.h"
#include "store/sql_postgres.h"
#include "store/sql_sqlite.h"
#include "store/transfer/schema.h"

namespace tgmux::store::rekey {
namespace {

using nlohmann::json;
using transfer::ColumnKind;

constexpr int kBusyTimeoutMs = 5000;

// How far a rotation got: the next column of MasterSealedColumns() and the
// key of the last row done in it (null: none yet).
struct Record {
  std::string new_key_check;  // Envelope::MakeKeyCheck of the new key
  std::size_t next = 0;
  json after = nullptr;
  std::int64_t batches = 0;

  std::string Dump() const {
    return json{{"new_key_check", ToHex(new_key_check)}, {"next", next}, {"after", after}, {"batches", batches}}.dump();
  }
  static Record Parse(const std::string& text) {
    auto j = json::parse(text);
    return Record{FromHex(j.at("new_key_check").get<std::string>()).value(), j.at("next").get<std::size_t>(), j.at("after"),
                  j.value("batches", std::int64_t{0})};
  }
  bool Done() const { return next >= MasterSealedColumns().size(); }
};

std::unique_ptr<sql::Connection> Open(const RotationOptions& options) {
  std::unique_ptr<sql::Connection> db;
  if (!options.postgres.empty()) {
    db = sql::OpenPostgres(options.postgres);
  } else {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(options.sqlite, ec)) {
      throw RotationRefused("database " + options.sqlite.string() + " does not exist: nothing to rotate");
    }
    db = sql::OpenSqlite(options.sqlite.string(), false, kBusyTimeoutMs);
  }
  const int version = RecordedSchemaVersion(*db);
  if (version != Migrations().back().version) {
    throw RotationRefused("the database has schema version " + std::to_string(version) + ", this tgmux writes " +
                          std::to_string(Migrations().back().version) +
                          ": rotate with the tgmux that wrote it, or start this one once first");
  }
  return db;
}

// Re-seals the values of one batch of one column; returns the rows read.
class ColumnBatch {
 public:
  ColumnBatch(sql::Connection& db, const SealedColumn& column, const crypto::Envelope& old_key,
              const crypto::Envelope& new_key)
      : db_(db), column_(column), old_(old_key), new_(new_key) {
    for (const auto& c : transfer::ListColumns(db, column.table)) {
      for (auto key : column.keys) {
        if (c.name == key) integer_keys_.push_back(c.kind == ColumnKind::kInteger);
      }
    }
  }

  // Rows after `after` (null: from the first), at most `limit`; `after` becomes the last row's key.
  int Run(json& after, int limit, std::int64_t& resealed) {
    struct Row {
      json key;
      std::string id;
      std::string sealed;
    };
    // Read first, then write: SQLite does not promise what a query still
    // stepping sees of its table's rows changed under it.
    std::vector<Row> batch;
    {
      sql::Statement rows(db_, SelectSql(!after.is_null(), limit));
      if (!after.is_null()) BindKey(rows, 1, after);
      const int n = static_cast<int>(column_.keys.size());
      while (rows.Step()) {
        Row row{json::array(), rows.Text(n), rows.Text(n + 1)};
        for (int i = 0; i < n; ++i) row.key.push_back(rows.Text(i));
        batch.push_back(std::move(row));
      }
    }
    for (const Row& row : batch) {
      after = row.key;
      if (row.sealed.empty()) continue;  // optional values (a match without extra, a dialog without meta)
      if (auto value = Resealed(row.id, row.sealed)) {
        sql::Statement update(db_, UpdateSql());
        update.BindBytes(1, *value);
        BindKey(update, 2, row.key);
        update.Exec();
        ++resealed;
      }
    }
    return static_cast<int>(batch.size());
  }

 private:
  std::string Keys() const {
    std::string out;
    for (auto k : column_.keys) out += (out.empty() ? "" : ", ") + std::string(k);
    return out;
  }
  std::string SelectSql(bool has_after, int limit) const {
    std::string where = column_.filter.empty() ? "" : "(" + std::string(column_.filter) + ")";
    if (has_after) {
      std::string marks;
      for (std::size_t i = 0; i < column_.keys.size(); ++i) marks += i == 0 ? "?" : ", ?";
      where += (where.empty() ? "" : " AND ") + std::string("(") + Keys() + ") > (" + marks + ")";
    }
    return "SELECT " + Keys() + ", " + std::string(column_.id_expression) + " AS sealed_for, " +
           std::string(column_.column) + " FROM " + std::string(column_.table) +
           (where.empty() ? "" : " WHERE " + where) + " ORDER BY " + Keys() + " LIMIT " + std::to_string(limit);
  }
  std::string UpdateSql() const {
    std::string sql = "UPDATE " + std::string(column_.table) + " SET " + std::string(column_.column) + " = ? WHERE ";
    for (std::size_t i = 0; i < column_.keys.size(); ++i) sql += (i == 0 ? "" : " AND ") + std::string(column_.keys[i]) + " = ?";
    return sql;
  }
  void BindKey(sql::Statement& statement, int first, const json& key) const {
    for (std::size_t i = 0; i < column_.keys.size(); ++i) {
      const std::string value = key.at(i).get<std::string>();
      if (i < integer_keys_.size() && integer_keys_[i]) {
        statement.Bind(first + static_cast<int>(i), std::stoll(value));
      } else {
        statement.Bind(first + static_cast<int>(i), value);
      }
    }
  }
  // The value sealed under the new key; nullopt when it already is.
  std::optional<std::string> Resealed(const std::string& id, const std::string& sealed) const {
    try {
      Open(new_, id, sealed);
      return std::nullopt;
    } catch (const crypto::DecryptError&) {
    }
    try {
      return Seal(new_, id, Open(old_, id, sealed));
    } catch (const crypto::DecryptError&) {
      throw StoreError(std::string(column_.table) + "." + std::string(column_.column) + " of " + id +
                       " opens under neither the old nor the new master key");
    }
  }
  std::string Open(const crypto::Envelope& key, const std::string& id, const std::string& sealed) const {
    if (column_.sealing == Sealing::kDataKey) return std::string(key.UnwrapDataKey(sealed, id).bytes());
    return key.OpenRecord(column_.kind, id, sealed);
  }
  std::string Seal(const crypto::Envelope& key, const std::string& id, const std::string& plain) const {
    if (column_.sealing == Sealing::kDataKey) return key.WrapDataKey(crypto::SecretKey::FromBytes(plain), id);
    return key.SealRecord(column_.kind, id, plain);
  }

  sql::Connection& db_;
  const SealedColumn& column_;
  const crypto::Envelope& old_;
  const crypto::Envelope& new_;
  std::vector<bool> integer_keys_;
};

// The record of a rotation in progress, or a new one after the checks.
Record Begin(sql::Connection& db, const crypto::Envelope& old_key, const crypto::Envelope& new_key, bool& resumed) {
  const auto check = sql_meta::Get(db, kKeyCheckMetaKey);
  if (auto text = sql_meta::Get(db, kRotationMetaKey)) {
    Record record = Record::Parse(*text);
    if (!new_key.VerifyKeyCheck(record.new_key_check)) {
      throw RotationRefused("a rotation to another new key is half-finished: run rotate-master-key again with "
                            "that key's file to finish it first");
    }
    if (!record.Done() && !(check && old_key.VerifyKeyCheck(*check))) {
      throw RotationRefused("the configured master key is not the one the data was written with: configure the "
                            "old key (TGMUX_MASTER_KEY or master.key) to finish the rotation");
    }
    resumed = true;
    return record;
  }
  if (!check) throw RotationRefused("the store holds no data sealed by a master key: nothing to rotate");
  if (new_key.VerifyKeyCheck(*check)) {
    throw RotationRefused("the new key is the master key the data is already sealed with");
  }
  if (!old_key.VerifyKeyCheck(*check)) {
    throw RotationRefused("the configured master key (TGMUX_MASTER_KEY or master.key) is not the one the data was "
                          "written with");
  }
  Record record{new_key.MakeKeyCheck()};
  sql::Transaction transaction(db, true);
  sql_meta::Set(db, kRotationMetaKey, record.Dump());
  transaction.Commit();
  return record;
}

}  // namespace

RotationResult RotateMasterKey(const RotationOptions& options, const crypto::Envelope& old_key,
                               const crypto::Envelope& new_key) {
  RotationResult result;
  try {
    auto db = Open(options);
    Record record = Begin(*db, old_key, new_key, result.resumed);
    const auto columns = MasterSealedColumns();
    while (!record.Done()) {
      if (options.stop_after_batches > 0 && result.batches >= options.stop_after_batches) {
        result.stopped = true;
        return result;
      }
      const SealedColumn& column = columns[record.next];
      sql::Transaction transaction(*db, true);
      const int read = ColumnBatch(*db, column, old_key, new_key).Run(record.after, options.batch_rows,
                                                                       result.resealed);
      if (read < options.batch_rows) {
        ++record.next;
        record.after = nullptr;
      }
      ++record.batches;
      // The last batch also switches the check: from here the new key is the data's.
      if (record.Done()) sql_meta::Set(*db, kKeyCheckMetaKey, new_key.MakeKeyCheck());
      sql_meta::Set(*db, kRotationMetaKey, record.Dump());
      transaction.Commit();
      ++result.batches;
      if (options.progress) options.progress(column.table, result.resealed);
    }
    if (options.install_new_key) options.install_new_key();
    sql_meta::Remove(*db, kRotationMetaKey);
    return result;
  } catch (const sql::Error& e) {
    throw StoreError(std::string("rotating the master key: ") + e.what());
  }
}

}  // namespace tgmux::store::rekey
