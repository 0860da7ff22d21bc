#include "sim/tdapi/request.h"

#include <charconv>
#include <cstdio>
#include <set>
#include <vector>
#include <sstream>

#include "sim/tdapi/methods.h"

namespace tgsim {
namespace {

constexpr std::string_view kObjectPrefix = "Failed to parse JSON object as TDLib request: ";

[[noreturn]] void Fail(std::string_view what) {
  throw RequestParseError(std::string(kObjectPrefix) + std::string(what));
}

// TDLib's names for JSON value kinds, as in "Expected String, but receive Number".
std::string_view KindName(const Json& value) {
  switch (value.type()) {
    case Json::value_t::null: return "Null";
    case Json::value_t::boolean: return "Boolean";
    case Json::value_t::string: return "String";
    case Json::value_t::array: return "Array";
    case Json::value_t::object: return "Object";
    default: return "Number";
  }
}

[[noreturn]] void WrongKind(std::string_view expected, const Json& value) {
  Fail(std::string("Expected ") + std::string(expected) + ", but receive " +
       std::string(KindName(value)));
}

const Json* Find(const Json& object, std::string_view field) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(field);
  if (it == object.end() || it->is_null()) return nullptr;
  return &*it;
}

std::int64_t ParseIntegerText(const std::string& text) {
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) {
    Fail("Can't parse as an integer string \"" + text + "\"");
  }
  return value;
}

// Turns nlohmann's parse failure into TDLib's wording for the common cases.
std::string JsonSyntaxMessage(std::string_view raw, const nlohmann::json::parse_error& e) {
  // A complete first value followed by more text is TDLib's "Expected string end".
  std::istringstream stream{std::string(raw)};
  Json first;
  try {
    stream >> first;
    return "Expected string end";
  } catch (const nlohmann::json::exception&) {
  }
  std::string what = e.what();
  if (e.byte >= raw.size() || what.find("unexpected end of input") != std::string::npos) {
    return "Unexpected string end";
  }
  return "Unexpected symbol";
}

// TDLib keeps the first of duplicate keys; nlohmann would keep the last. The callback
// drops every repeat: keys seen are tracked per object depth, reset when an object opens.
Json ParseFirstKeyWins(std::string_view raw) {
  std::vector<std::set<std::string>> seen;
  auto callback = [&seen](int depth, Json::parse_event_t event, Json& parsed) {
    auto level = static_cast<std::size_t>(depth);
    if (event == Json::parse_event_t::object_start) {
      if (seen.size() < level + 2) seen.resize(level + 2);
      seen[level + 1].clear();
    } else if (event == Json::parse_event_t::key && level < seen.size()) {
      return seen[level].insert(parsed.get<std::string>()).second;
    }
    return true;
  };
  return Json::parse(raw.begin(), raw.end(), callback);
}

void CheckType(ParsedRequest& parsed) {
  auto it = parsed.object.find("@type");
  if (it == parsed.object.end()) Fail("Can't find field \"@type\"");
  if (it->is_number_integer()) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "0x%08x", static_cast<unsigned>(it->get<std::int64_t>()));
    Fail(std::string("Unknown constructor ") + buf);
  }
  if (!it->is_string()) WrongKind("String or Integer", *it);
  parsed.type = it->get<std::string>();
  if (!IsKnownMethod(parsed.type)) Fail("Unknown class \"" + parsed.type + "\"");
}

}  // namespace

ParsedRequest ParseRequest(std::string_view raw) {
  ParsedRequest parsed;
  try {
    parsed.object = ParseFirstKeyWins(raw);
  } catch (const nlohmann::json::parse_error& e) {
    parsed.error = MakeError(400, "Failed to parse request as JSON object: " +
                                      JsonSyntaxMessage(raw, e));
    return parsed;
  }  catch (const nlohmann::json::out_of_range&) {
    // A number beyond double ("1e400"): TDLib keeps numbers as text, tgsim cannot
    // hold it, so the request is refused instead of taking the process down.
    parsed.error = MakeError(400, "Failed to parse request as JSON object: a number is out of range");
    return parsed;
  }
  if (!parsed.object.is_object()) {
    parsed.error = MakeError(400, "Expected a JSON object");
    return parsed;
  }
  if (auto it = parsed.object.find("@extra"); it != parsed.object.end()) {
    parsed.extra = *it;
    parsed.object.erase(it);
  }
  try {
    CheckType(parsed);
  } catch (const RequestParseError& e) {
    parsed.error = MakeError(400, e.what());
  }
  return parsed;
}

std::int64_t GetInt(const Json& object, std::string_view field) {
  const Json* value = Find(object, field);
  if (value == nullptr) return 0;
  if (value->is_number_integer()) return value->get<std::int64_t>();
  if (value->is_number_float()) return ParseIntegerText(value->dump());
  if (value->is_string()) return ParseIntegerText(value->get<std::string>());
  WrongKind("String or Number", *value);
}

std::string GetString(const Json& object, std::string_view field) {
  const Json* value = Find(object, field);
  if (value == nullptr) return {};
  if (!value->is_string()) WrongKind("String", *value);
  return value->get<std::string>();
}

bool GetBool(const Json& object, std::string_view field) {
  const Json* value = Find(object, field);
  if (value == nullptr) return false;
  if (value->is_boolean()) return value->get<bool>();
  if (value->is_number()) return value->get<double>() != 0;
  WrongKind("Boolean", *value);
}

const Json& GetObject(const Json& object, std::string_view field) {
  static const Json kNull;
  const Json* value = Find(object, field);
  if (value == nullptr) return kNull;
  if (!value->is_object()) WrongKind("Object", *value);
  return *value;
}

std::string TypeOf(const Json& object) {
  if (!object.is_object()) return {};
  auto it = object.find("@type");
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::vector<std::int64_t> GetIntArray(const Json& object, std::string_view field) {
  std::vector<std::int64_t> out;
  const Json* value = Find(object, field);
  if (value == nullptr) return out;
  if (!value->is_array()) WrongKind("Array", *value);
  Json holder = Json::object();
  for (const auto& item : *value) {
    holder["v"] = item;
    out.push_back(GetInt(holder, "v"));
  }
  return out;
}

}  // namespace tgsim
