// The audit log of security events (register, sign-in success and failure,
// token reuse, API keys created and revoked, members invited, accounts linked
// and unlinked). Entries never carry secrets: no passwords, tokens, codes or
// full phone numbers. Thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "store/store.h"

namespace tgmux::service {

class AuditLog {
 public:
  explicit AuditLog(store::Store& store) : store_(store) {}

  // Never throws: a failing audit write is logged, the action it describes stands.
  void Record(const std::string& tenant_id, const std::string& event, const std::string& actor,
              const std::string& ip, const nlohmann::json& detail = nlohmann::json::object());
  // Newest first, entries with seq < before (0: from the newest).
  std::vector<store::AuditEntry> List(const std::string& tenant_id, std::int64_t before, int limit);

 private:
  store::Store& store_;
};

}  // namespace tgmux::service
