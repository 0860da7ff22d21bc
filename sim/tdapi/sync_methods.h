#pragma once
// TDLib's synchronous methods (td_execute, and td_send before any state check).
#include <string_view>

#include "sim/tdapi/json.h"

namespace tgsim {

inline constexpr std::string_view kTdlibVersion = "1.8.65";
// The prebuilt library reports this instead of a commit (tdlib-facts §1.5).
inline constexpr std::string_view kTdlibCommitHash = "GITDIR-NOTFOUND";

// Runs one synchronous request (already parsed, without @extra). Returns the result
// object or an error object. For non-synchronous methods: TDLib's 400 error.
Json ExecuteSynchronous(const Json& request);

// optionValueString/Integer/Boolean builders shared with updateOption.
Json OptionString(std::string_view value);
Json OptionInteger(std::int64_t value);
Json OptionBoolean(bool value);

}  // namespace tgsim
