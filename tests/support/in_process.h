// The services in process, for tests that drive them without HTTP: an
// Infrastructure over a temporary data directory (the simulator's TDLib
// library, no client started) and account rows that never run a client.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "service/infrastructure.h"
#include "tests/support/build_paths.h"
#include "tests/support/process.h"

namespace tgmux::testing {

inline std::unique_ptr<service::Infrastructure> InProcessInfrastructure(
    const TempDir& dir, const std::function<void(config::Config&)>& adjust = {}) {
  config::Config config;
  config.data_dir = dir.path();
  config.tdjson_path = TDJSON_SIM_LIBRARY;
  if (adjust) adjust(config);
  return std::make_unique<service::Infrastructure>(config);
}

// An active account of tenant "default" whose keys are placeholders.
inline store::Account StoredAccount(const std::string& id, std::int64_t linked_at) {
  store::Account a;
  a.id = id;
  a.status = store::AccountStatus::kActive;
  a.display_name = id;
  a.wrapped_data_key = a.td_key_sealed = "unused";
  a.created_at = a.updated_at = linked_at;
  return a;
}

}  // namespace tgmux::testing
