// Who sent a request, behind reverse proxies (TGMUX_TRUSTED_PROXIES): the
// address rate limits and the first-run check see, and whether the client
// reached us over TLS (a session cookie is Secure then).
#pragma once

#include <string>
#include <vector>

#include "service/media/address_policy.h"

namespace tgmux::api {

struct ClientAddress {
  std::string ip;
  bool secure = false;  // a trusted proxy says the client used https
  // Forwarding headers came from a peer that is not a trusted proxy: the
  // client's own address is unknown (it is not the peer's, a loopback proxy's).
  bool untrusted_forward = false;
};

// `peer` is the socket's address. From a trusted proxy, X-Forwarded-For is read
// from the right, skipping trusted proxies: the first other address is the
// client's (the leftmost when all are trusted; the peer when there is none).
// Entries that are not addresses end the walk there.
ClientAddress ResolveClient(const std::vector<service::Cidr>& trusted, const std::string& peer,
                            const std::string& x_forwarded_for, const std::string& x_forwarded_proto,
                            bool any_forwarding_header);

}  // namespace tgmux::api
