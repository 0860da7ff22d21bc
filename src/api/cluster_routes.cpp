// /v1/cluster: the nodes sharing this PostgreSQL and what each runs
// (docs/cluster.md), for the installation's owners (owners of the first
// tenant, "default"), never for other tenants. And, with several nodes, the
// forwarding of a request for an account that another node runs to that node.
#include <sodium.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>

#include "api/form_upload.h"
#include "api/routes.h"
#include "api/views.h"
#include "common/hex.h"
#include "common/http_client.h"
#include "common/time.h"
#include "crypto/random_id.h"
#include "crypto/sealed_file.h"
#include "service/cluster/forward_signature.h"
#include "service/events/webhook_url.h"

namespace tgmux::api {
namespace {

namespace cluster = service::cluster;

// The address of the client that sent a forwarded request to the first node
// (covered by the cluster signature).
constexpr const char* kClientHeader = "x-tgmux-client";

// A login in progress runs on the node that started it.
bool ForLogin(const RouteInfo& route) {
  const std::string prefix = "/v1/logins/{id}";
  return route.pattern.compare(0, prefix.size(), prefix) == 0;
}

// A send with a file (a multipart upload, or "media" in its JSON): the file
// is kept in the spool of the node that runs the account, which sends it.
bool WithMedia(const Request& r) {
  if (r.form || r.Header("content-type").rfind("multipart/", 0) == 0) return true;
  auto body = nlohmann::json::parse(r.body, nullptr, false);
  return body.is_object() && body.contains("media") && !body["media"].is_null();
}

// Requests for an account that need its TDLib client, or change how it runs,
// go to the node that runs it. The account's row and a new send without a
// file need only the store: any node answers them.
bool ForAccountClient(const RouteInfo& route, const Request& r) {
  const std::string prefix = "/v1/accounts/{id}";
  if (route.pattern.compare(0, prefix.size(), prefix) != 0) return false;
  if (route.pattern == prefix && route.method == "GET") return false;
  return !(route.pattern == prefix + "/messages" && route.method == "POST") || WithMedia(r);
}

// The request's target as both nodes spell it (the signature covers it).
std::string Target(const Request& r) {
  std::string target = PercentEncode(r.path, true);
  char separator = '?';
  for (const auto& [name, value] : r.query) {
    target += separator + PercentEncode(name) + "=" + PercentEncode(value);
    separator = '&';
  }
  return target;
}

Response Unavailable(const Request& r, const std::string& why) {
  return Response::Problem(Error(ErrorCode::kNodeUnavailable, why, 1), r.path);
}

// An upload this node received (its files sealed in this node's staging
// directory) as a multipart/form-data body again, for the node that runs the
// account; its content type with the boundary in `content_type`.
std::string Multipart(const FormUpload& form, std::string* content_type) {
  const std::string boundary = "tgmux-" + crypto::RandomId("b");
  *content_type = "multipart/form-data; boundary=" + boundary;
  std::string body;
  for (const auto& [name, value] : form.fields) {
    body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n";
  }
  for (const auto& file : form.files) {
    body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + file.field + "\"; filename=\"" +
            file.file_name + "\"\r\n";
    if (!file.content_type.empty()) body += "Content-Type: " + file.content_type + "\r\n";
    body += "\r\n";
    crypto::SealedFileReader reader(file.path, file.key);
    char chunk[65536];
    while (std::size_t n = reader.Read(chunk, sizeof chunk)) body.append(chunk, n);
    body += "\r\n";
  }
  return body + "--" + boundary + "--\r\n";
}

// What the cluster signature covers of a request besides its method and
// target: its body (for an upload, whose files arrive sealed into a
// FormUpload and not in `body`, a digest of its fields and of each file's
// field, name, type and clear bytes, which the sending and the receiving node
// compute alike), and the address of the client that sent it to the first node.
std::string SignedContent(const Request& r, const std::string& client) {
  if (!r.form) return r.body + "\nclient " + client;
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  auto add = [&](std::string_view bytes) {
    const std::string length = std::to_string(bytes.size()) + ":";
    crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char*>(length.data()), length.size());
    crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  };
  for (const auto& [name, value] : r.form->fields) {
    add(name);
    add(value);
  }
  for (const auto& file : r.form->files) {
    add(file.field);
    add(file.file_name);
    add(file.content_type);
    add(std::to_string(file.size));
    crypto::SealedFileReader reader(file.path, file.key);
    unsigned char chunk[65536];
    while (std::size_t n = reader.Read(reinterpret_cast<char*>(chunk), sizeof chunk)) {
      crypto_hash_sha256_update(&state, chunk, n);
    }
  }
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&state, digest);
  return "form:" + ToHex(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest)) + "\nclient " + client;
}

// Sends the request to the node at `node_url` and answers what it answers.
Response Relay(service::Services& s, const RouteInfo& route, const Request& r, const std::string& target,
               const std::string& node_url, const std::string& what) {
  std::map<std::string, std::string> headers;
  for (const auto& [name, value] : r.headers) {
    static const std::set<std::string> kHop = {"host",      "connection",  "content-length", "transfer-encoding",
                                               "upgrade",   "te",          "keep-alive",     cluster::kForwardedHeader,
                                               kClientHeader};
    if (kHop.count(name)) continue;
    headers[name == "content-type" ? "Content-Type" : name] = value;
  }
  std::string body = r.body;
  if (r.form) body = Multipart(*r.form, &headers["Content-Type"]);  // the files leave this node with the request
  headers[cluster::kForwardedHeader] = cluster::SignForward(s.cluster.cluster_key(), UnixSeconds(),
                                                            crypto::RandomId("n"), r.method, target,
                                                            SignedContent(r, r.remote_ip));
  headers[kClientHeader] = r.remote_ip;
  auto url = service::ParseWebhookUrl(node_url);  // the node's TGMUX_NODE_URL
  if (!url) return Unavailable(r, "the address of the node that runs the " + what + " is not usable");
  HttpClient client(url->host, std::stoi(url->port));
  client.SetTimeout(static_cast<int>(s.infra.config().telegram.deadline_seconds) + 10);
  auto answer = client.Request(r.method, target, body, headers);
  if (answer.status == 0) {
    spdlog::warn("cluster: {} {} could not reach the node that runs the {} ({})", r.method, route.pattern, what,
                 node_url);
    return Unavailable(r, "the node that runs the " + what + " does not answer; try again");
  }
  Response out;
  out.status = answer.status;
  out.body = std::move(answer.body);
  for (const auto& [name, value] : answer.headers) {
    if (name == "content-type") {
      out.content_type = value;
    } else if (name != "content-length" && name != "transfer-encoding" && name != "connection" && name != "date" &&
               name != "server") {
      out.headers.emplace_back(name, value);
    }
  }
  return out;
}

// A login started on another node: sent there while that node lives; once it
// is gone, the login failed with it.
std::optional<Response> ForwardLogin(service::Services& s, const RouteInfo& route, const Request& r,
                                     const std::string& target) {
  const std::string& login_id = r.params.at("id");
  auto record = s.infra.store().FindClusterLogin(login_id);
  if (!record || record->node_id == s.cluster.node_id()) return std::nullopt;  // here, or unknown anywhere
  for (const auto& view : s.cluster.Nodes()) {
    if (view.node.id == record->node_id && view.alive) return Relay(s, route, r, target, view.node.url, "login");
  }
  if (record->tenant_id != TenantOf(r)) throw Error(ErrorCode::kNotFound, "no login " + login_id);
  const std::string why = "the node that ran this login stopped; start a new login";
  if (route.method != "GET" || route.pattern != "/v1/logins/{id}") {
    throw Error(ErrorCode::kNotFound, "login " + login_id + " is finished (failed: " + why + ")");
  }
  service::LoginView failed;
  failed.id = login_id;
  failed.tenant_id = record->tenant_id;
  failed.method = record->method;
  failed.state = service::LoginState::kFailed;
  failed.error = Error(ErrorCode::kNodeUnavailable, why);
  failed.created_at = record->created_at;
  failed.expires_at = record->expires_at;
  return Response::Json(200, LoginJson(failed));
}

std::optional<Response> Forward(service::Services& s, const RouteInfo& route, Request& r) {
  if (!s.cluster.enabled()) return std::nullopt;
  const bool account = ForAccountClient(route, r);
  if (!account && !ForLogin(route)) return std::nullopt;
  const std::string target = Target(r);
  if (auto signature = r.Header(cluster::kForwardedHeader); !signature.empty()) {
    // From another node: answered here, never sent on.
    const std::string client = r.Header(kClientHeader);
    if (!s.cluster.verifier().Verify(s.cluster.cluster_key(), signature, UnixSeconds(), r.method, target,
                                     SignedContent(r, client))) {
      throw Error(ErrorCode::kUnauthorized, "the forwarded request's cluster signature is not valid");
    }
    if (!client.empty()) r.remote_ip = client;  // the audit log names the client, not the forwarding node
    if (account && !s.accounts.RunsHere(r.params.at("id"))) {
      return Unavailable(r, "the account is moving between nodes; try again");
    }
    return std::nullopt;
  }
  if (!account) return ForwardLogin(s, route, r, target);
  auto owner = s.cluster.OwnerUrl(r.params.at("id"));
  if (!owner) return std::nullopt;
  return Relay(s, route, r, target, *owner, "account");
}

}  // namespace

void RegisterClusterRoutes(Router& router, service::Services& s) {
  router.Add("GET", "/v1/cluster", Access::AtLeast(service::Role::kOwner), [&s](const Request& r, const Reply& reply) {
    if (TenantOf(r) != "default") {
      throw Error(ErrorCode::kForbidden, "only the installation's owners (of tenant \"default\") see its nodes");
    }
    nlohmann::json items = nlohmann::json::array();
    if (s.cluster.enabled()) {
      for (const auto& view : s.cluster.Nodes()) {
        auto load = nlohmann::json::parse(view.node.load, nullptr, false);
        if (!load.is_object()) load = nlohmann::json::object();
        items.push_back({{"id", view.node.id},
                         {"url", view.node.url},
                         {"alive", view.alive},
                         {"self", view.self},
                         {"accounts", view.node.accounts},
                         {"load", std::move(load)},
                         {"started_at", Timestamp(view.node.started_at / 1000)},
                         {"heartbeat_at", Timestamp(view.node.heartbeat_at / 1000)}});
      }
    }
    reply(Response::Json(200, {{"enabled", s.cluster.enabled()},
                               {"node_id", s.cluster.enabled() ? nlohmann::json(s.cluster.node_id()) : nullptr},
                               {"lease_ttl", s.infra.config().lease_ttl_seconds},
                               {"items", std::move(items)}}));
  });
  router.SetForwarder([&s](const RouteInfo& route, Request& r) { return Forward(s, route, r); });
  // A send's sealed file, for the node that sends it (service/cluster/spool_transfer.cpp):
  // only with the cluster's signature, which no client has.
  for (const char* method : {"GET", "DELETE"}) {
    router.Add(method, "/v1/cluster/spool/{name}", Access::Public(), [&s](const Request& r, const Reply& reply) {
      const std::string& name = r.params.at("name");
      if (!s.cluster.enabled() ||
          !s.cluster.verifier().Verify(s.cluster.cluster_key(), r.Header(cluster::kForwardedHeader), UnixSeconds(),
                                       r.method, service::ClusterService::SpoolTarget(name), "")) {
        throw Error(ErrorCode::kUnauthorized, "only the nodes of this cluster fetch spooled files");
      }
      const auto path = s.spool.upload_dir() / name;
      std::error_code ec;
      if (name.find('/') != std::string::npos || name.front() == '.' || !std::filesystem::is_regular_file(path, ec)) {
        throw Error(ErrorCode::kNotFound, "no spooled file " + name);
      }
      if (r.method == "DELETE") {
        std::filesystem::remove(path, ec);
        return reply(Response::NoContent());
      }
      std::ifstream in(path, std::ios::binary);
      reply(Response::Text(200, std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()),
                           "application/octet-stream"));
    });
  }
}

}  // namespace tgmux::api
