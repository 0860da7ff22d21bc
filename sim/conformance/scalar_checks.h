// Checks of JSON scalars against TDLib's encoding rules. Internal.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "sim/conformance/json_walker.h"
#include "sim/conformance/schema_model.h"

namespace tgsim::conformance::detail {

// "-?[0-9]+" within the int64 range, as TDLib writes and parses int64.
bool IsIntegerText(std::string_view text);
// Standard base64 with padding, as TDLib writes and its base64_decode accepts.
bool IsBase64(std::string_view text);

// Returns nullptr if `value` is acceptable for scalar kind `kind` in `mode`,
// otherwise what was expected, e.g. "int64 as a string of digits".
template <class Json>
const char* CheckScalar(Kind kind, Mode mode, const Json& value);

}  // namespace tgsim::conformance::detail
