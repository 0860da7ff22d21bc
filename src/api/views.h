// JSON shapes of the API's resources, and helpers to read request fields.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "api/http.h"
#include "service/logins.h"

namespace tgmux::api {

// RFC 3339 UTC ("2026-11-21T12:00:00Z"); null for 0.
nlohmann::json Timestamp(std::int64_t unix_seconds);
nlohmann::json AccountJson(const store::Account& account);
nlohmann::json LoginJson(const service::LoginView& login);

// A string member of a JSON body; throws Error(invalid_request) naming the field
// when it has another type, or when it is required and missing.
std::optional<std::string> StringField(const nlohmann::json& body, const std::string& name, bool required);
std::optional<bool> BoolField(const nlohmann::json& body, const std::string& name);

// The tenant of a request (one tenant until app users exist).
std::string TenantOf(const Request& request);

}  // namespace tgmux::api
