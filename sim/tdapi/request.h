#pragma once
// Parsing of TDLib JSON requests with TDLib's exact error messages (tdlib-facts §2.1).
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "sim/tdapi/json.h"

namespace tgsim {

// A request TDLib could not parse: message is the full TDLib error text (code 400).
struct RequestParseError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct ParsedRequest {
  Json object;                 // the request without @extra (valid only when error is empty)
  std::string type;            // its @type
  std::optional<Json> extra;   // present whenever the JSON itself parsed and had @extra
  std::optional<Json> error;   // an error object when the request is unusable
};

// Parses one request. Unknown methods are reported like TDLib ("Unknown class").
ParsedRequest ParseRequest(std::string_view raw);

// Field accessors with TDLib's defaults for missing or null fields. They throw
// RequestParseError with TDLib's message when the JSON type is wrong.
std::int64_t GetInt(const Json& object, std::string_view field);
std::string GetString(const Json& object, std::string_view field);
bool GetBool(const Json& object, std::string_view field);
// Returns a null Json when absent; throws when present but not an object.
const Json& GetObject(const Json& object, std::string_view field);
// "@type" of a nested object, "" when the object is absent.
std::string TypeOf(const Json& object);
std::vector<std::int64_t> GetIntArray(const Json& object, std::string_view field);

}  // namespace tgsim
