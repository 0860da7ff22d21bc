// Internal to store/: a bounded pool of connections. Each store call takes one
// connection for its length, so calls on different connections run at once.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "store/sql.h"

namespace tgmux::store::sql {

// Thread-safe.
class ConnectionPool {
 public:
  using Open = std::function<std::unique_ptr<Connection>()>;

  // At most `size` connections, opened by `open` when first needed (and again
  // after one was lost); `first`, when given, is the pool's first connection.
  ConnectionPool(std::size_t size, Open open, std::unique_ptr<Connection> first = nullptr);

  // One connection for one caller, back to the pool when the lease ends.
  class Lease {
   public:
    Lease(ConnectionPool& pool, std::unique_ptr<Connection> connection)
        : pool_(pool), connection_(std::move(connection)) {}
    ~Lease() { pool_.Return(std::move(connection_)); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Connection& operator*() { return *connection_; }
    // The connection is broken: it is closed instead of going back, and so
    // are the idle ones, which lost the same server (later calls open new ones).
    void Discard() {
      connection_.reset();
      pool_.DropIdle();
    }

   private:
    ConnectionPool& pool_;
    std::unique_ptr<Connection> connection_;
  };

  // Waits while every connection is in use. Throws Error when a new one
  // cannot be opened.
  Lease Acquire();

 private:
  void Return(std::unique_ptr<Connection> connection);
  void DropIdle();

  const std::size_t size_;
  const Open open_;
  std::mutex mutex_;
  std::condition_variable returned_;
  std::vector<std::unique_ptr<Connection>> idle_;
  std::size_t open_count_ = 0;  // idle and leased
};

}  // namespace tgmux::store::sql
