// The keywords of a rule set, indexed by their first word, and a scan that finds which of them occur in a text
// (internal to service/watch).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "service/watch/words.h"

namespace tgmux::service::watch {

using KeywordId = std::uint32_t;

// What one scan needs besides the index; kept per thread by the caller so that a scan does not allocate.
struct ScanScratch {
  std::vector<std::uint32_t> word_ids;  // the text's words as dictionary ids (kUnknownWord when in no keyword)
  std::vector<std::uint8_t> seen;       // per keyword: already in `found`
  std::vector<KeywordId> found;         // the keywords the text contains, each once
};

// Immutable once built; Scan is const and thread-safe.
class KeywordIndex {
 public:
  // Adds a keyword given as its folded words (at least one); the same word sequence always gets the same id.
  KeywordId Add(const std::vector<std::u16string>& words);
  std::size_t size() const { return keywords_.size(); }

  // Fills scratch.found with every keyword whose words occur consecutively in `text`, and sets scratch.seen for
  // them. scratch.seen and scratch.found must be clear on entry (as Clear() leaves them).
  void Scan(const FoldedText& text, ScanScratch& scratch) const;
  // Clears what the last Scan left in scratch.seen and scratch.found.
  static void Clear(ScanScratch& scratch);

 private:
  static constexpr std::uint32_t kUnknownWord = UINT32_MAX;
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::u16string_view word) const { return std::hash<std::u16string_view>{}(word); }
  };
  bool Occurs(KeywordId keyword, const std::vector<std::uint32_t>& word_ids, std::size_t at) const;

  std::unordered_map<std::u16string, std::uint32_t, Hash, std::equal_to<>> word_ids_;  // every word of a keyword
  std::vector<std::vector<std::uint32_t>> keywords_;        // keyword id → its word ids
  std::vector<std::vector<KeywordId>> starting_with_;       // word id → the keywords whose first word it is
  std::map<std::vector<std::uint32_t>, KeywordId> by_words_;  // for Add: one id per word sequence
};

}  // namespace tgmux::service::watch
