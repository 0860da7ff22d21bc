#include "sim/tdapi/sync_methods.h"

#include <atomic>
#include <functional>
#include <map>
#include <string>

#include "sim/tdapi/methods.h"
#include "sim/tdapi/request.h"
#include "sim/tdapi/text.h"

namespace tgsim {
namespace {

std::atomic<int> g_log_verbosity{5};  // TDLib's default level

Json Typed(std::string_view type) {
  Json out;
  out["@type"] = std::string(type);
  return out;
}

Json GetOptionSync(const Json& request) {
  std::string name = GetString(request, "name");
  if (name == "version") return OptionString(kTdlibVersion);
  if (name == "commit_hash") return OptionString(kTdlibCommitHash);
  return MakeError(400, "The option can't be get synchronously");
}

Json SetLogVerbosity(const Json& request) {
  std::int64_t level = GetInt(request, "new_verbosity_level");
  if (level < 0 || level > 1024) return MakeError(400, "Wrong new verbosity level specified");
  g_log_verbosity = static_cast<int>(level);
  return Typed("ok");
}

Json GetLogVerbosity(const Json&) {
  Json out = Typed("logVerbosityLevel");
  out["verbosity_level"] = g_log_verbosity.load();
  return out;
}

Json ParseTextEntitiesSync(const Json& request) {
  std::string text = GetString(request, "text");
  const Json& mode = GetObject(request, "parse_mode");
  std::string mode_type = TypeOf(mode);
  if (mode_type.empty()) return MakeError(400, "Parse mode must be non-empty");
  if (!IsValidUtf8(text)) return MakeError(400, "Text must be encoded in UTF-8");
  try {
    if (mode_type == "textParseModeHTML") return ParseHtml(text);
    std::int64_t version = GetInt(mode, "version");
    if (version == 0 || version == 1) return ParseMarkdownV1(text);
    if (version == 2) return ParseMarkdownV2(text);
    return MakeError(400, "Can't parse entities: Wrong Markdown version specified");
  } catch (const EntityParseError& e) {
    return MakeError(400, e.what());
  }
}

Json GetTextEntitiesSync(const Json& request) {
  Json out = Typed("textEntities");
  out["entities"] = DetectTextEntities(GetString(request, "text"));
  return out;
}

Json ReturnError(const Json& request) {
  const Json& error = GetObject(request, "error");
  return MakeError(static_cast<int>(GetInt(error, "code")), GetString(error, "message"));
}

Json LogStream(const Json&) { return Typed("logStreamDefault"); }

using Handler = std::function<Json(const Json&)>;

const std::map<std::string, Handler, std::less<>>& Handlers() {
  static const std::map<std::string, Handler, std::less<>> handlers = {
      {"getOption", GetOptionSync},
      {"setLogVerbosityLevel", SetLogVerbosity},
      {"getLogVerbosityLevel", GetLogVerbosity},
      {"parseTextEntities", ParseTextEntitiesSync},
      {"parseMarkdown", [](const Json& r) { return ParseMarkdownText(GetObject(r, "text")); }},
      {"getMarkdownText", [](const Json& r) { return MarkdownFromEntities(GetObject(r, "text")); }},
      {"getTextEntities", GetTextEntitiesSync},
      {"testReturnError", ReturnError},
      {"getLogStream", LogStream},
      {"setLogStream", [](const Json&) { return Typed("ok"); }},
      {"addLogMessage", [](const Json&) { return Typed("ok"); }},
      {"setLogTagVerbosityLevel", [](const Json&) { return Typed("ok"); }},
  };
  return handlers;
}

}  // namespace

Json OptionString(std::string_view value) {
  Json out = Typed("optionValueString");
  out["value"] = std::string(value);
  return out;
}

Json OptionInteger(std::int64_t value) {
  Json out = Typed("optionValueInteger");
  out["value"] = Int64(value);
  return out;
}

Json OptionBoolean(bool value) {
  Json out = Typed("optionValueBoolean");
  out["value"] = value;
  return out;
}

Json ExecuteSynchronous(const Json& request) {
  std::string type = TypeOf(request);
  if (type != "getOption" && !IsSynchronousMethod(type)) {
    return MakeError(400, "The method can't be executed synchronously");
  }
  auto it = Handlers().find(type);
  if (it == Handlers().end()) return MakeError(400, "The method is not supported by tgsim");
  try {
    return it->second(request);
  } catch (const RequestParseError& e) {
    return MakeError(400, e.what());
  }
}

}  // namespace tgsim
