// Store unit tests run on both stores: parameterise the test suite with
// StoreKind and open its store through TestDatabase.
//
//   class FooTest : public ::testing::TestWithParam<testing::StoreKind> { ... };
//   INSTANTIATE_TEST_SUITE_P(Stores, FooTest, testing::kBothStores, testing::StoreKindName);
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>

#include "store/store.h"
#include "tests/support/postgres_server.h"
#include "tests/support/process.h"

namespace tgmux::testing {

enum class StoreKind { kSqlite, kPostgres };

inline const auto kBothStores = ::testing::Values(StoreKind::kSqlite, StoreKind::kPostgres);

inline std::string StoreKindName(const ::testing::TestParamInfo<StoreKind>& info) {
  return info.param == StoreKind::kSqlite ? "Sqlite" : "Postgres";
}

// One new, empty database of a kind: a file in a temporary directory, or a
// database of its own on the suite's PostgreSQL.
class TestDatabase {
 public:
  explicit TestDatabase(StoreKind kind) : kind_(kind) {
    if (kind_ == StoreKind::kPostgres) conninfo_ = NewPostgresDatabase();
  }
  // Opens the database (again: each call is a new store over the same data).
  std::unique_ptr<store::Store> Open(int pool_size = 4) const {
    if (kind_ == StoreKind::kSqlite) return store::OpenSqliteStore(dir_.path() / "t.db");
    return store::OpenPostgresStore(conninfo_, pool_size);
  }
  StoreKind kind() const { return kind_; }

 private:
  StoreKind kind_;
  TempDir dir_;
  std::string conninfo_;
};

// The StoreError `action` throws ("(no error)" when none).
inline std::string StoreErrorOf(const std::function<void()>& action) {
  try {
    action();
  } catch (const store::StoreError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace tgmux::testing
