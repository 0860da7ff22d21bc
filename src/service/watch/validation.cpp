// ValidateRule, and the reading of keywords and regexes it shares with RuleSet.
#include <string>

#include "service/watch/matcher.h"
#include "service/watch/rule_parts.h"
#include "service/watch/words.h"

namespace tgmux::service::watch {

std::vector<std::u16string> KeywordWords(std::string_view keyword) {
  FoldedText folded;
  FoldWords(keyword, folded);
  std::vector<std::u16string> words;
  words.reserve(folded.size());
  for (std::size_t i = 0; i < folded.size(); ++i) words.emplace_back(folded.Word(i));
  return words;
}

RE2::Options RegexOptions() {
  RE2::Options options;
  options.set_encoding(RE2::Options::EncodingUTF8);
  options.set_case_sensitive(true);
  options.set_log_errors(false);
  return options;
}

std::unique_ptr<RE2> CompileRegex(std::string_view pattern) {
  return std::make_unique<RE2>(re2::StringPiece(pattern.data(), pattern.size()), RegexOptions());
}

namespace {

std::string Quoted(const std::string& text) {
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return quoted + "\"";
}

std::string ValidateKeywords(const char* field, const std::vector<std::string>& keywords) {
  if (keywords.size() > kMaxKeywordsPerList) {
    return std::string(field) + ": more than " + std::to_string(kMaxKeywordsPerList) + " keywords";
  }
  for (std::size_t i = 0; i < keywords.size(); ++i) {
    std::string where = std::string(field) + "[" + std::to_string(i) + "]: ";
    // Checked before tokenising, so that an oversized keyword is never read and is not echoed back.
    if (keywords[i].size() > kMaxKeywordBytes) {
      return where + "longer than " + std::to_string(kMaxKeywordBytes) + " bytes";
    }
    if (KeywordWords(keywords[i]).empty()) return where + Quoted(keywords[i]) + " has no words";
  }
  return "";
}

std::string ValidateRegex(const std::string& pattern) {
  if (pattern.empty()) return "";
  if (pattern.size() > kMaxRegexBytes) return "regex: longer than " + std::to_string(kMaxRegexBytes) + " bytes";
  auto regex = CompileRegex(pattern);
  return regex->ok() ? "" : "regex: " + regex->error();
}

}  // namespace

std::string ValidateRule(const RuleSpec& rule) {
  for (auto [field, list] : {std::pair{"any", &rule.any}, {"all", &rule.all}, {"exclude", &rule.exclude}}) {
    if (std::string error = ValidateKeywords(field, *list); !error.empty()) return error;
  }
  return ValidateRegex(rule.regex);
}

}  // namespace tgmux::service::watch
