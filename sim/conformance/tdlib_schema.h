// Conformance validator: checks JSON against the TDLib schema of the pinned
// release, as read from tdlib-types.d.ts (tdl-install-types output), so that
// tests can prove the simulator writes exactly what TDLib writes and that
// tgmux sends only what TDLib accepts.
//
// Each check returns a list of violations, empty when the value conforms. A
// violation is one readable line that starts with a JSON path rooted at the
// object's @type, e.g.
//   "updateNewMessage.message.chat_id: expected integer number, got string".
//
// The .d.ts alone cannot tell an int64 from a string in output shapes, nor a
// double from an integer; numeric_fields.inc (generated from td_api.tl of the
// same release) supplies those two facts, and Load checks that it agrees
// with the .d.ts.
//
// Thread-safety: a loaded Schema is immutable; all methods are const and safe
// to call from many threads. Copies share the loaded data.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace tgsim::conformance {

namespace detail {
struct SchemaData;
}

class Schema {
 public:
  // Parses the .d.ts. Throws std::runtime_error naming the file and, where it
  // applies, the line, if the file is missing or cannot be read as typings.
  static Schema Load(const std::filesystem::path& dts);

  // "TDLib v1.8.65", from the header comment of the .d.ts.
  std::string Version() const;

  bool IsClass(std::string_view name) const;
  bool IsFunction(std::string_view name) const;
  // True for methods TDLib can run through td_execute.
  bool IsSynchronous(std::string_view function) const;

  // An object TDLib emits (update, response, error), as parsed JSON: @type
  // names a class, every required field is present, no unknown fields, no
  // null fields, every value of its declared JSON type (int64 as a string of
  // digits, int32/int53 as integer numbers, bytes as base64, nested objects
  // of a class the declared type allows). `@extra` (any value) and
  // `@client_id` (integer) are allowed at top level only. Key order is not
  // visible in nlohmann::json; use ValidateOutputText for that.
  std::vector<std::string> ValidateOutput(const nlohmann::json& object) const;

  // One line of TDLib output as text: everything ValidateOutput checks, plus
  // what only the text shows: valid JSON, no raw non-ASCII bytes (TDLib
  // escapes them), @type the first key of every object, fields in schema
  // order, and @extra then @client_id last at top level.
  std::vector<std::string> ValidateOutputText(std::string_view json_text) const;

  // ValidateOutput, plus: the object is an `error` or of the result type of
  // `function` (e.g. `ok` for setTdlibParameters).
  std::vector<std::string> ValidateResponse(std::string_view function,
                                            const nlohmann::json& response) const;

  // A request sent to TDLib, judged by what TDLib's JSON parser accepts:
  // @type names a function, every field is a known parameter, null or a
  // missing field is fine, int32/int53/int64 may be numbers or numeric
  // strings, bools may be integers, nested objects need @type where the
  // declared type is a union. `@extra` is allowed at top level.
  std::vector<std::string> ValidateRequest(const nlohmann::json& request) const;

 private:
  explicit Schema(std::shared_ptr<const detail::SchemaData> data);

  std::shared_ptr<const detail::SchemaData> data_;
};

}  // namespace tgsim::conformance
