#include "service/cluster/forward_signature.h"

#include "crypto/secrets.h"

namespace tgmux::service::cluster {
namespace {

std::string Signed(std::int64_t t, std::string_view nonce, std::string_view method, std::string_view target,
                   std::string_view body) {
  std::string message = std::to_string(t) + ".";
  message.append(nonce).append(".").append(method).append(" ").append(target).append("\n").append(body);
  return message;
}

// The value of `name=` in "a=1,b=2"; "" when absent.
std::string_view Field(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    auto comma = header.find(',');
    auto part = header.substr(0, comma);
    if (part.size() > name.size() && part.substr(0, name.size()) == name && part[name.size()] == '=') {
      return part.substr(name.size() + 1);
    }
    if (comma == std::string_view::npos) break;
    header.remove_prefix(comma + 1);
  }
  return {};
}

}  // namespace

std::string SignForward(const crypto::SecretKey& key, std::int64_t unix_seconds, std::string_view nonce,
                        std::string_view method, std::string_view target, std::string_view body) {
  auto mac = crypto::HmacSha256Hex(key.bytes(), Signed(unix_seconds, nonce, method, target, body));
  return "t=" + std::to_string(unix_seconds) + ",n=" + std::string(nonce) + ",v1=" + mac;
}

bool ForwardVerifier::Verify(const crypto::SecretKey& key, std::string_view header, std::int64_t now,
                             std::string_view method, std::string_view target, std::string_view body) {
  auto t_text = Field(header, "t");
  auto nonce = Field(header, "n");
  auto mac = Field(header, "v1");
  if (t_text.empty() || t_text.size() > 12 || nonce.size() < 16 || nonce.size() > 64 || mac.empty()) return false;
  std::int64_t t = 0;
  for (char c : t_text) {
    if (c < '0' || c > '9') return false;
    t = t * 10 + (c - '0');
  }
  if (t < now - kMaxSkew || t > now + kMaxSkew) return false;
  auto expected = crypto::HmacSha256Hex(key.bytes(), Signed(t, nonce, method, target, body));
  if (!crypto::ConstantTimeEqual(expected, mac)) return false;
  std::lock_guard lock(mutex_);
  for (auto it = seen_.begin(); it != seen_.end();) {
    it = it->second < now - 2 * kMaxSkew ? seen_.erase(it) : std::next(it);
  }
  return seen_.emplace(std::string(nonce), t).second;  // a replay is refused
}

}  // namespace tgmux::service::cluster
