// Words as the watcher's matcher reads them (internal to service/watch; the public face is Words() in matcher.h).
//
// A text is decoded from UTF-8 (invalid bytes read as U+FFFD), normalised to NFC (so a decomposed й, и + U+0306,
// is the precomposed й), case-folded with full Unicode folding, and ё is read as е (the one pair Russian readers
// treat as the same letter). No other marks are stripped: й stays distinct from и. ICU's word breaker (root locale)
// then splits the folded text, and every segment whose rule status is not UBRK_WORD_NONE (letters, numbers, kana,
// ideographs) is a word. Punctuation and spaces are not words, so "New-York!" reads as "new", "york".
#pragma once

#include <unicode/unistr.h>

#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

namespace tgmux::service::watch {

// A text's folded form and where its words lie in it. Reused from text to text so that reading one text does not
// allocate once the buffers have grown.
struct FoldedText {
  icu::UnicodeString text;                                     // NFC, case-folded, ё → е
  std::vector<std::pair<std::int32_t, std::int32_t>> spans;    // [begin, end) of each word, in UTF-16 units

  std::u16string_view Word(std::size_t i) const {
    return {text.getBuffer() + spans[i].first, static_cast<std::size_t>(spans[i].second - spans[i].first)};
  }
  std::size_t size() const { return spans.size(); }
};

// Texts longer than this are read up to it (a Telegram message is at most 4096 characters).
constexpr std::size_t kMaxTextBytes = 1 << 20;

// Replaces `out` with the folded words of `utf8_text`. Thread-safe: each thread keeps its own word breaker.
// Throws std::runtime_error only if ICU's data is missing (a broken installation).
void FoldWords(std::string_view utf8_text, FoldedText& out);

}  // namespace tgmux::service::watch
