// JSON shapes of the API's resources, and helpers to read request fields.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "api/http.h"
#include "service/logins/logins.h"
#include "telegram/messages.h"

namespace tgmux::api {

// RFC 3339 UTC ("2026-11-21T12:00:00Z"); null for 0.
nlohmann::json Timestamp(std::int64_t unix_seconds);
// flood_wait_until (unix seconds; AccountService::FloodWaitUntil) is shown
// while the status is flood_wait, else null.
nlohmann::json AccountJson(const store::Account& account, std::int64_t flood_wait_until = 0);
nlohmann::json LoginJson(const service::LoginView& login);

// A string member of a JSON body; throws Error(invalid_request) naming the field
// when it has another type, or when it is required and missing.
std::optional<std::string> StringField(const nlohmann::json& body, const std::string& name, bool required);
std::optional<bool> BoolField(const nlohmann::json& body, const std::string& name);
// The body's "parse_mode": absent, null or "" is plain text, else "markdown",
// "markdownv2" or "html"; Error(invalid_request) naming the three otherwise.
telegram::ParseMode ParseModeField(const nlohmann::json& body);

// The Idempotency-Key header ("" when none); Error(invalid_request) when it
// is longer than 200 characters.
std::string IdempotencyKey(const Request& request);

// An integer query parameter from min to max (`fallback` when absent); throws
// Error(invalid_request) naming the parameter and its range.
std::int64_t QueryInt(const Request& request, const std::string& name, std::int64_t fallback, std::int64_t min,
                      std::int64_t max);
// "true"/"1" or "false"/"0" (`fallback` when absent); throws Error(invalid_request).
bool QueryBool(const Request& request, const std::string& name, bool fallback);

// Who sent an authenticated request, and its tenant. Throw Error(internal) on a
// public route, where there is none.
const service::Principal& PrincipalOf(const Request& request);
const std::string& TenantOf(const Request& request);

// The response marked never to be cached (tokens, keys, invites, login QR codes).
Response NoStore(Response response);

nlohmann::json UserJson(const store::User& user);
nlohmann::json ApiKeyJson(const store::ApiKey& key);
nlohmann::json InviteJson(const store::Invite& invite);
nlohmann::json AuditJson(const store::AuditEntry& entry);
// A webhook, without its secret (shown once, at creation).
nlohmann::json WebhookJson(const store::Webhook& webhook);
// An outbox entry: no text (the caller has it), the state and the outcome.
nlohmann::json OutboxJson(const store::OutboxEntry& entry);

}  // namespace tgmux::api
