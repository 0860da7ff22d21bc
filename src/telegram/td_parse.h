// TDLib JSON objects to the typed values of types.h. Internal to telegram/.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <optional>
#include <string>
#include <string_view>

#include "telegram/types.h"

namespace tgmux::telegram {

// Kind of an authorizationState* @type ("authorizationStateWaitCode").
AuthState::Kind ParseAuthKind(std::string_view type);

// An authorizationState* object, e.g. the authorization_state field of
// updateAuthorizationState. Missing fields take defaults; unknown fields are
// ignored (they change between TDLib versions).
AuthState ParseAuthState(const nlohmann::json& state);
// A connectionState object; nullopt for an unknown one.
std::optional<ConnectionState> ParseConnectionState(const nlohmann::json& state);

// TDLib's type names in our snake case and back:
// SnakeSuffix("textEntityTypeTextUrl", "textEntityType") == "text_url",
// TdTypeFromSnake("textEntityType", "text_url") == "textEntityTypeTextUrl".
std::string SnakeSuffix(std::string_view td_type, std::string_view prefix);
std::string TdTypeFromSnake(std::string_view prefix, std::string_view snake);

// A `user` object (answer to getMe); nullopt when it is not one.
std::optional<Me> ParseMe(const nlohmann::json& user);

}  // namespace tgmux::telegram
