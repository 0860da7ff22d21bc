#include "sim/conformance/scalar_checks.h"

#include <charconv>
#include <cstdint>

namespace tgsim::conformance::detail {
namespace {

bool IsBase64Char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '/';
}

template <class Json>
bool IsIntegerNumber(const Json& value) {
  return value.is_number_integer();  // signed or unsigned, not float
}

template <class Json>
bool IsIntegerLike(const Json& value) {
  return IsIntegerNumber(value) ||
         (value.is_string() && IsIntegerText(value.template get_ref<const std::string&>()));
}

template <class Json>
const char* CheckOutput(Kind kind, const Json& value) {
  switch (kind) {
    case Kind::kInteger:
      return IsIntegerNumber(value) ? nullptr : "integer number";
    case Kind::kDouble:
      return value.is_number() ? nullptr : "number";
    case Kind::kInt64:
      return value.is_string() && IsIntegerText(value.template get_ref<const std::string&>())
                 ? nullptr
                 : "int64 as a string of digits";
    case Kind::kString:
      return value.is_string() ? nullptr : "string";
    case Kind::kBytes:
      return value.is_string() && IsBase64(value.template get_ref<const std::string&>())
                 ? nullptr
                 : "base64 string";
    case Kind::kBool:
      return value.is_boolean() ? nullptr : "boolean";
    default:
      return "scalar";
  }
}

// TDLib's parser (td/tl/tl_json.h): integers of any width accept numbers and
// numeric strings, Bool also accepts integers, double only numbers.
template <class Json>
const char* CheckInput(Kind kind, const Json& value) {
  switch (kind) {
    case Kind::kInteger:
      return IsIntegerLike(value) ? nullptr : "integer number or numeric string";
    case Kind::kInt64:
      return IsIntegerLike(value) ? nullptr : "int64 as number or numeric string";
    case Kind::kBool:
      return value.is_boolean() || IsIntegerLike(value) ? nullptr : "boolean";
    default:
      return CheckOutput(kind, value);
  }
}

}  // namespace

bool IsIntegerText(std::string_view text) {
  std::int64_t parsed = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, parsed);
  return !text.empty() && ec == std::errc() && ptr == end;
}

bool IsBase64(std::string_view text) {
  if (text.size() % 4 != 0) return false;
  std::size_t padding = 0;
  while (padding < 2 && padding < text.size() && text[text.size() - 1 - padding] == '=') {
    ++padding;
  }
  for (std::size_t i = 0; i + padding < text.size(); ++i) {
    if (!IsBase64Char(text[i])) return false;
  }
  return true;
}

template <class Json>
const char* CheckScalar(Kind kind, Mode mode, const Json& value) {
  return mode == Mode::kOutput ? CheckOutput(kind, value) : CheckInput(kind, value);
}

template const char* CheckScalar(Kind, Mode, const nlohmann::json&);
template const char* CheckScalar(Kind, Mode, const nlohmann::ordered_json&);

}  // namespace tgsim::conformance::detail
