// What every service stands on: the configuration, the store, the master key's
// envelope, the TDLib client hub and the metrics registry. Opened in an order
// that changes nothing on disk until the master key is known to be right.
#pragma once

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>

#include "common/metrics.h"
#include "config/config.h"
#include "crypto/keys.h"
#include "store/store.h"
#include "telegram/client_hub.h"
#include "telegram/tdjson.h"
#include "telegram/types.h"

namespace tgmux::service {

// A start-up failure the operator must fix (bad key, unloadable TDLib, ...).
// One line; the process exits with status 2.
class StartupError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A random key made once and kept in the store's meta table under `name`,
// wrapped by the master key with `associated_data` like a data key (so a
// master-key rotation re-wraps it with them). When two processes make one at
// once, the first stored wins. Throws StartupError when the stored key does
// not open with this master key.
crypto::SecretKey LoadOrCreateMetaKey(store::Store& store, const crypto::Envelope& envelope, std::string_view name,
                                      std::string_view associated_data);

class Infrastructure {
 public:
  // Opens everything; throws StartupError.
  explicit Infrastructure(config::Config config);
  ~Infrastructure();

  const config::Config& config() const { return config_; }
  store::Store& store() { return *store_; }
  const crypto::Envelope& envelope() const { return *envelope_; }
  telegram::ClientHub& hub() { return *hub_; }
  Metrics& metrics() { return metrics_; }
  const std::string& tdlib_version() const { return tdlib_version_; }
  std::chrono::steady_clock::time_point started() const { return started_; }

  // TDLib parameters of every account, from the configuration.
  telegram::TdParameters TdParams() const;

  // Throws Error(telegram_not_configured) naming what to set when api id/hash are missing.
  void RequireTelegram() const;

  // Closes every TDLib client (each reaches Closed) within `timeout`.
  void Shutdown(std::chrono::milliseconds timeout);

 private:
  void OpenSecretsAndStore();
  // The store for logs and errors: the SQLite file, or PostgreSQL without its password.
  std::string StoreName() const;
  void OpenTelegram();
  void RegisterMetrics();

  config::Config config_;
  Metrics metrics_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<crypto::Envelope> envelope_;
  std::unique_ptr<telegram::ClientHub> hub_;
  std::string tdlib_version_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

}  // namespace tgmux::service
