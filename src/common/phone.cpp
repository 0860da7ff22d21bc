#include "common/phone.h"

namespace tgmux {
namespace {

constexpr std::size_t kMinDigits = 8;
constexpr std::size_t kMaxDigits = 15;
constexpr std::size_t kShownHead = 3;
constexpr std::size_t kShownTail = 2;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsSeparator(char c) { return c == ' ' || c == '\t' || c == '-' || c == '.'; }

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// The digits of `text`, or nullopt when it holds anything but digits,
// separators and at most one balanced pair of parentheses.
std::optional<std::string> Digits(std::string_view text) {
  std::string digits;
  int open_parens = 0;
  int pairs = 0;
  for (char c : text) {
    if (IsDigit(c)) {
      digits += c;
    } else if (c == '(') {
      if (open_parens != 0 || ++pairs > 1) return std::nullopt;
      open_parens = 1;
    } else if (c == ')') {
      if (open_parens != 1) return std::nullopt;
      open_parens = 0;
    } else if (!IsSeparator(c)) {
      return std::nullopt;
    }
    if (digits.size() > kMaxDigits + 2) return std::nullopt;  // +2: room for a "00" prefix
  }
  if (open_parens != 0) return std::nullopt;
  return digits;
}

}  // namespace

std::optional<std::string> NormalizePhone(std::string_view input) {
  std::string_view text = Trim(input);
  const bool has_plus = !text.empty() && text.front() == '+';
  if (has_plus) text.remove_prefix(1);
  auto digits = Digits(text);
  if (!digits) return std::nullopt;
  // "00" is the international call prefix people type instead of '+'.
  if (!has_plus && digits->starts_with("00")) digits->erase(0, 2);
  if (digits->size() < kMinDigits || digits->size() > kMaxDigits) return std::nullopt;
  if (digits->front() == '0') return std::nullopt;
  return "+" + *digits;
}

std::string MaskPhone(std::string_view e164) {
  std::string masked;
  if (!e164.empty() && e164.front() == '+') {
    masked += '+';
    e164.remove_prefix(1);
  }
  // Showing head and tail of a short number would reveal most of it.
  const bool too_short = e164.size() < kMinDigits;
  for (std::size_t i = 0; i < e164.size(); ++i) {
    const bool shown = !too_short && (i < kShownHead || i >= e164.size() - kShownTail);
    masked += shown ? e164[i] : '*';
  }
  return masked;
}

}  // namespace tgmux
