#pragma once
// How the simulated server matches a message search query (messages.search and
// messages.searchGlobal behind searchChatMessages and searchMessages).
//
// Telegram matches words and word prefixes, ignoring case. tgsim reads a text as words:
// runs of letters, marks and digits (Unicode, by ICU's properties); every other
// character separates words, and each code point is case-folded (ICU's simple default
// folding: "Straße" stays "straße", not "strasse"). A query matches a text when every
// query word begins some word of the text, in any order: "HEL wor" matches
// "Hello, world!", "ello" does not. A query without words ("", "?!") puts no condition on
// the text (the handlers decide what such a search answers). Telegram's
// server also stems words and transliterates some scripts; tgsim does neither
// (docs/simulator.md, Known differences).
#include <string>
#include <string_view>
#include <vector>

namespace tgsim {

class SearchWords {
 public:
  explicit SearchWords(std::string_view utf8_query);
  bool empty() const { return words_.empty(); }
  bool Matches(std::string_view utf8_text) const;

 private:
  std::vector<std::u32string> words_;
};

// The folded words of a UTF-8 text, in order (invalid bytes separate words).
std::vector<std::u32string> FoldedWords(std::string_view utf8_text);

}  // namespace tgsim
