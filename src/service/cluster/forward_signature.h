// Requests one node forwards to another (docs/cluster.md, Requests on any
// node) carry X-Tgmux-Forwarded:
//   t=<unix seconds>,n=<random nonce>,v1=<hex HMAC-SHA256 under the cluster key
//   of "<t>.<n>.<METHOD> <target>\n<body>">
// The cluster key is random, kept in the store sealed under the master key:
// only nodes that hold the master key can sign. A node refuses a forwarded
// request that is unsigned, badly signed, older than 30 s or seen before.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "crypto/keys.h"

namespace tgmux::service::cluster {

inline constexpr const char* kForwardedHeader = "x-tgmux-forwarded";

std::string SignForward(const crypto::SecretKey& key, std::int64_t unix_seconds, std::string_view nonce,
                        std::string_view method, std::string_view target, std::string_view body);

// Checks headers against the key, the clock and the nonces seen in the last
// minute. Thread-safe.
class ForwardVerifier {
 public:
  bool Verify(const crypto::SecretKey& key, std::string_view header, std::int64_t now, std::string_view method,
              std::string_view target, std::string_view body);

  static constexpr std::int64_t kMaxSkew = 30;  // seconds either way

 private:
  std::mutex mutex_;
  std::map<std::string, std::int64_t> seen_;  // nonce -> its t
};

}  // namespace tgmux::service::cluster
