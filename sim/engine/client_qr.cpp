// QR-code login (tdlib-facts §5.5): WaitOtherDeviceConfirmation with a link that is
// re-issued every qr_period seconds until another device confirms it.
#include "sim/engine/client.h"
#include "sim/engine/objects.h"

namespace tgsim {

void ClientSession::HandleRequestQr(Request& request) {
  if (bot_token_entered_) {
    return RespondError(request, 400, "Cannot request QR code authentication after bot token was entered. You must log out first");
  }
  bool allowed = state_ == AuthState::kWaitPhone || state_ == AuthState::kWaitCode ||
                 state_ == AuthState::kWaitPassword || state_ == AuthState::kWaitRegistration;
  if (!allowed) return RespondError(request, 400, "Call to requestQrCodeAuthentication unexpected");
  StartAuthQuery(request);
  CallServer(request, [this](Request& r) {
    FinishAuthQuery(r);
    IssueQrToken();
    Respond(r, Obj("ok"));
  });
}

void ClientSession::IssueQrToken() {
  if (!qr_token_.empty()) world_.DropQrToken(qr_token_);
  qr_token_ = NewQrToken();
  world_.SetQrToken(shared_from_this(), qr_token_);
  Json state = Obj("authorizationStateWaitOtherDeviceConfirmation");
  state["link"] = "tg://login?token=" + qr_token_;
  SetState(AuthState::kWaitQr, state);
  std::weak_ptr<ClientSession> weak = weak_from_this();
  qr_timer_ = world_.scheduler().After(world_.options().qr_period, [weak] {
    auto self = weak.lock();
    if (self && self->state_ == AuthState::kWaitQr) self->IssueQrToken();
  });
}

void ClientSession::OnQrConfirmed(std::int64_t user_id) {
  if (state_ != AuthState::kWaitQr) return;
  if (qr_timer_ != 0) world_.scheduler().Cancel(qr_timer_);
  qr_timer_ = 0;
  world_.DropQrToken(qr_token_);
  const User* user = world_.cloud().FindUser(user_id);
  if (user == nullptr) return;
  phone_digits_ = user->phone;
  AfterFirstFactor(*user, nullptr);
}

}  // namespace tgsim
