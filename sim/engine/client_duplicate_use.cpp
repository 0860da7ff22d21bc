// A request on an authorization that a newer client opened from a copy of this client's
// database directory: the server sees one auth key used from two places and destroys it
// (tdlib-facts §5.9 last bullet, §9; TDLib issue #802), which logs out both clients.
#include <set>

#include "sim/engine/client.h"

namespace tgsim {
namespace {

// Requests TDLib answers on its own, without the auth key reaching the server.
bool StaysLocal(const std::string& type) {
  static const std::set<std::string, std::less<>> kLocal = {
      "getAuthorizationState", "getOption", "setOption", "close", "destroy",
      "addProxy", "editProxy", "enableProxy", "disableProxy", "removeProxy", "getProxies"};
  return kLocal.contains(type);
}

}  // namespace

bool ClientSession::UsedFromTwoPlaces(Request& request) {
  if (state_ != AuthState::kReady || session_id_ == 0 || StaysLocal(request.type) ||
      world_.IsNewestUser(session_id_, ref_)) {
    return false;
  }
  if (!world_.network_up()) {
    // Nothing reaches the server while the network is down: the request waits as usual,
    // and the server notices the key when the network is back (before the request goes).
    std::weak_ptr<ClientSession> weak = weak_from_this();
    world_.WhenNetworkUp([weak, type = request.type] {
      auto self = weak.lock();
      if (!self || self->state_ != AuthState::kReady || self->world_.IsNewestUser(self->session_id_, self->ref_)) {
        return;
      }
      self->world_.ReportDuplicateUse(self->user_id_, self->session_id_, self->ref_, type);
    });
    return false;
  }
  // The request stays pending: it gets 401 Unauthorized after LoggingOut, like the rest.
  world_.ReportDuplicateUse(user_id_, session_id_, ref_, request.type);
  return true;
}

}  // namespace tgsim
