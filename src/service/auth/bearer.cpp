#include "service/auth/bearer.h"

#include "common/error.h"

namespace tgmux::service {
namespace {

constexpr std::string_view kBearer = "Bearer ";
constexpr std::string_view kApiKeyPrefix = "tgk_";

}  // namespace

BearerCredential ParseBearer(std::string_view header) {
  if (header.size() <= kBearer.size() || !header.starts_with(kBearer)) {
    throw Error(ErrorCode::kUnauthorized, "send Authorization: Bearer <access token or API key>");
  }
  BearerCredential credential;
  credential.token = std::string(header.substr(kBearer.size()));
  if (credential.token.starts_with(kApiKeyPrefix)) credential.kind = BearerCredential::Kind::kApiKey;
  return credential;
}

}  // namespace tgmux::service
