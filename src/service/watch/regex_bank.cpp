#include "service/watch/regex_bank.h"

#include <algorithm>
#include <string>

#include "service/watch/rule_parts.h"

namespace tgmux::service::watch {

void RegexMemo::Clear() {
  if (!used) return;
  std::fill(answers.begin(), answers.end(), kUnknown);
  set_tried = used = false;
}

RegexBank::RegexBank() : set_(std::make_unique<RE2::Set>(RegexOptions(), RE2::UNANCHORED)) {}

std::uint32_t RegexBank::Add(std::string_view pattern) {
  regexes_.push_back(CompileRegex(pattern));
  std::string error;
  if (set_ && set_->Add(re2::StringPiece(pattern.data(), pattern.size()), &error) < 0) set_.reset();
  return static_cast<std::uint32_t>(regexes_.size() - 1);
}

void RegexBank::Compile() {
  // With a single regex the set saves nothing.
  if (set_ && (regexes_.size() < 2 || !set_->Compile())) set_.reset();
}

void RegexBank::RunSet(std::string_view text, RegexMemo& memo) const {
  memo.set_tried = true;
  memo.set_hits.clear();
  RE2::Set::ErrorInfo error{};
  if (!set_->Match(re2::StringPiece(text.data(), text.size()), &memo.set_hits, &error) &&
      error.kind != RE2::Set::kNoError) {
    return;  // out of memory for this text: the caller asks the regexes one by one
  }
  std::fill(memo.answers.begin(), memo.answers.end(), RegexMemo::kDoesNotMatch);
  for (int hit : memo.set_hits) memo.answers[hit] = RegexMemo::kMatches;
}

bool RegexBank::Matches(std::uint32_t index, std::string_view text, RegexMemo& memo) const {
  if (memo.answers.size() < regexes_.size()) memo.answers.resize(regexes_.size(), RegexMemo::kUnknown);
  memo.used = true;
  if (memo.answers[index] == RegexMemo::kUnknown && set_ && !memo.set_tried) RunSet(text, memo);
  if (memo.answers[index] == RegexMemo::kUnknown) {
    bool found = RE2::PartialMatch(re2::StringPiece(text.data(), text.size()), *regexes_[index]);
    memo.answers[index] = found ? RegexMemo::kMatches : RegexMemo::kDoesNotMatch;
  }
  return memo.answers[index] == RegexMemo::kMatches;
}

}  // namespace tgmux::service::watch
