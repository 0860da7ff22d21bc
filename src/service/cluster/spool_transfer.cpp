// A send's file between nodes (docs/cluster.md, Sends): the node that sends
// an entry whose file was spooled on another node (the account moved, or the
// request came to another node) fetches the sealed file from there and drops
// it there once the send ended. The file stays sealed on the way; its key is
// in the entry, in the store. The requests are signed with the cluster key like
// forwarded ones (api/cluster_routes.cpp answers them).
#include <spdlog/spdlog.h>

#include <fstream>

#include "common/http_client.h"
#include "common/time.h"
#include "crypto/random_id.h"
#include "service/cluster/cluster.h"
#include "service/events/webhook_url.h"

namespace tgmux::service {
namespace {

constexpr int kTimeoutSeconds = 120;  // a file of up to TGMUX_MAX_UPLOAD on a private network

HttpResponse SpoolRequest(const crypto::SecretKey& key, const std::string& method, const std::string& node_url,
                          const std::string& target) {
  auto url = ParseWebhookUrl(node_url);
  if (!url) return {};
  HttpClient client(url->host, std::stoi(url->port));
  client.SetTimeout(kTimeoutSeconds);
  return client.Request(method, target, "",
                        {{cluster::kForwardedHeader,
                          cluster::SignForward(key, UnixSeconds(), crypto::RandomId("n"), method, target, "")}});
}

}  // namespace

bool ClusterService::FetchSpooled(const std::string& node_url, const std::string& name,
                                  const std::filesystem::path& into) {
  if (!enabled_) return false;
  auto answer = SpoolRequest(cluster_key_, "GET", node_url, SpoolTarget(name));
  if (answer.status != 200) return false;
  // Whole or not at all: a part file renamed once written.
  const auto part = into.string() + ".part";
  {
    std::ofstream out(part, std::ios::binary | std::ios::trunc);
    out.write(answer.body.data(), static_cast<std::streamsize>(answer.body.size()));
    if (!out) return false;
  }
  std::error_code ec;
  std::filesystem::permissions(part, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write, ec);
  std::filesystem::rename(part, into, ec);
  return !ec;
}

void ClusterService::DropSpooled(const std::string& node_url, const std::string& name) {
  if (!enabled_) return;
  background_.Post([this, node_url, name] {
    auto answer = SpoolRequest(cluster_key_, "DELETE", node_url, SpoolTarget(name));
    if (answer.status != 204 && answer.status != 404) {
      spdlog::warn("cluster: a sent file stays in the spool of {} (HTTP {}); it goes at that node's next start",
                   node_url, answer.status);
    }
  });
}

}  // namespace tgmux::service
