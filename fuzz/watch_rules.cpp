// A watcher rule as a client posts it (service/watch/rules.h ParseRule) and
// the matcher over a message (service/watch/matcher.h): a body is refused
// with tgmux::Error or read; a rule read is valid, compiles, and matching any
// text never crashes. And the keyword rule the docs promise: a rule with one
// keyword of `any` matches a message whose text is that keyword.
//
// Input: the rule's JSON body, a NUL byte, the message text.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/error.h"
#include "fuzz/check.h"
#include "service/watch/matcher.h"
#include "service/watch/rules.h"

using namespace tgmux::service::watch;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto split = input.find('\0');
  const std::string body_text(input.substr(0, split));
  const std::string text(split == std::string_view::npos ? std::string_view() : input.substr(split + 1));

  const auto body = nlohmann::json::parse(body_text, nullptr, false);
  if (body.is_discarded()) return 0;
  RuleSettings rule;
  try {
    rule = ParseRule(body, RuleSettings{}, true);
  } catch (const tgmux::Error&) {
    return 0;  // refused, naming the field
  }
  rule.match.id = "rule_1";
  FUZZ_CHECK(ValidateRule(rule.match).empty());
  RuleSet set({rule.match});
  FUZZ_CHECK(set.size() == 1);
  for (const auto& id : set.Match(-100123, text)) FUZZ_CHECK(id == "rule_1");
  (void)Words(text);

  // Each keyword of `any`, alone in a rule, occurs in its own text.
  for (const auto& keyword : rule.match.any) {
    RuleSpec alone;
    alone.id = "kw";
    alone.any = {keyword};
    RuleSet one({alone});
    FUZZ_CHECK(one.size() == 1);
    FUZZ_CHECK(one.Match(-100123, keyword) == std::vector<std::string>{"kw"});
  }
  return 0;
}
