#include "service/auth/audit.h"

#include <spdlog/spdlog.h>

#include "common/time.h"
#include "service/accounts/accounts.h"

namespace tgmux::service {

void AuditLog::Record(const std::string& tenant_id, const std::string& event, const std::string& actor,
                      const std::string& ip, const nlohmann::json& detail) {
  store::AuditEntry entry;
  entry.tenant_id = tenant_id;
  entry.at = UnixSeconds();
  entry.event = event;
  entry.actor = actor;
  entry.ip = ip;
  entry.detail = detail.dump();
  try {
    store_.AppendAudit(entry);
  } catch (const std::exception& e) {
    spdlog::error("audit: cannot record {}: {}", event, e.what());
  }
}

std::vector<store::AuditEntry> AuditLog::List(const std::string& tenant_id, std::int64_t before, int limit) {
  return store_.ListAudit(tenant_id, before, limit);
}

}  // namespace tgmux::service
