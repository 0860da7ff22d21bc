// How a rule's keywords and regex are read, shared by ValidateRule and RuleSet so that they can never disagree
// (internal to service/watch).
#pragma once

#include <re2/re2.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace tgmux::service::watch {

// A keyword's folded words, as a message's words are read (empty when the keyword has none, e.g. "!!!").
std::vector<std::u16string> KeywordWords(std::string_view keyword);

// How the matcher runs regexes: UTF-8, case-sensitive unless a pattern says (?i), no logging of bad patterns
// (they are the client's input).
RE2::Options RegexOptions();

// The pattern compiled with RegexOptions(). Never null; check ok() and error().
std::unique_ptr<RE2> CompileRegex(std::string_view pattern);

}  // namespace tgmux::service::watch
