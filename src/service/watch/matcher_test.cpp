// The watcher's rule matcher: what a rule's author would expect to match, and what not.
#include "service/watch/matcher.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

namespace tgmux::service::watch {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr std::int64_t kGroup = -100123;
constexpr std::int64_t kOtherGroup = -100456;

// Whether a one-rule set matches the text in kGroup.
bool Matches(const RuleSpec& rule, std::string_view text) {
  RuleSet set({rule});
  EXPECT_EQ(set.size(), 1u) << "the rule did not compile: " << ValidateRule(rule);
  return !set.Match(kGroup, text).empty();
}

RuleSpec Any(std::vector<std::string> keywords) { return {.id = "r", .any = std::move(keywords)}; }

TEST(WatchMatcher, KeywordsIgnoreCaseInLatinAndCyrillic) {
  EXPECT_TRUE(Matches(Any({"Apartment"}), "selling an APARTMENT downtown"));
  EXPECT_TRUE(Matches(Any({"квартира"}), "КВАРТИРА!"));
  EXPECT_TRUE(Matches(Any({"Квартира"}), "сдаётся квартира у метро"));
  // Another form of the word is another word: no stemming.
  EXPECT_FALSE(Matches(Any({"Квартира"}), "продаю КВАРТИРУ"));
}

TEST(WatchMatcher, YoAndYeAreTheSameLetterBothWays) {
  EXPECT_TRUE(Matches(Any({"ёлка"}), "купили елку и елка стоит"));
  EXPECT_TRUE(Matches(Any({"елка"}), "Ёлка в парке"));
  EXPECT_TRUE(Matches(Any({"ЁЛКА"}), "ёлка"));
  EXPECT_THAT(Words("Ёлка ёж"), ElementsAre("елка", "еж"));
}

TEST(WatchMatcher, ShortIIsNotI) {
  EXPECT_FALSE(Matches(Any({"йод"}), "иод в таблетках"));
  EXPECT_FALSE(Matches(Any({"иод"}), "йод в таблетках"));
  EXPECT_TRUE(Matches(Any({"йод"}), "ЙОД в таблетках"));
}

TEST(WatchMatcher, DecomposedShortIEqualsPrecomposed) {
  const std::string decomposed = "\xD0\xB8\xCC\x86о\xD0\xB4";  // и + U+0306 combining breve, о, д
  EXPECT_THAT(Words(decomposed), ElementsAre("йод"));
  EXPECT_TRUE(Matches(Any({"йод"}), "купил " + decomposed));
  EXPECT_TRUE(Matches(Any({decomposed}), "купил йод"));
}

TEST(WatchMatcher, KeywordsMatchWholeWordsOnly) {
  EXPECT_FALSE(Matches(Any({"cat"}), "concatenate the files"));
  EXPECT_FALSE(Matches(Any({"cat"}), "cats everywhere"));
  EXPECT_TRUE(Matches(Any({"cat"}), "my cat, again."));
  EXPECT_FALSE(Matches(Any({"дом"}), "домашний уют"));
}

TEST(WatchMatcher, MultiWordKeywordNeedsItsWordsInARow) {
  EXPECT_TRUE(Matches(Any({"new york"}), "Flights to NEW YORK today"));
  EXPECT_TRUE(Matches(Any({"new york"}), "I love New-York!"));  // punctuation between words does not matter
  EXPECT_FALSE(Matches(Any({"new york"}), "York is not new"));
  EXPECT_FALSE(Matches(Any({"new york"}), "new flights to york"));
  EXPECT_TRUE(Matches(Any({"купить квартиру"}), "Хочу купить  квартиру в Москве"));
  EXPECT_TRUE(Matches(Any({"iphone 15"}), "Selling iPhone 15 Pro"));
  EXPECT_FALSE(Matches(Any({"iphone 15"}), "Selling iPhone 14"));
}

TEST(WatchMatcher, AnyNeedsOneKeywordAndAllNeedsEvery) {
  RuleSpec rule{.id = "r", .any = {"sell", "продаю"}, .all = {"iphone", "cheap"}};
  EXPECT_TRUE(Matches(rule, "продаю iphone, cheap"));
  EXPECT_FALSE(Matches(rule, "продаю iphone, недорого"));
  EXPECT_FALSE(Matches(rule, "buying a cheap iphone"));
  EXPECT_TRUE(Matches({.id = "r", .all = {"iphone", "cheap"}}, "cheap iphone here"));
  EXPECT_FALSE(Matches({.id = "r", .all = {"iphone", "cheap"}}, "iphone here"));
}

TEST(WatchMatcher, ExcludeWins) {
  RuleSpec rule{.id = "r", .any = {"квартира"}, .exclude = {"посуточно", "hostel"}};
  EXPECT_TRUE(Matches(rule, "Сдаётся квартира надолго"));
  EXPECT_FALSE(Matches(rule, "Сдаётся квартира ПОСУТОЧНО"));
  EXPECT_FALSE(Matches(rule, "квартира или Hostel"));
}

TEST(WatchMatcher, RuleWithOnlyExcludeMatchesEveryOtherMessage) {
  RuleSpec rule{.id = "r", .exclude = {"spam"}};
  EXPECT_TRUE(Matches(rule, "hello everyone"));
  EXPECT_TRUE(Matches(rule, ""));
  EXPECT_FALSE(Matches(rule, "buy SPAM now"));
}

TEST(WatchMatcher, RegexFindsAPartAndIsCaseSensitiveUnlessItSaysSo) {
  EXPECT_TRUE(Matches({.id = "r", .regex = R"(\+7\d{10})"}, "call +79991234567 now"));
  EXPECT_FALSE(Matches({.id = "r", .regex = R"(\+7\d{10})"}, "call +7999 now"));
  EXPECT_FALSE(Matches({.id = "r", .regex = "URGENT"}, "urgent: need a plumber"));
  EXPECT_TRUE(Matches({.id = "r", .regex = "(?i)URGENT"}, "urgent: need a plumber"));
  // The regex and the keywords must both hold.
  RuleSpec both{.id = "r", .any = {"price"}, .regex = R"(\d+ ?\$)"};
  EXPECT_TRUE(Matches(both, "price 100$"));
  EXPECT_FALSE(Matches(both, "price on request"));
  EXPECT_FALSE(Matches(both, "only 100$"));
}

TEST(WatchMatcher, ManyRegexRulesEachAnswerForThemselves) {
  std::vector<RuleSpec> rules;
  for (int i = 0; i < 50; ++i) rules.push_back({.id = "n" + std::to_string(i), .regex = "order #" + std::to_string(i) + "\\b"});
  rules.push_back({.id = "loud", .regex = "(?i)ALARM"});
  rules.push_back({.id = "quiet", .regex = "ALARM"});
  rules.push_back({.id = "keyword", .any = {"заказ"}, .regex = R"(#\d+)"});
  RuleSet set(rules);
  EXPECT_THAT(set.Match(kGroup, "order #7 and order #42, alarm"), ElementsAre("n7", "n42", "loud"));
  EXPECT_THAT(set.Match(kGroup, "Заказ #3"), ElementsAre("keyword"));
  EXPECT_THAT(set.Match(kGroup, "order #70"), IsEmpty());
}

TEST(WatchMatcher, InvalidRegexIsRejectedWithRe2sReason) {
  std::string error = ValidateRule({.id = "r", .regex = "(abc"});
  EXPECT_THAT(error, HasSubstr("regex"));
  EXPECT_THAT(error, HasSubstr("missing )"));
  EXPECT_THAT(ValidateRule({.id = "r", .regex = std::string(1001, 'a')}), HasSubstr("regex"));
  EXPECT_EQ(ValidateRule({.id = "r", .regex = "(?i)ab+c"}), "");
  // An invalid rule never matches: the set skips it.
  RuleSet set({{.id = "bad", .regex = "(abc"}, {.id = "good", .any = {"abc"}}});
  EXPECT_EQ(set.size(), 1u);
  EXPECT_THAT(set.Match(kGroup, "(abc abc"), ElementsAre("good"));
}

TEST(WatchMatcher, KeywordWithoutWordsIsRejected) {
  EXPECT_EQ(ValidateRule({.id = "r", .any = {"ok", "x", "!!!"}}), "any[2]: \"!!!\" has no words");
  EXPECT_THAT(ValidateRule({.id = "r", .all = {""}}), HasSubstr("all[0]"));
  EXPECT_THAT(ValidateRule({.id = "r", .exclude = {" - "}}), HasSubstr("exclude[0]"));
  EXPECT_THAT(ValidateRule({.id = "r", .any = {"😀"}}), HasSubstr("has no words"));
  EXPECT_THAT(ValidateRule({.id = "r", .any = {std::string(101, 'a')}}), HasSubstr("any[0]"));
  EXPECT_THAT(ValidateRule({.id = "r", .any = std::vector<std::string>(201, "a")}), HasSubstr("any"));
  EXPECT_EQ(ValidateRule({.id = "r", .any = {"new york", "купить квартиру", "15"}, .exclude = {"ёж"}}), "");
}

TEST(WatchMatcher, ChatsLimitWhereARuleApplies) {
  RuleSet set({{.id = "here", .chats = {kGroup}, .any = {"job"}}, {.id = "everywhere", .any = {"job"}}});
  EXPECT_THAT(set.Match(kGroup, "a job offer"), ElementsAre("here", "everywhere"));
  EXPECT_THAT(set.Match(kOtherGroup, "a job offer"), ElementsAre("everywhere"));
  EXPECT_THAT(set.Match(kOtherGroup, "nothing here"), IsEmpty());
}

TEST(WatchMatcher, MatchReturnsIdsInRuleOrder) {
  RuleSet set({{.id = "c", .any = {"zebra"}},
               {.id = "a", .regex = "zeb"},
               {.id = "b", .all = {"apple"}},
               {.id = "d", .exclude = {"nothing"}}});
  EXPECT_THAT(set.Match(kGroup, "apple and zebra"), ElementsAre("c", "a", "b", "d"));
}

TEST(WatchMatcher, ThousandRulesGiveExactlyTheFewThatMatch) {
  std::vector<RuleSpec> rules;
  for (int i = 0; i < 1000; ++i) {
    rules.push_back({.id = "rule" + std::to_string(i), .any = {"word" + std::to_string(i), "слово" + std::to_string(i)}});
  }
  rules[123].all = {"extra"};
  RuleSet set(rules);
  EXPECT_EQ(set.size(), 1000u);
  EXPECT_THAT(set.Match(kGroup, "Word7, СЛОВО999 and word123 and word5000"), ElementsAre("rule7", "rule999"));
  EXPECT_THAT(set.Match(kGroup, "word123 extra"), ElementsAre("rule123"));
  EXPECT_THAT(set.Match(kGroup, "nothing to see"), IsEmpty());
}

TEST(WatchMatcher, ThreadsSharingARuleSetGetTheSameAnswers) {
  RuleSet set({{.id = "flat", .any = {"квартира", "flat"}, .exclude = {"посуточно"}},
               {.id = "phone", .regex = R"(\+7\d{10})"},
               {.id = "car", .all = {"продаю", "машину"}}});
  const std::vector<std::string> texts = {"Сдаётся квартира", "flat посуточно +79991234567", "продаю машину", "hi"};
  std::vector<std::vector<std::string>> expected;
  for (const auto& text : texts) expected.push_back(set.Match(kGroup, text));
  std::vector<int> mismatches(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i) mismatches[t] += set.Match(kGroup, texts[i % 4]) != expected[i % 4];
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_THAT(mismatches, ::testing::Each(0));
  EXPECT_THAT(expected, ElementsAre(ElementsAre("flat"), ElementsAre("phone"), ElementsAre("car"), IsEmpty()));
}

TEST(WatchMatcher, WordsAreWhatTheBreakerYieldsFolded) {
  EXPECT_THAT(Words("Hello, WORLD! iPhone 15 — Straße"), ElementsAre("hello", "world", "iphone", "15", "strasse"));
  EXPECT_THAT(Words("!!! ... ---"), IsEmpty());
}

}  // namespace
}  // namespace tgmux::service::watch
