// Authorization state changes, close / logOut / destroy / remote revoke (tdlib-facts §5.8–5.9),
// options, and the table of handled methods.
#include "sim/engine/client.h"
#include "sim/engine/objects.h"
#include "sim/tdapi/sync_methods.h"

namespace tgsim {

const std::map<std::string, ClientSession::Handler, std::less<>>& ClientSession::Handlers() {
  static const std::map<std::string, Handler, std::less<>> handlers = {
      {"setTdlibParameters", &ClientSession::HandleSetTdlibParameters},
      {"getAuthorizationState", &ClientSession::HandleGetAuthorizationState},
      {"close", &ClientSession::HandleClose},
      {"logOut", &ClientSession::HandleLogOut},
      {"destroy", &ClientSession::HandleDestroy},
      {"getOption", &ClientSession::HandleGetOption},
      {"setOption", &ClientSession::HandleSetOption},
      {"setAuthenticationPhoneNumber", &ClientSession::HandleSetPhoneNumber},
      {"resendAuthenticationCode", &ClientSession::HandleResendCode},
      {"checkAuthenticationCode", &ClientSession::HandleCheckCode},
      {"checkAuthenticationPassword", &ClientSession::HandleCheckPassword},
      {"registerUser", &ClientSession::HandleRegisterUser},
      {"checkAuthenticationBotToken", &ClientSession::HandleBotToken},
      {"requestQrCodeAuthentication", &ClientSession::HandleRequestQr},
      {"getMe", &ClientSession::HandleGetMe},
      {"getUser", &ClientSession::HandleGetUser},
      {"getChat", &ClientSession::HandleGetChat},
      {"getSupergroup", &ClientSession::HandleGetSupergroup},
      {"createPrivateChat", &ClientSession::HandleCreatePrivateChat},
      {"searchPublicChat", &ClientSession::HandleSearchPublicChat},
      {"loadChats", &ClientSession::HandleLoadChats},
      {"getChats", &ClientSession::HandleGetChats},
      {"openChat", &ClientSession::HandleOpenChat},
      {"closeChat", &ClientSession::HandleCloseChat},
      {"joinChat", &ClientSession::HandleJoinChat},
      {"leaveChat", &ClientSession::HandleLeaveChat},
      {"checkChatInviteLink", &ClientSession::HandleCheckChatInviteLink},
      {"joinChatByInviteLink", &ClientSession::HandleJoinChatByInviteLink},
      {"sendMessage", &ClientSession::HandleSendMessage},
      {"createForumTopic", &ClientSession::HandleCreateForumTopic},
      {"editForumTopic", &ClientSession::HandleEditForumTopic},
      {"toggleForumTopicIsClosed", &ClientSession::HandleToggleForumTopicIsClosed},
      {"getForumTopic", &ClientSession::HandleGetForumTopic},
      {"getForumTopics", &ClientSession::HandleGetForumTopics},
      {"getChatMember", &ClientSession::HandleGetChatMember},
      {"getChatAdministrators", &ClientSession::HandleGetChatAdministrators},
      {"setMessageReactions", &ClientSession::HandleSetMessageReactions},
      {"addMessageReaction", &ClientSession::HandleAddMessageReaction},
      {"editMessageText", &ClientSession::HandleEditMessageText},
      {"deleteMessages", &ClientSession::HandleDeleteMessages},
      {"getChatHistory", &ClientSession::HandleGetChatHistory},
      {"getMessage", &ClientSession::HandleGetMessage},
      {"viewMessages", &ClientSession::HandleViewMessages},
      {"searchChatMessages", &ClientSession::HandleSearchChatMessages},
      {"searchMessages", &ClientSession::HandleSearchMessages},
      {"searchUserByPhoneNumber", &ClientSession::HandleSearchUserByPhoneNumber},
      {"importContacts", &ClientSession::HandleImportContacts},
      {"getContacts", &ClientSession::HandleGetContacts},
      {"canSendMessageToUser", &ClientSession::HandleCanSendMessageToUser},
      {"sendMessageAlbum", &ClientSession::HandleSendMessageAlbum},
      {"editMessageCaption", &ClientSession::HandleEditMessageCaption},
      {"getFile", &ClientSession::HandleGetFile},
      {"getRemoteFile", &ClientSession::HandleGetRemoteFile},
      {"downloadFile", &ClientSession::HandleDownloadFile},
      {"deleteFile", &ClientSession::HandleDeleteFile},
      {"addProxy", &ClientSession::HandleAddProxy},
      {"editProxy", &ClientSession::HandleEditProxy},
      {"enableProxy", &ClientSession::HandleEnableProxy},
      {"disableProxy", &ClientSession::HandleDisableProxy},
      {"removeProxy", &ClientSession::HandleRemoveProxy},
      {"getProxies", &ClientSession::HandleGetProxies},
      {"pingProxy", &ClientSession::HandlePingProxy},
      {"editMessageReplyMarkup", &ClientSession::HandleEditMessageReplyMarkup},
      {"editMessageMedia", &ClientSession::HandleEditMessageMedia},
      {"answerCallbackQuery", &ClientSession::HandleAnswerCallbackQuery},
      {"setCommands", &ClientSession::HandleSetCommands},
      {"getCommands", &ClientSession::HandleGetCommands},
      {"deleteCommands", &ClientSession::HandleDeleteCommands},
  };
  return handlers;
}

void ClientSession::SetState(AuthState state, Json object) {
  state_ = state;
  state_object_ = std::move(object);
  Emit(UpdateAuthorizationState(state_object_));
  if (state == AuthState::kWaitCode || state == AuthState::kWaitPassword ||
      state == AuthState::kWaitRegistration) {
    SaveLoginState();
  }
}

void ClientSession::BecomeReady(const User& user, const Session& session, Request* request) {
  user_id_ = user.id;
  phone_digits_ = user.phone;
  session_id_ = session.id;
  is_bot_ = user.is_bot;
  pending_user_id_ = 0;
  LibraryOp({{"op", "db_write"},
             {"data", {{"auth", "ok"}, {"session_id", session.id}, {"secret", session.secret},
                       {"user_id", user.id}, {"is_bot", user.is_bot}}}});
  Json my_id = Obj("updateOption");
  my_id["name"] = "my_id";
  my_id["value"] = OptionInteger(user.id);
  options_["my_id"] = my_id["value"];
  Emit(my_id);
  known_users_.insert(user.id);
  Json update_user = Obj("updateUser");
  update_user["user"] = UserObject(user);
  Emit(update_user);
  Json auth_date = Obj("updateOption");
  auth_date["name"] = "authorization_date";
  auth_date["value"] = OptionInteger(session.created_at);
  options_["authorization_date"] = auth_date["value"];
  Emit(auth_date);
  SetState(AuthState::kReady, AuthorizationState("authorizationStateReady"));
  world_.Register(shared_from_this(), user.id);
  world_.ClaimSession(session.id, ref_);  // a login, or this directory's session restored
  if (request != nullptr) {
    FinishAuthQuery(*request);
    Respond(*request, Obj("ok"));
  }
}

// The end of every client: pending requests answered, local data wiped if asked, then
// exactly one Closed. After that the id answers every request with 500 Request aborted.
void ClientSession::Finish(AuthState via, int pending_code, std::string_view pending_message,
                           bool wipe) {
  if (via == AuthState::kClosing) SetState(AuthState::kClosing, AuthorizationState("authorizationStateClosing"));
  AbortPending(pending_code, pending_message);
  if (qr_timer_ != 0) world_.scheduler().Cancel(qr_timer_);
  if (!qr_token_.empty()) world_.DropQrToken(qr_token_);
  world_.Unregister(this);
  if (wipe) LibraryOp({{"op", "db_wipe"}});
  LibraryOp({{"op", "closed"}});
  SetState(AuthState::kClosed, AuthorizationState("authorizationStateClosed"));
}

void ClientSession::HandleClose(Request& request) {
  Respond(request, Obj("ok"));
  Finish(AuthState::kClosing, 500, "Request aborted", false);
}

void ClientSession::HandleLogOut(Request& request) {
  SetState(AuthState::kLoggingOut, AuthorizationState("authorizationStateLoggingOut"));
  if (session_id_ == 0) {  // not authorized: only local keys to destroy
    Respond(request, Obj("ok"));
    return Finish(AuthState::kLoggingOut, 401, "Unauthorized", true);
  }
  CallServer(request, [this](Request& r) {
    world_.cloud().RemoveSession(session_id_);
    Respond(r, Obj("ok"));
    Finish(AuthState::kLoggingOut, 401, "Unauthorized", true);
  });
}

void ClientSession::HandleDestroy(Request& request) {
  Respond(request, Obj("ok"));
  SetState(AuthState::kLoggingOut, AuthorizationState("authorizationStateLoggingOut"));
  Finish(AuthState::kLoggingOut, 401, "Unauthorized", true);
}

void ClientSession::OnAuthorizationLost() {
  if (state_ == AuthState::kClosed || state_ == AuthState::kClosing) return;
  SetState(AuthState::kLoggingOut, AuthorizationState("authorizationStateLoggingOut"));
  Finish(AuthState::kLoggingOut, 401, "Unauthorized", true);
}

void ClientSession::OnNetworkChanged(bool up) {
  if (state_ == AuthState::kWaitParameters || state_ == AuthState::kClosed) return;
  if (up) return EmitConnectionState(false);  // Ready, or still waiting for the proxy
  Json update = Obj("updateConnectionState");
  update["state"] = Obj("connectionStateConnecting");
  Emit(update);
}

void ClientSession::HandleGetAuthorizationState(Request& request) {
  Respond(request, state_object_);
}

void ClientSession::HandleGetOption(Request& request) {
  std::string name = GetString(request.object, "name");
  if (name == "unix_time") return Respond(request, OptionInteger(world_.scheduler().Now()));
  auto it = options_.find(name);
  Respond(request, it == options_.end() ? Obj("optionValueEmpty") : it->second);
}

void ClientSession::HandleSetOption(Request& request) {
  static const std::set<std::string, std::less<>> kReadOnly = {
      "version", "commit_hash", "my_id", "unix_time", "authorization_date",
      "message_text_length_max"};
  std::string name = GetString(request.object, "name");
  if (kReadOnly.contains(name)) return RespondError(request, 400, "Option can't be set");
  const Json& value = GetObject(request.object, "value");
  options_[name] = value.is_null() ? Obj("optionValueEmpty") : value;
  Respond(request, Obj("ok"));
}

}  // namespace tgsim
