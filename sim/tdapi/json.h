#pragma once
// TDLib's JSON conventions for output objects (tdlib-facts §2.3).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace tgsim {

// Objects keep insertion order, so builders insert fields in td_api.tl schema order.
using Json = nlohmann::ordered_json;

// Compact, every non-ASCII character escaped as \uXXXX (surrogate pairs for astral ones),
// like TDLib's JsonBuilder.
std::string Dump(const Json& value);

// Dump, except that the object's member `key` is written as `text`, which Dump wrote
// before: one object written once for several updates. The member keeps its place.
std::string DumpWith(const Json& object, std::string_view key, std::string_view text);

// {"@type":"error","code":code,"message":message}
Json MakeError(int code, std::string_view message);

// int64 fields are JSON strings in TDLib's output.
inline Json Int64(std::int64_t value) { return std::to_string(value); }

// Appends @extra (when the request had one) and @client_id (when non-zero) after the
// object's own fields, then serialises: the exact line td_receive returns.
std::string Envelope(const Json& object, const std::optional<Json>& extra, int client_id);
// The same for an object already written by Dump.
std::string EnvelopeText(std::string object_text, const std::optional<Json>& extra, int client_id);

}  // namespace tgsim
