#include "telegram/encoding.h"

#include <nlohmann/json.hpp>

#include <cstdint>

namespace tgmux::telegram {
namespace {

// Length of the sequence starting with `lead`, or 0 when it cannot start one.
int SequenceLength(unsigned char lead) {
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) return 2;
  if (lead >= 0xE0 && lead <= 0xEF) return 3;
  if (lead >= 0xF0 && lead <= 0xF4) return 4;
  return 0;  // continuation byte, overlong 2-byte lead (C0, C1) or above U+10FFFF
}

// Bounds of the second byte, which is where overlongs, surrogates and code
// points above U+10FFFF show up.
bool SecondByteOk(unsigned char lead, unsigned char second) {
  if (lead == 0xE0) return second >= 0xA0 && second <= 0xBF;  // overlong
  if (lead == 0xED) return second >= 0x80 && second <= 0x9F;  // surrogates
  if (lead == 0xF0) return second >= 0x90 && second <= 0xBF;  // overlong
  if (lead == 0xF4) return second >= 0x80 && second <= 0x8F;  // > U+10FFFF
  return second >= 0x80 && second <= 0xBF;
}

std::optional<std::string> FindIn(const nlohmann::json& value, const std::string& path) {
  if (value.is_string()) {
    if (IsValidUtf8(value.get_ref<const std::string&>())) return std::nullopt;
    return path.empty() ? std::string("(request)") : path;
  }
  if (value.is_object()) {
    for (const auto& [key, item] : value.items()) {
      if (!IsValidUtf8(key)) return path.empty() ? std::string("(a field name)") : path;
      auto found = FindIn(item, path.empty() ? key : path + "." + key);
      if (found) return found;
    }
  } else if (value.is_array()) {
    for (std::size_t i = 0; i < value.size(); ++i) {
      auto found = FindIn(value[i], path + "[" + std::to_string(i) + "]");
      if (found) return found;
    }
  }
  return std::nullopt;
}

}  // namespace

std::size_t Utf8CharacterAt(std::string_view text, std::size_t at) {
  auto lead = static_cast<unsigned char>(text[at]);
  std::size_t length = static_cast<std::size_t>(SequenceLength(lead));
  if (length == 0 || at + length > text.size()) return 0;
  if (length > 1 && !SecondByteOk(lead, static_cast<unsigned char>(text[at + 1]))) return 0;
  for (std::size_t k = 2; k < length; ++k) {
    auto next = static_cast<unsigned char>(text[at + k]);
    if (next < 0x80 || next > 0xBF) return 0;
  }
  return length;
}

bool IsValidUtf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    std::size_t length = Utf8CharacterAt(text, i);
    if (length == 0) return false;
    i += length;
  }
  return true;
}

std::optional<std::string> FindInvalidUtf8(const nlohmann::json& value) {
  return FindIn(value, "");
}

std::string EncodeBase64(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    std::uint32_t chunk = static_cast<unsigned char>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) chunk |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    if (i + 2 < bytes.size()) chunk |= static_cast<unsigned char>(bytes[i + 2]);
    out += kAlphabet[(chunk >> 18) & 63];
    out += kAlphabet[(chunk >> 12) & 63];
    out += i + 1 < bytes.size() ? kAlphabet[(chunk >> 6) & 63] : '=';
    out += i + 2 < bytes.size() ? kAlphabet[chunk & 63] : '=';
  }
  return out;
}

std::optional<std::string> DecodeBase64(std::string_view text) {
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  if (text.size() % 4 == 1) return std::nullopt;
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::string out;
  std::uint32_t bits = 0;
  int count = 0;
  for (char c : text) {
    int v = value(c);
    if (v < 0) return std::nullopt;
    bits = (bits << 6) | static_cast<std::uint32_t>(v);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out += static_cast<char>((bits >> count) & 0xFF);
    }
  }
  return out;
}

}  // namespace tgmux::telegram
