// How pools and tracked dialogs name a person a send goes to, so that two
// sends to the same person find each other: "id:<chat id>", "user:<lowercase
// username>" or "phone:<digest>" (the installation's keyed digest of the
// number: the number itself is never stored in clear).
#pragma once

#include <string>

#include "service/accounts/phone_digests.h"

namespace tgmux::service::pools {

// Throws Error(invalid_request) naming `to` when it is none of a chat id,
// @username or +phone number.
std::string ContactOf(const PhoneDigests& digests, const std::string& to);

}  // namespace tgmux::service::pools
