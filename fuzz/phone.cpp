// Phone numbers as people type them (src/common/phone.h): NormalizePhone and
// MaskPhone never crash, and their results keep the documented shapes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "common/phone.h"
#include "fuzz/check.h"

namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// '+', then 8 to 15 digits, the first not 0.
void CheckE164(std::string_view phone) {
  FUZZ_CHECK(phone.size() >= 9 && phone.size() <= 16);
  FUZZ_CHECK(phone.front() == '+');
  FUZZ_CHECK(phone[1] != '0');
  for (char c : phone.substr(1)) FUZZ_CHECK(IsDigit(c));
}

// Same length; a leading '+' kept; at most the first 3 and last 2 characters
// after it shown (none when fewer than 8), everything else a star.
void CheckMasked(std::string_view input, std::string_view masked) {
  FUZZ_CHECK(masked.size() == input.size());
  std::size_t start = !input.empty() && input.front() == '+' ? 1 : 0;
  if (start == 1) FUZZ_CHECK(masked.front() == '+');
  std::size_t body = input.size() - start;
  for (std::size_t i = start; i < input.size(); ++i) {
    std::size_t at = i - start;
    bool may_show = body >= 8 && (at < 3 || at >= body - 2);
    if (!may_show) FUZZ_CHECK(masked[i] == '*');
    if (masked[i] != '*') FUZZ_CHECK(masked[i] == input[i]);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  CheckMasked(input, tgmux::MaskPhone(input));
  auto phone = tgmux::NormalizePhone(input);
  if (!phone) return 0;
  CheckE164(*phone);
  // A normalized number normalizes to itself, and masks to 3 + 2 digits shown.
  auto again = tgmux::NormalizePhone(*phone);
  FUZZ_CHECK(again && *again == *phone);
  std::string masked = tgmux::MaskPhone(*phone);
  CheckMasked(*phone, masked);
  std::size_t shown = 0;
  for (char c : masked) shown += IsDigit(c) ? 1 : 0;
  FUZZ_CHECK(shown == 5);
  return 0;
}
