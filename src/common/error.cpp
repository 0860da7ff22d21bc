#include "common/error.h"

#include <array>

namespace tgmux {
namespace {

struct CodeInfo {
  ErrorCode code;
  std::string_view name;
  int status;
  std::string_view summary;  // what it means and what to do, for the served list of codes (/docs/errors)
};

constexpr std::array kCodes = {
    CodeInfo{ErrorCode::kInvalidRequest, "invalid_request", 400,
             "The request is malformed or a field is wrong; `detail` names the field and what is wrong with it."},
    CodeInfo{ErrorCode::kInvalidPhone, "invalid_phone", 400,
             "The phone number cannot be a Telegram number (Telegram's PHONE_NUMBER_INVALID, or not a number at all)."},
    CodeInfo{ErrorCode::kCodeInvalid, "code_invalid", 400,
             "The login code is wrong; `attempts_left` says how many tries remain before the login fails."},
    CodeInfo{ErrorCode::kCodeExpired, "code_expired", 410,
             "The login code (or the login itself) expired: ask for a new code (`POST /v1/logins/{id}/resend`) or start again."},
    CodeInfo{ErrorCode::kPasswordInvalid, "password_invalid", 400,
             "The two-step verification (2FA) password is wrong."},
    CodeInfo{ErrorCode::kPasswordNeeded, "password_needed", 409,
             "The account has a two-step verification password: send it to `POST /v1/logins/{id}/password`."},
    CodeInfo{ErrorCode::kFloodWait, "flood_wait", 429,
             "Telegram (or tgmux's own limit) asks to wait: retry after `retry_after` seconds (also in the `Retry-After` header)."},
    CodeInfo{ErrorCode::kUnauthorized, "unauthorized", 401,
             "No credentials, or they are not valid any more: send `Authorization: Bearer <access token or API key>` (or sign in again)."},
    CodeInfo{ErrorCode::kForbidden, "forbidden", 403,
             "The credentials are valid but their role may not do this (e.g. an operator unlinking an account), or a browser check failed (CSRF token, Origin)."},
    CodeInfo{ErrorCode::kNotFound, "not_found", 404,
             "No such resource, or it belongs to another tenant (the two are answered alike)."},
    CodeInfo{ErrorCode::kConflict, "conflict", 409,
             "The request conflicts with the resource's state (e.g. an account linked already, a login that is over, the last owner leaving)."},
    CodeInfo{ErrorCode::kAccountNotReady, "account_not_ready", 409,
             "The account cannot act now (connecting, disabled, revoked or in error): see its `status`."},
    CodeInfo{ErrorCode::kPeerNotFound, "peer_not_found", 404,
             "The recipient (a user id, `@username`, phone number or chat id) is unknown to the account."},
    CodeInfo{ErrorCode::kTelegramUnreachable, "telegram_unreachable", 504,
             "Telegram did not answer in time (`TGMUX_TELEGRAM_DEADLINE`), or the network is down; retry later."},
    CodeInfo{ErrorCode::kTelegramNotConfigured, "telegram_not_configured", 503,
             "tgmux has no Telegram application id: set `TELEGRAM_API_ID` and `TELEGRAM_API_HASH`."},
    CodeInfo{ErrorCode::kTelegramError, "telegram_error", 502,
             "Telegram refused the request; `detail` carries Telegram's message."},
    CodeInfo{ErrorCode::kPayloadTooLarge, "payload_too_large", 413,
             "The request body is larger than allowed (1 MiB, or `TGMUX_MAX_UPLOAD` for file uploads)."},
    CodeInfo{ErrorCode::kBotTokenInvalid, "bot_token_invalid", 400,
             "Telegram does not accept the bot token."},
    CodeInfo{ErrorCode::kMethodNotAllowed, "method_not_allowed", 405,
             "The path exists but not with this HTTP method; the `Allow` header lists the methods it takes."},
    CodeInfo{ErrorCode::kNoAccountAvailable, "no_account_available", 503,
             "No account of the pool may send now (all busy, limited or over their limits); retry after `retry_after` seconds."},
    CodeInfo{ErrorCode::kStoreUnavailable, "store_unavailable", 503,
             "The database (PostgreSQL) cannot be reached now: nothing was accepted; retry after `retry_after` seconds, a send with the same `Idempotency-Key`."},
    CodeInfo{ErrorCode::kNodeUnavailable, "node_unavailable", 503,
             "With several nodes: the node that runs the account does not answer, or the account is moving between nodes; retry after `retry_after` seconds."},
    CodeInfo{ErrorCode::kInternal, "internal", 500,
             "Something failed inside tgmux; `detail` carries a request id to find in tgmux's log."},
};

const CodeInfo& Info(ErrorCode code) {
  for (const auto& info : kCodes) {
    if (info.code == code) return info;
  }
  return kCodes.back();
}

}  // namespace

std::string_view CodeName(ErrorCode code) { return Info(code).name; }
int HttpStatus(ErrorCode code) { return Info(code).status; }
std::string_view CodeSummary(ErrorCode code) { return Info(code).summary; }

std::vector<ErrorCode> AllErrorCodes() {
  std::vector<ErrorCode> out;
  for (const auto& info : kCodes) out.push_back(info.code);
  return out;
}

std::optional<ErrorCode> ParseErrorCode(std::string_view name) {
  for (const auto& info : kCodes) {
    if (info.name == name) return info.code;
  }
  return std::nullopt;
}

void InvalidField(const std::string& field, const std::string& why) {
  throw Error(ErrorCode::kInvalidRequest, field + ": " + why);
}

}  // namespace tgmux
