// Internal to store/: the Store over SQL (sql_store.cpp), one implementation
// for SQLite and PostgreSQL; store_open.cpp opens the database and makes it.
#pragma once

#include <memory>
#include <string>

#include "store/sql_pool.h"
#include "store/sqlite_wal.h"
#include "store/store.h"

namespace tgmux::store {

// What makes a SQLite store's writes durable and checkpoints its WAL.
struct SqliteDurability {
  std::unique_ptr<CommitSync> commit_sync;  // null: Durability::kNormal
  std::unique_ptr<WalCheckpointer> checkpointer;
};

// Every call takes a connection of `pool` for its length, or of `readers`
// (when given) for the calls that only read. `name` names the database in
// errors (a path, or PostgreSQL's host and database: never a password).
// `listen_conninfo`: PostgreSQL's, for ListenForEvents ("" on SQLite).
std::unique_ptr<Store> MakeSqlStore(std::string name, std::unique_ptr<sql::ConnectionPool> pool,
                                    std::unique_ptr<sql::ConnectionPool> readers = nullptr,
                                    SqliteDurability sqlite = {}, std::string listen_conninfo = "");

}  // namespace tgmux::store
