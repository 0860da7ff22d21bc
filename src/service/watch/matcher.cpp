// RuleSet: rules compiled into one keyword index, and Match's walk over the few rules a message can concern.
#include "service/watch/matcher.h"

#include <algorithm>

#include "service/watch/keyword_index.h"
#include "service/watch/regex_bank.h"
#include "service/watch/rule_parts.h"
#include "service/watch/words.h"

namespace tgmux::service::watch {
namespace {

struct Rule {
  std::string id;
  std::vector<std::int64_t> chats;  // sorted; empty: every chat
  std::size_t any_count = 0;        // distinct `any` keywords
  std::size_t all_count = 0;        // distinct `all` keywords
  std::vector<KeywordId> exclude;
  static constexpr std::uint32_t kNoRegex = UINT32_MAX;
  std::uint32_t regex = kNoRegex;  // index in the set's RegexBank
};

// A keyword's use by a rule: one of its `any` or one of its `all` (excludes are looked up from the rule).
struct Use {
  std::uint32_t rule;
  bool in_all;
};

// What one message did to one rule.
struct RuleHits {
  std::uint32_t all = 0;  // distinct `all` keywords found
  bool any = false;       // an `any` keyword found
  bool candidate = false; // already in the candidate list
};

// Per thread, reused between messages; sized up to the largest rule set the thread has matched against.
struct Scratch {
  FoldedText text;
  ScanScratch scan;
  RegexMemo regexes;
  std::vector<RuleHits> hits;
  std::vector<std::uint32_t> candidates;
};

std::vector<KeywordId> AddKeywords(KeywordIndex& index, const std::vector<std::string>& keywords) {
  std::vector<KeywordId> ids;
  for (const auto& keyword : keywords) ids.push_back(index.Add(KeywordWords(keyword)));
  // A keyword listed twice must count once towards `all`.
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

}  // namespace

struct RuleSet::Compiled {
  KeywordIndex keywords;
  RegexBank regexes;
  std::vector<Rule> rules;
  std::vector<std::vector<Use>> uses;  // keyword id → the rules that use it in any/all
  std::vector<std::uint32_t> always;   // rules with no any/all keywords: a candidate for every message

  void Add(const RuleSpec& spec);
  bool Passes(const Rule& rule, const RuleHits& hits, std::int64_t chat_id, std::string_view text,
              Scratch& scratch) const;
  void CollectCandidates(Scratch& scratch) const;
};

void RuleSet::Compiled::Add(const RuleSpec& spec) {
  const auto index = static_cast<std::uint32_t>(rules.size());
  Rule rule{.id = spec.id, .chats = spec.chats};
  std::sort(rule.chats.begin(), rule.chats.end());
  auto any = AddKeywords(keywords, spec.any);
  auto all = AddKeywords(keywords, spec.all);
  rule.exclude = AddKeywords(keywords, spec.exclude);
  rule.any_count = any.size();
  rule.all_count = all.size();
  if (!spec.regex.empty()) rule.regex = regexes.Add(spec.regex);
  uses.resize(keywords.size());
  for (KeywordId id : any) uses[id].push_back({index, false});
  for (KeywordId id : all) uses[id].push_back({index, true});
  if (any.empty() && all.empty()) always.push_back(index);
  rules.push_back(std::move(rule));
}

bool RuleSet::Compiled::Passes(const Rule& rule, const RuleHits& hits, std::int64_t chat_id, std::string_view text,
                               Scratch& scratch) const {
  if (!rule.chats.empty() && !std::binary_search(rule.chats.begin(), rule.chats.end(), chat_id)) return false;
  if (rule.any_count > 0 && !hits.any) return false;
  if (hits.all != rule.all_count) return false;
  for (KeywordId id : rule.exclude) {
    if (scratch.scan.seen[id]) return false;
  }
  // Last: the regex is the only check that reads the text again.
  return rule.regex == Rule::kNoRegex || regexes.Matches(rule.regex, text, scratch.regexes);
}

// The rules the found keywords touch, and those that need no keyword, in rule order.
void RuleSet::Compiled::CollectCandidates(Scratch& scratch) const {
  for (KeywordId keyword : scratch.scan.found) {
    for (const Use& use : uses[keyword]) {
      RuleHits& hits = scratch.hits[use.rule];
      if (use.in_all) ++hits.all;
      else hits.any = true;
      if (!hits.candidate) {
        hits.candidate = true;
        scratch.candidates.push_back(use.rule);
      }
    }
  }
  scratch.candidates.insert(scratch.candidates.end(), always.begin(), always.end());
  std::sort(scratch.candidates.begin(), scratch.candidates.end());
}

RuleSet::RuleSet(const std::vector<RuleSpec>& rules) {
  auto compiled = std::make_unique<Compiled>();
  for (const auto& spec : rules) {
    if (ValidateRule(spec).empty()) compiled->Add(spec);
  }
  compiled->regexes.Compile();
  compiled_ = std::move(compiled);
}

RuleSet::~RuleSet() = default;

std::size_t RuleSet::size() const { return compiled_->rules.size(); }

std::vector<std::string> RuleSet::Match(std::int64_t chat_id, std::string_view utf8_text) const {
  thread_local Scratch scratch;
  // Whatever happens below, leave the scratch clean for the next message (touched entries only: the arrays are
  // as long as the rule set, the message touched a few of them).
  struct Reset {
    Scratch& s;
    ~Reset() {
      for (std::uint32_t rule : s.candidates) s.hits[rule] = RuleHits{};
      s.candidates.clear();
      KeywordIndex::Clear(s.scan);
      s.regexes.Clear();
    }
  } reset{scratch};
  const Compiled& c = *compiled_;
  if (scratch.hits.size() < c.rules.size()) scratch.hits.resize(c.rules.size());

  FoldWords(utf8_text, scratch.text);
  c.keywords.Scan(scratch.text, scratch.scan);
  c.CollectCandidates(scratch);
  std::vector<std::string> matched;
  for (std::uint32_t index : scratch.candidates) {
    if (c.Passes(c.rules[index], scratch.hits[index], chat_id, utf8_text, scratch)) {
      matched.push_back(c.rules[index].id);
    }
  }
  return matched;
}

}  // namespace tgmux::service::watch
