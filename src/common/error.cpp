#include "common/error.h"

#include <array>

namespace tgmux {
namespace {

struct CodeInfo {
  ErrorCode code;
  std::string_view name;
  int status;
};

constexpr std::array kCodes = {
    CodeInfo{ErrorCode::kInvalidRequest, "invalid_request", 400},
    CodeInfo{ErrorCode::kInvalidPhone, "invalid_phone", 400},
    CodeInfo{ErrorCode::kCodeInvalid, "code_invalid", 400},
    CodeInfo{ErrorCode::kCodeExpired, "code_expired", 410},
    CodeInfo{ErrorCode::kPasswordInvalid, "password_invalid", 400},
    CodeInfo{ErrorCode::kPasswordNeeded, "password_needed", 409},
    CodeInfo{ErrorCode::kFloodWait, "flood_wait", 429},
    CodeInfo{ErrorCode::kUnauthorized, "unauthorized", 401},
    CodeInfo{ErrorCode::kForbidden, "forbidden", 403},
    CodeInfo{ErrorCode::kNotFound, "not_found", 404},
    CodeInfo{ErrorCode::kConflict, "conflict", 409},
    CodeInfo{ErrorCode::kAccountNotReady, "account_not_ready", 409},
    CodeInfo{ErrorCode::kPeerNotFound, "peer_not_found", 404},
    CodeInfo{ErrorCode::kTelegramUnreachable, "telegram_unreachable", 504},
    CodeInfo{ErrorCode::kTelegramNotConfigured, "telegram_not_configured", 503},
    CodeInfo{ErrorCode::kTelegramError, "telegram_error", 502},
    CodeInfo{ErrorCode::kPayloadTooLarge, "payload_too_large", 413},
    CodeInfo{ErrorCode::kBotTokenInvalid, "bot_token_invalid", 400},
    CodeInfo{ErrorCode::kMethodNotAllowed, "method_not_allowed", 405},
    CodeInfo{ErrorCode::kNoAccountAvailable, "no_account_available", 503},
    CodeInfo{ErrorCode::kStoreUnavailable, "store_unavailable", 503},
    CodeInfo{ErrorCode::kInternal, "internal", 500},
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
