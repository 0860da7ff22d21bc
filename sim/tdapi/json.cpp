#include "sim/tdapi/json.h"

#include <charconv>

namespace tgsim {
namespace {

std::string NlohmannDump(const Json& value) {
  return value.dump(-1, ' ', /*ensure_ascii=*/true, Json::error_handler_t::replace);
}

// Appends a string of printable ASCII and control characters, escaped as nlohmann does.
// False (and nothing appended) when it holds DEL or a byte beyond ASCII: nlohmann then
// escapes, or replaces, per code point.
bool AppendAsciiString(std::string& out, const std::string& text) {
  static constexpr char kHex[] = "0123456789abcdef";
  const std::size_t start = out.size();
  out += '"';
  std::size_t run = 0;  // start of the characters not yet appended
  for (std::size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') continue;
    if (c >= 0x7f) {
      out.resize(start);
      return false;
    }
    out.append(text, run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\f': out += "\\f"; break;
      case '\r': out += "\\r"; break;
      default:
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 0xf];
    }
  }
  out.append(text, run, text.size() - run);
  out += '"';
  return true;
}

template <class Integer>
void AppendInteger(std::string& out, Integer value) {
  char buffer[24];
  auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, result.ptr);
}

// A member of the top-level object whose value is written as text Dump wrote before.
struct Splice {
  std::string_view key;
  std::string_view text;
};

// Writes what NlohmannDump writes, without its per-character work on the common case
// (objects, arrays, integers, ASCII strings); floats and other strings go to nlohmann.
void DumpTo(std::string& out, const Json& value, const Splice* splice = nullptr) {
  switch (value.type()) {
    case Json::value_t::object: {
      out += '{';
      bool first = true;
      for (const auto& [key, member] : value.get_ref<const Json::object_t&>()) {
        if (!first) out += ',';
        first = false;
        if (!AppendAsciiString(out, key)) out += NlohmannDump(Json(key));
        out += ':';
        if (splice != nullptr && key == splice->key) out += splice->text;
        else DumpTo(out, member);
      }
      out += '}';
      return;
    }
    case Json::value_t::array: {
      out += '[';
      bool first = true;
      for (const auto& item : value.get_ref<const Json::array_t&>()) {
        if (!first) out += ',';
        first = false;
        DumpTo(out, item);
      }
      out += ']';
      return;
    }
    case Json::value_t::string:
      if (!AppendAsciiString(out, value.get_ref<const std::string&>())) out += NlohmannDump(value);
      return;
    case Json::value_t::number_integer: return AppendInteger(out, value.get<std::int64_t>());
    case Json::value_t::number_unsigned: return AppendInteger(out, value.get<std::uint64_t>());
    case Json::value_t::boolean: out += value.get<bool>() ? "true" : "false"; return;
    case Json::value_t::null: out += "null"; return;
    default: out += NlohmannDump(value);  // floats, binary, discarded
  }
}

}  // namespace

std::string Dump(const Json& value) {
  std::string out;
  out.reserve(1024);  // a message and its update fit
  DumpTo(out, value);
  return out;
}

std::string DumpWith(const Json& object, std::string_view key, std::string_view text) {
  std::string out;
  out.reserve(text.size() + 256);
  const Splice splice{key, text};
  DumpTo(out, object, &splice);
  return out;
}

Json MakeError(int code, std::string_view message) {
  Json error;
  error["@type"] = "error";
  error["code"] = code;
  error["message"] = std::string(message);
  return error;
}

std::string Envelope(const Json& object, const std::optional<Json>& extra, int client_id) {
  return EnvelopeText(Dump(object), extra, client_id);
}

std::string EnvelopeText(std::string out, const std::optional<Json>& extra, int client_id) {
  // Splice the envelope fields in before the closing brace: cheaper than copying the object.
  if (out.size() < 2 || out.back() != '}') return out;
  out.pop_back();
  if (extra) {
    out += ",\"@extra\":";
    out += Dump(*extra);
  }
  if (client_id != 0) {
    out += ",\"@client_id\":";
    out += std::to_string(client_id);
  }
  out += '}';
  return out;
}

}  // namespace tgsim
