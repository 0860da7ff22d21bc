// tgsim's reading of TDLib JSON requests (sim/tdapi/request.h): any text gives
// a parsed request or TDLib's error object, never a crash; a request that parses
// and names a synchronous method (parseTextEntities, parseMarkdown,
// getMarkdownText, getTextEntities, getOption, ...) is executed as td_execute
// would, and its answer is an object that serialises as td_receive returns it.
// tgsim's Dump writes every value exactly as nlohmann's dump does.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <nlohmann/json.hpp>

#include "fuzz/check.h"
#include "sim/tdapi/json.h"
#include "sim/tdapi/methods.h"
#include "sim/tdapi/request.h"
#include "sim/tdapi/sync_methods.h"

namespace {

// Dump writes most values itself: it must give nlohmann's bytes, whatever the strings hold.
void CheckDump(const tgsim::Json& value) {
  FUZZ_CHECK(tgsim::Dump(value) == value.dump(-1, ' ', true, tgsim::Json::error_handler_t::replace));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  // Any bytes as a string and as a key, and any JSON as it parses (repeated keys kept).
  CheckDump(tgsim::Json(std::string(input)));
  CheckDump(tgsim::Json::object({{std::string(input), 1}}));
  if (auto any = tgsim::Json::parse(input, nullptr, false); !any.is_discarded()) CheckDump(any);
  tgsim::ParsedRequest parsed = tgsim::ParseRequest(input);
  if (parsed.error) {
    FUZZ_CHECK(parsed.error->is_object() && parsed.error->value("@type", "") == "error");
    (void)tgsim::Envelope(*parsed.error, parsed.extra, 1);
    return 0;
  }
  FUZZ_CHECK(parsed.object.is_object() && tgsim::IsKnownMethod(parsed.type));
  CheckDump(parsed.object);
  // The accessors throw only TDLib's parse errors, whatever the field holds.
  for (const char* field : {"chat_id", "text", "parse_mode", "name", "value", "disable_notification", "ids"}) {
    try {
      (void)tgsim::GetInt(parsed.object, field);
    } catch (const tgsim::RequestParseError&) {
    }
    try {
      (void)tgsim::GetString(parsed.object, field);
    } catch (const tgsim::RequestParseError&) {
    }
    try {
      (void)tgsim::GetBool(parsed.object, field);
    } catch (const tgsim::RequestParseError&) {
    }
    try {
      (void)tgsim::TypeOf(tgsim::GetObject(parsed.object, field));
      (void)tgsim::GetIntArray(parsed.object, field);
    } catch (const tgsim::RequestParseError&) {
    }
  }
  if (parsed.type == "getOption" || tgsim::IsSynchronousMethod(parsed.type)) {
    tgsim::Json answer = tgsim::ExecuteSynchronous(parsed.object);
    FUZZ_CHECK(answer.is_object() && answer.contains("@type"));
    CheckDump(answer);
    (void)tgsim::Envelope(answer, parsed.extra, 1);
  }
  return 0;
}
