// The watcher's rule matcher: which of a set of rules a group message matches. Pure and in process: no store,
// no I/O. The service validates rules before storing them, compiles them into a RuleSet, and swaps a
// shared_ptr<const RuleSet> when they change.
//
// A message (chat, text) matches a rule when all of these hold:
//   - `chats` is empty or holds the chat;
//   - `any` is empty, or at least one of its keywords occurs;
//   - every keyword of `all` occurs;
//   - `regex` is empty, or RE2 finds it somewhere in the text (partial match, on the text as sent);
//   - no keyword of `exclude` occurs.
// So a rule with no any/all/regex matches every message of its chats, except those with an excluded keyword.
//
// Keywords match whole words, case-insensitively (full Unicode case folding), with ё read as е; other marks count
// (й is not и), and precomposed and decomposed letters are the same (see words.h). A keyword is a sequence of
// words ("new york", "купить квартиру", "iphone 15"): it occurs when those words follow each other in the text,
// whatever punctuation or spacing lies between them, so "New-York" and "new, york" both contain "new york".
// Word forms are not merged: "квартира" does not occur in "продаю квартиру". Numbers are words; emoji and
// punctuation are not (ICU's word breaker gives them no word status), so a keyword made only of them is invalid.
//
// Regexes are RE2 (linear time, UTF-8), case-sensitive unless the pattern says (?i). RE2's \b and \w are
// ASCII-only: use keywords, not a regex, to match Cyrillic words.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace tgmux::service::watch {

// What a rule asks for, as stored.
struct RuleSpec {
  std::string id;
  std::vector<std::int64_t> chats = {};  // empty: every watched chat
  std::vector<std::string> any = {}, all = {}, exclude = {};
  std::string regex = {};  // empty: no regex
};

constexpr std::size_t kMaxKeywordsPerList = 200;
constexpr std::size_t kMaxKeywordBytes = 100;
constexpr std::size_t kMaxRegexBytes = 1000;

// Checks one rule's keywords and regex. Returns "" when the rule is valid, else a message for the client that
// names the field (keyword positions count from 0), e.g. `regex: missing ): (abc` or `any[2]: "!!!" has no words`.
std::string ValidateRule(const RuleSpec& rule);

// The words of a text as the matcher sees them (NFC, case-folded, ё → е), in UTF-8; for tests and docs.
std::vector<std::string> Words(std::string_view utf8_text);

// An immutable compiled set of rules. Match is const and thread-safe; it reads the text once, looks its words up
// in an index of the rules' keywords, and examines only the rules whose keywords occur (plus those without
// any/all keywords), so its cost grows with the message, not with the number of rules.
class RuleSet {
 public:
  // Rules that ValidateRule rejects are skipped (the service validates before storing).
  explicit RuleSet(const std::vector<RuleSpec>& rules);
  ~RuleSet();
  RuleSet(const RuleSet&) = delete;
  RuleSet& operator=(const RuleSet&) = delete;

  // The ids of the rules the message matches, in the order the rules were given.
  std::vector<std::string> Match(std::int64_t chat_id, std::string_view utf8_text) const;
  // How many rules were compiled (the valid ones).
  std::size_t size() const;

 private:
  struct Compiled;
  std::unique_ptr<const Compiled> compiled_;
};

}  // namespace tgmux::service::watch
