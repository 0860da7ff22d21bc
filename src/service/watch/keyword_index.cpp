#include "service/watch/keyword_index.h"

namespace tgmux::service::watch {

KeywordId KeywordIndex::Add(const std::vector<std::u16string>& words) {
  std::vector<std::uint32_t> ids;
  ids.reserve(words.size());
  for (const auto& word : words) {
    auto [it, added] = word_ids_.try_emplace(word, static_cast<std::uint32_t>(word_ids_.size()));
    if (added) starting_with_.emplace_back();
    ids.push_back(it->second);
  }
  auto [it, added] = by_words_.try_emplace(ids, static_cast<KeywordId>(keywords_.size()));
  if (added) {
    starting_with_[ids.front()].push_back(it->second);
    keywords_.push_back(std::move(ids));
  }
  return it->second;
}

bool KeywordIndex::Occurs(KeywordId keyword, const std::vector<std::uint32_t>& word_ids, std::size_t at) const {
  const auto& words = keywords_[keyword];
  if (word_ids.size() - at < words.size()) return false;
  // The first word is already known to match: the keyword was found through it.
  for (std::size_t i = 1; i < words.size(); ++i) {
    if (word_ids[at + i] != words[i]) return false;
  }
  return true;
}

void KeywordIndex::Scan(const FoldedText& text, ScanScratch& scratch) const {
  if (scratch.seen.size() < keywords_.size()) scratch.seen.resize(keywords_.size(), 0);
  // Words in no keyword become kUnknownWord: they can neither start nor continue a keyword.
  scratch.word_ids.clear();
  for (std::size_t i = 0; i < text.size(); ++i) {
    auto it = word_ids_.find(text.Word(i));
    scratch.word_ids.push_back(it == word_ids_.end() ? kUnknownWord : it->second);
  }
  for (std::size_t at = 0; at < scratch.word_ids.size(); ++at) {
    std::uint32_t word = scratch.word_ids[at];
    if (word == kUnknownWord) continue;
    for (KeywordId keyword : starting_with_[word]) {
      if (scratch.seen[keyword] || !Occurs(keyword, scratch.word_ids, at)) continue;
      scratch.seen[keyword] = 1;
      scratch.found.push_back(keyword);
    }
  }
}

void KeywordIndex::Clear(ScanScratch& scratch) {
  for (KeywordId keyword : scratch.found) scratch.seen[keyword] = 0;
  scratch.found.clear();
}

}  // namespace tgmux::service::watch
