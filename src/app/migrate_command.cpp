#include "app/migrate_command.h"

#include <chrono>
#include <cstdio>
#include <iostream>

#include "store/store.h"
#include "store/transfer/copy.h"

namespace tgmux::app {
namespace {

constexpr std::int64_t kProgressEvery = 10000;

// Each table once done with its rows; a long one also every kProgressEvery rows.
class Progress {
 public:
  void operator()(const std::string& table, std::int64_t copied, std::int64_t total) {
    if (table != table_) {
      table_ = table;
      printed_ = 0;
    }
    char line[160];
    if (copied == total) {
      std::snprintf(line, sizeof line, "  %-28s %10lld rows\n", table.c_str(), static_cast<long long>(copied));
    } else if (copied - printed_ >= kProgressEvery) {
      std::snprintf(line, sizeof line, "  %-28s %10lld / %lld\n", table.c_str(), static_cast<long long>(copied),
                    static_cast<long long>(total));
      printed_ = copied;
    } else {
      return;
    }
    std::cerr << line << std::flush;
  }

 private:
  std::string table_;
  std::int64_t printed_ = 0;
};

}  // namespace

int MigrateCommand(const MigrateOptions& options) {
  constexpr std::string_view kSqlite = "sqlite:";
  std::string path = options.from;
  if (path.starts_with(kSqlite)) path.erase(0, kSqlite.size());
  if (path.empty() || path.starts_with("postgres")) {
    std::cerr << "tgmux: migrate: --from must be sqlite:PATH (the database file of a stopped tgmux)" << std::endl;
    return 2;
  }
  if (auto malformed = store::PostgresConninfoError(options.to)) {
    std::cerr << "tgmux: migrate: --to is not a PostgreSQL connection string: " << *malformed << std::endl;
    return 2;
  }
  const std::string target = store::PostgresName(options.to);
  std::cerr << "tgmux migrate: copying sqlite " << path << " into " << target << std::endl;
  const auto started = std::chrono::steady_clock::now();
  try {
    store::transfer::CopyOptions copy{path, options.to, Progress()};
    auto counts = store::transfer::CopySqliteToPostgres(copy);
    std::int64_t rows = 0;
    for (const auto& c : counts) rows += c.rows;
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    char summary[96];
    std::snprintf(summary, sizeof summary, "%lld rows in %zu tables in %.2f s", static_cast<long long>(rows),
                  counts.size(), seconds);
    std::cerr << "tgmux migrate: copied " << summary << ". Start tgmux with TGMUX_STORE set to the new database, "
              << "the same data directory and the same master key; " << path << " was not changed." << std::endl;
    return 0;
  } catch (const store::transfer::CopyRefused& e) {
    std::cerr << "tgmux: migrate: " << e.what() << std::endl;
    return 2;
  } catch (const store::StoreError& e) {
    std::cerr << "tgmux: migrate failed, no row was committed to " << target << ": " << e.what() << std::endl;
    return 1;
  }
}

}  // namespace tgmux::app
