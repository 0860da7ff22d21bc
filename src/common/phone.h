// Phone numbers as people type them, and as they may appear in logs.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace tgmux {

// The E.164 form ("+380501234567": '+' then 8 to 15 digits, the first not 0) of
// what a person typed: "+380 (50) 123-45-67", "00380501234567", "+1 555-000-1122",
// or bare international digits "380501234567". Spaces, dashes, dots and one pair
// of parentheses are ignored. Anything else (letters, a '+' that is not first,
// a national number starting with 0, too few or too many digits) is nullopt.
std::optional<std::string> NormalizePhone(std::string_view input);

// The form safe for logs and displays: '+', the first 3 digits, stars, the last
// 2 digits ("+380501234567" -> "+380*******67"); the length is kept. Inputs too
// short to hide anything that way are all stars (except a leading '+').
std::string MaskPhone(std::string_view e164);

}  // namespace tgmux
