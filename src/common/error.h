// The domain error of tgmux: one code (docs/architecture.md, Errors), a message that
// is safe to show to API clients, and an optional retry-after.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace tgmux {

enum class ErrorCode {
  kInvalidRequest,
  kInvalidPhone,
  kCodeInvalid,
  kCodeExpired,
  kPasswordInvalid,
  kPasswordNeeded,
  kFloodWait,
  kUnauthorized,
  kForbidden,
  kNotFound,
  kConflict,
  kAccountNotReady,
  kPeerNotFound,
  kTelegramUnreachable,
  kTelegramNotConfigured,
  kTelegramError,
  kPayloadTooLarge,
  kBotTokenInvalid,
  kMethodNotAllowed,
  kNoAccountAvailable,  // no account of a pool may send now
  kStoreUnavailable,    // the database cannot be reached now (PostgreSQL away)
  kNodeUnavailable,     // several nodes: the node that runs the account does not answer now
  kInternal,
};

// Stable API name of a code ("flood_wait").
std::string_view CodeName(ErrorCode code);
// HTTP status of a code (the one table for it).
int HttpStatus(ErrorCode code);
// What a code means and what a client should do about it (one or two sentences).
std::string_view CodeSummary(ErrorCode code);
// Every code, in the table's order (for documentation: /docs/errors, /openapi.json).
std::vector<ErrorCode> AllErrorCodes();
// The code named `name` (as CodeName gives it), or nullopt.
std::optional<ErrorCode> ParseErrorCode(std::string_view name);

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, std::string message, std::optional<int> retry_after = std::nullopt)
      : std::runtime_error(std::move(message)), code_(code), retry_after_(retry_after) {}

  ErrorCode code() const { return code_; }
  // Seconds to wait before retrying (flood_wait, no_account_available).
  std::optional<int> retry_after() const { return retry_after_; }

  // Extra members for the problem body, e.g. {"attempts_left": 3} or {"account_id": "acc_..."}.
  const nlohmann::json& details() const { return details_; }
  Error&& With(const std::string& key, nlohmann::json value) && {
    details_[key] = std::move(value);
    return std::move(*this);
  }

 private:
  ErrorCode code_;
  std::optional<int> retry_after_;
  nlohmann::json details_ = nlohmann::json::object();
};

// Throws Error(invalid_request) "field: why": how every reader of API input
// names what is wrong ("daily_limit: must be a whole number from 1 to 10000").
[[noreturn]] void InvalidField(const std::string& field, const std::string& why);

}  // namespace tgmux
