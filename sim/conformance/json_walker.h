// Walks a JSON value against the schema and collects violations. Internal.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/conformance/schema_model.h"

namespace tgsim::conformance::detail {

// kOutput: what TDLib writes (strict). kInput: what TDLib's parser accepts.
enum class Mode { kOutput, kInput };

// Validates a top-level object. With nlohmann::ordered_json the key order is
// checked too (@type first, schema order, @extra then @client_id last).
// Instantiated for nlohmann::json and nlohmann::ordered_json.
template <class Json>
void WalkRoot(const SchemaData& data, Mode mode, const Json& value, std::vector<std::string>& out);

}  // namespace tgsim::conformance::detail
