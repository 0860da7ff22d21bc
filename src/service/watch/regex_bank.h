// The regexes of a rule set, run together (internal to service/watch).
//
// With many regex rules, trying each regex on a message costs one scan of the text per regex. RE2::Set scans the
// text once for all of them. Its DFA can run out of memory on an unlucky mix of patterns; then the bank falls back
// to trying the regexes one at a time, only for the rules that ask.
#pragma once

#include <re2/re2.h>
#include <re2/set.h>

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

namespace tgmux::service::watch {

// One message's answers so far; per thread, reused between messages (Clear() before the next message).
struct RegexMemo {
  enum Answer : std::uint8_t { kUnknown, kMatches, kDoesNotMatch };
  std::vector<Answer> answers;  // per regex
  std::vector<int> set_hits;
  bool set_tried = false;
  bool used = false;
  void Clear();
};

// Immutable once compiled; Matches is const and thread-safe.
class RegexBank {
 public:
  RegexBank();
  // Adds a pattern that compiles (validated before); returns its index.
  std::uint32_t Add(std::string_view pattern);
  // After the last Add.
  void Compile();
  // Whether regex `index` finds a match anywhere in `text` (the same text for every call until memo.Clear()).
  bool Matches(std::uint32_t index, std::string_view text, RegexMemo& memo) const;

 private:
  void RunSet(std::string_view text, RegexMemo& memo) const;

  std::vector<std::unique_ptr<RE2>> regexes_;
  std::unique_ptr<RE2::Set> set_;  // null when it would not compile: one at a time then
};

}  // namespace tgmux::service::watch
