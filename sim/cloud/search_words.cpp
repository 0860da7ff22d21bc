#include "sim/cloud/search_words.h"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <algorithm>

namespace tgsim {
namespace {

bool IsWordCharacter(UChar32 c) {
  return c >= 0 && (u_hasBinaryProperty(c, UCHAR_ALPHABETIC) || u_isdigit(c) ||
                    u_getIntPropertyValue(c, UCHAR_GENERAL_CATEGORY) == U_NON_SPACING_MARK);
}

}  // namespace

std::vector<std::u32string> FoldedWords(std::string_view utf8_text) {
  std::vector<std::u32string> words;
  std::u32string word;
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(utf8_text.data());
  const auto length = static_cast<std::int32_t>(utf8_text.size());
  std::int32_t i = 0;
  while (i < length) {
    UChar32 c = 0;
    U8_NEXT(bytes, i, length, c);  // c < 0 for an invalid sequence
    if (IsWordCharacter(c)) {
      word.push_back(static_cast<char32_t>(u_foldCase(c, U_FOLD_CASE_DEFAULT)));
    } else if (!word.empty()) {
      words.push_back(std::move(word));
      word.clear();
    }
  }
  if (!word.empty()) words.push_back(std::move(word));
  return words;
}

SearchWords::SearchWords(std::string_view utf8_query) : words_(FoldedWords(utf8_query)) {}

bool SearchWords::Matches(std::string_view utf8_text) const {
  if (words_.empty()) return true;
  std::vector<std::u32string> text = FoldedWords(utf8_text);
  return std::all_of(words_.begin(), words_.end(), [&](const std::u32string& wanted) {
    return std::any_of(text.begin(), text.end(), [&](const std::u32string& word) { return word.starts_with(wanted); });
  });
}

}  // namespace tgsim
