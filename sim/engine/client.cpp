#include "sim/engine/client.h"

#include "sim/engine/objects.h"
#include "sim/tdapi/methods.h"
#include "sim/tdapi/sync_methods.h"

namespace tgsim {

ClientSession::ClientSession(World& world, LineSink* sink, ClientRef ref)
    : world_(world), sink_(sink), ref_(ref), client_id_(ref.client_id), files_(world.cloud().files()) {}

void ClientSession::Detach() {
  sink_ = nullptr;
  if (auth_timer_ != 0) world_.scheduler().Cancel(auth_timer_);
  if (qr_timer_ != 0) world_.scheduler().Cancel(qr_timer_);
  if (!qr_token_.empty()) world_.DropQrToken(qr_token_);
  world_.Unregister(this);
  state_ = AuthState::kClosed;
}

void ClientSession::Emit(const Json& object) {
  if (sink_ != nullptr) EmitText(Dump(object));
}

void ClientSession::EmitText(std::string object_text) {
  if (sink_ == nullptr) return;
  sink_->SendLine(std::to_string(client_id_) + " " + EnvelopeText(std::move(object_text), std::nullopt, client_id_));
}

void ClientSession::Respond(Request& request, const Json& object) {
  RespondText(request, Dump(object));
}

void ClientSession::RespondText(Request& request, std::string object_text) {
  auto it = pending_.find(request.id);
  if (it == pending_.end()) return;  // already answered (aborted, superseded)
  pending_.erase(it);
  if (sink_ == nullptr) return;
  sink_->SendLine(std::to_string(client_id_) + " " + EnvelopeText(std::move(object_text), request.extra, client_id_));
}

void ClientSession::RespondError(Request& request, int code, std::string_view message) {
  Respond(request, MakeError(code, message));
}

void ClientSession::LibraryOp(Json op) {
  if (sink_ != nullptr) sink_->SendLine(std::to_string(client_id_) + " !" + Dump(op));
}

void ClientSession::EmitInitial() {
  Json version = Obj("updateOption");
  version["name"] = "version";
  version["value"] = OptionString(kTdlibVersion);
  Emit(version);
  Json commit = Obj("updateOption");
  commit["name"] = "commit_hash";
  commit["value"] = OptionString(kTdlibCommitHash);
  Emit(commit);
  state_object_ = AuthorizationState("authorizationStateWaitTdlibParameters");
  Emit(UpdateAuthorizationState(state_object_));
}

void ClientSession::OnRequest(std::string_view raw, const Json& db) {
  if (!started_) {
    started_ = true;
    EmitInitial();
  }
  ParsedRequest parsed = ParseRequest(raw);
  Request request{next_request_id_++, parsed.type, std::move(parsed.object), parsed.extra};
  pending_[request.id] = request.extra;
  if (state_ == AuthState::kClosed) return RespondError(request, 500, "Request aborted");
  if (parsed.error) return Respond(request, *parsed.error);
  bool sync_option = request.type == "getOption" &&
                     (GetString(request.object, "name") == "version" ||
                      GetString(request.object, "name") == "commit_hash");
  if (IsSynchronousMethod(request.type) || sync_option) {
    return Respond(request, ExecuteSynchronous(request.object));
  }
  if (state_ == AuthState::kWaitParameters && IsPreauthenticationMethod(request.type)) {
    pending_.erase(request.id);
    queued_until_init_.push_back(std::string(raw));  // answered once init is done
    return;
  }
  if (request.type == "setTdlibParameters" && state_ == AuthState::kWaitParameters) {
    request.object["@db"] = db;
  }
  if (!Gate(request) || UsedFromTwoPlaces(request)) return;
  Dispatch(request);
}

bool ClientSession::Gate(Request& request) {
  const std::string& type = request.type;
  switch (state_) {
    case AuthState::kClosing:
      RespondError(request, 500, "Request aborted");
      return false;
    case AuthState::kLoggingOut:
      if (type == "logOut") RespondError(request, 400, "Already logging out");
      else if (type == "getAuthorizationState") return true;
      else RespondError(request, 401, "Unauthorized");
      return false;
    case AuthState::kWaitParameters:
      if (type == "setTdlibParameters" || type == "getAuthorizationState" || type == "close" ||
          IsPreinitializationMethod(type)) {
        return true;
      }
      RespondError(request, 400, "Initialization parameters are needed: call setTdlibParameters first");
      return false;
    case AuthState::kReady:
      return true;
    default:
      if (IsAuthenticationMethod(type) || IsPreauthenticationMethod(type) ||
          IsPreinitializationMethod(type)) {
        return true;
      }
      RespondError(request, 401, "Unauthorized");
      return false;
  }
}

void ClientSession::Dispatch(Request& request) {
  // Requests.cpp checks the kind of account first, before anything method-specific.
  if (state_ == AuthState::kReady && is_bot_ && IsUserOnlyMethod(request.type)) {
    return RespondError(request, 400, "The method is not available to bots");
  }
  if (state_ == AuthState::kReady && !is_bot_ && IsBotOnlyMethod(request.type)) {
    return RespondError(request, 400, "Only bots can use the method");
  }
  auto it = Handlers().find(request.type);
  try {
    if (it == Handlers().end()) {
      if (IsAuthenticationMethod(request.type)) {
        return RespondError(request, 400, "Call to " + request.type + " unexpected");
      }
      return RespondError(request, 400, "Method " + request.type + " is not simulated by tgsim");
    }
    (this->*(it->second))(request);
  } catch (const RequestParseError& e) {
    RespondError(request, 400, e.what());
  }
}

void ClientSession::CallServer(Request& request, std::function<void(Request&)> reach) {
  std::weak_ptr<ClientSession> weak = weak_from_this();
  auto shared_request = std::make_shared<Request>(request);
  CallServerDetached(
      request.type,
      [weak, shared_request, reach] {
        if (auto self = weak.lock(); self && self->pending_.contains(shared_request->id)) {
          reach(*shared_request);
        }
      },
      [weak, shared_request](Json error) {
        if (auto self = weak.lock()) self->Respond(*shared_request, error);
      });
}

void ClientSession::CallServerDetached(const std::string& method, std::function<void()> reach,
                                       std::function<void(Json)> fail) {
  std::weak_ptr<ClientSession> weak = weak_from_this();
  if (!world_.network_up()) {
    // No answer at all while the network is down, like TDLib offline.
    world_.WhenNetworkUp([weak, method, reach, fail] {
      if (auto self = weak.lock(); self && self->state_ != AuthState::kClosed) {
        self->CallServerDetached(method, reach, fail);
      }
    });
    return;
  }
  if (ProxyBlocked()) {
    // Only this client waits: its enabled proxy does not answer.
    proxy_waiters_.push_back([weak, method, reach, fail] {
      if (auto self = weak.lock(); self && self->state_ != AuthState::kClosed) {
        self->CallServerDetached(method, reach, fail);
      }
    });
    return;
  }
  if (ban_pending_ && state_ == AuthState::kReady) {
    // Session.cpp: a 401 from the main DC logs out first (LoggingOut); the query that met
    // it still gets its error; then Td closes and the other requests get 401 Unauthorized.
    SetState(AuthState::kLoggingOut, AuthorizationState("authorizationStateLoggingOut"));
    fail(MakeError(401, "USER_DEACTIVATED_BAN"));
    return Finish(AuthState::kLoggingOut, 401, "Unauthorized", true);
  }
  std::optional<Fault> fault = world_.TakeFault(phone_digits_, method);
  if (!fault) return reach();
  if (fault->error) return fail(MakeError(fault->error->value("code", 400),
                                          fault->error->value("message", std::string("ERROR"))));
  if (fault->flood_wait > 60) {
    return fail(MakeError(429, "Too Many Requests: retry after " +
                                   std::to_string(fault->flood_wait)));
  }
  // A flood wait of 60 s or less is silent latency: TDLib sleeps and resends.
  std::uint64_t timer = world_.scheduler().After(fault->flood_wait, [weak, reach] {
    if (auto self = weak.lock(); self && self->state_ != AuthState::kClosed) reach();
  });
  if (IsAuthenticationMethod(method)) auth_timer_ = timer;
}

void ClientSession::AbortPending(int code, std::string_view message) {
  auto pending = std::move(pending_);
  pending_.clear();
  for (auto& [id, extra] : pending) {
    Request request{id, "", Json(), extra};
    pending_[id] = extra;
    RespondError(request, code, message);
  }
  auth_query_.reset();
}

bool ClientSession::StartAuthQuery(Request& request) {
  // Only one authentication query at a time: a new one fails the older one.
  if (auth_query_ && pending_.contains(auth_query_->id)) {
    if (auth_timer_ != 0) world_.scheduler().Cancel(auth_timer_);
    auth_timer_ = 0;
    RespondError(*auth_query_, 400, "Another authorization query has started");
  }
  auth_query_ = request;
  return true;
}

void ClientSession::FinishAuthQuery(Request& request) {
  if (auth_query_ && auth_query_->id == request.id) auth_query_.reset();
  auth_timer_ = 0;
}

}  // namespace tgsim
