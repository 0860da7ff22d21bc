#include "service/infrastructure.h"

#include <spdlog/spdlog.h>

#include "common/error.h"
#include "store/rekey/rotation.h"

namespace tgmux::service {
namespace {

constexpr const char* kKeyCheck = "master_key_check";

}  // namespace

crypto::SecretKey LoadOrCreateMetaKey(store::Store& store, const crypto::Envelope& envelope, std::string_view name,
                                      std::string_view associated_data) {
  auto wrapped = store.GetMeta(name);
  if (!wrapped) {
    auto fresh = crypto::SecretKey::Random();
    if (store.InsertMetaIfAbsent(name, envelope.WrapDataKey(fresh, associated_data))) return fresh;
    wrapped = store.GetMeta(name);  // another process stored one first
  }
  try {
    return envelope.UnwrapDataKey(wrapped.value_or(""), associated_data);
  } catch (const crypto::DecryptError&) {
    throw StartupError("the " + std::string(name) + " in the store does not open with this master key");
  }
}

Infrastructure::Infrastructure(config::Config config) : config_(std::move(config)) {
  // The library first: a bad TGMUX_TDJSON must not leave a new database behind.
  OpenTelegram();
  OpenSecretsAndStore();
  RegisterMetrics();
  // Logged once everything is open, so that a refused start prints only its reason.
  spdlog::info("store: {} (schema version {}, TGMUX_STORE_SYNC={})", StoreName(), store_->SchemaVersion(),
               config_.store_sync);
  spdlog::info("tdlib: {} loaded from {}{}", tdlib_version_, config_.tdjson_path.string(),
               config_.telegram.Configured() ? "" : " (Telegram api id/hash not set: logins are disabled)");
}

Infrastructure::~Infrastructure() { Shutdown(std::chrono::seconds(10)); }

std::string Infrastructure::StoreName() const {
  if (config_.postgres.empty()) return "sqlite " + config_.DatabasePath().string();
  return store::PostgresName(config_.postgres);
}

void Infrastructure::OpenSecretsAndStore() {
  auto database = config_.DatabasePath();
  std::optional<std::string> check;
  std::optional<std::string> rotation;
  const auto durability = store::ParseDurability(config_.store_sync).value_or(store::Durability::kSynced);
  try {
    // SQLite: read before anything on disk changes. PostgreSQL: the store
    // opens (and migrates) first; a refused key changes no data.
    if (config_.postgres.empty()) {
      check = store::PeekSqliteMeta(database, kKeyCheck);
      rotation = store::PeekSqliteMeta(database, store::rekey::kRotationMetaKey);
    } else {
      store_ = store::OpenPostgresStore(config_.postgres, config_.store_pool, durability);
      check = store_->GetMeta(kKeyCheck);
      rotation = store_->GetMeta(store::rekey::kRotationMetaKey);
    }
  } catch (const store::StoreError& e) {
    throw StartupError(std::string("TGMUX_STORE: ") + e.what());
  }
  // Half the data may be under the old key and half under the new one.
  if (rotation) {
    throw StartupError("a master key rotation is half-finished in " + StoreName() +
                       ": run tgmux rotate-master-key --new-key-file FILE again with the same new key to finish it");
  }
  try {
    // While data exists its key is never regenerated: a missing key file is an error then.
    auto master = crypto::LoadMasterKey(config_.master_key, config_.data_dir / "master.key", !check.has_value());
    envelope_ = std::make_unique<crypto::Envelope>(master);
  } catch (const crypto::MasterKeyError& e) {
    throw StartupError(e.what());
  }
  if (check && !envelope_->VerifyKeyCheck(*check)) {
    throw StartupError(std::string(config_.master_key ? "TGMUX_MASTER_KEY" : "master.key") +
                       ": this is not the master key the data in " + StoreName() +
                       " was written with; nothing was changed");
  }
  try {
    if (!store_) store_ = store::OpenSqliteStore(database, durability);
    if (!check) store_->SetMeta(kKeyCheck, envelope_->MakeKeyCheck());
  } catch (const store::StoreError& e) {
    throw StartupError(std::string("TGMUX_STORE: ") + e.what());
  }
}

void Infrastructure::OpenTelegram() {
  std::unique_ptr<telegram::TdJson> library;
  try {
    library = telegram::LoadTdJson(config_.tdjson_path.string());
  } catch (const telegram::TdJsonLoadError& e) {
    throw StartupError(std::string("TGMUX_TDJSON: ") + e.what());
  }
  auto deadline = std::chrono::milliseconds(static_cast<long>(config_.telegram.deadline_seconds * 1000));
  hub_ = std::make_unique<telegram::ClientHub>(std::move(library), deadline);
  tdlib_version_ = hub_->TdlibVersion();
}

void Infrastructure::RegisterMetrics() {
  metrics_.AddCollector([this](Metrics::Writer& w) {
    w.Gauge("tgmux_build_info", "Build information", "version=\"" TGMUX_VERSION "\",tdlib=" + LabelValue(tdlib_version_), 1);
    w.Gauge("tgmux_uptime_seconds", "Seconds since start", "",
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count());
    auto stats = hub_->Stats();
    w.Gauge("tgmux_tdlib_requests_in_flight", "TDLib requests waiting for an answer", "",
            static_cast<double>(stats.requests_in_flight));
    w.Counter("tgmux_tdlib_requests_timed_out_total", "TDLib requests failed by their deadline since start", "",
            static_cast<double>(stats.requests_timed_out));
    for (const auto& [state, count] : stats.clients_by_state) {
      w.Gauge("tgmux_tdlib_clients", "TDLib clients by authorization state", "state=" + LabelValue(state), count);
    }
  });
}

telegram::TdParameters Infrastructure::TdParams() const {
  const auto& t = config_.telegram;
  telegram::TdParameters params;
  params.api_id = t.api_id.value_or(0);
  params.api_hash = t.api_hash;
  params.device_model = t.device_model;
  params.system_version = t.system_version;
  params.application_version = t.application_version;
  params.system_language_code = t.system_language_code;
  params.use_test_dc = t.use_test_dc;
  return params;
}

void Infrastructure::RequireTelegram() const {
  if (!config_.telegram.Configured()) {
    throw Error(ErrorCode::kTelegramNotConfigured,
                "Telegram is not configured: set TELEGRAM_API_ID and TELEGRAM_API_HASH (from my.telegram.org) "
                "and restart tgmux");
  }
}

void Infrastructure::Shutdown(std::chrono::milliseconds timeout) {
  if (!hub_) return;
  if (hub_->CloseAll(timeout)) {
    spdlog::info("tdlib: every client closed");
  } else {
    spdlog::warn("tdlib: some clients did not close within {} ms", timeout.count());
  }
}

}  // namespace tgmux::service
