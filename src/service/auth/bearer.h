// The credential in an Authorization header: "Bearer <access token>" (a JWT,
// crypto/jwt.h) or "Bearer tgk_<key>" (an API key, shown once at creation and
// stored only as its digest).
#pragma once

#include <string>
#include <string_view>

namespace tgmux::service {

struct BearerCredential {
  enum class Kind { kAccessToken, kApiKey };
  Kind kind = Kind::kAccessToken;
  std::string token;  // what follows "Bearer ", never empty
};

// Throws Error(unauthorized) saying what to send when the header is not
// "Bearer " followed by a token. The token itself is checked by its verifier.
BearerCredential ParseBearer(std::string_view authorization_header);

}  // namespace tgmux::service
