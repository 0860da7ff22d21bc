// MarkdownV2 in tgsim against what real TDLib does: each case is an input and
// the exact answer of TDLib 1.8.65's td_execute parseTextEntities
// (textParseModeMarkdown, version 2) for it, captured from the pinned
// libtdjson. The simulator must answer with the same object.
#include "sim/tests/sim_fixture.h"

namespace tgsim::testing {
namespace {

struct Case {
  const char* text;      // the input, as a JSON string
  const char* expected;  // TDLib's answer
};

const Case kCases[] = {
    {R"j("*bold*")j",
     R"j({"@type":"formattedText","text":"bold","entities":[{"@type":"textEntity","offset":0,"length":4,"type":{"@type":"textEntityTypeBold"}}]})j"},
    {R"j("_italic_")j",
     R"j({"@type":"formattedText","text":"italic","entities":[{"@type":"textEntity","offset":0,"length":6,"type":{"@type":"textEntityTypeItalic"}}]})j"},
    {R"j("__underline__")j",
     R"j({"@type":"formattedText","text":"underline","entities":[{"@type":"textEntity","offset":0,"length":9,"type":{"@type":"textEntityTypeUnderline"}}]})j"},
    {R"j("~strike~")j",
     R"j({"@type":"formattedText","text":"strike","entities":[{"@type":"textEntity","offset":0,"length":6,"type":{"@type":"textEntityTypeStrikethrough"}}]})j"},
    {R"j("||spoiler||")j",
     R"j({"@type":"formattedText","text":"spoiler","entities":[{"@type":"textEntity","offset":0,"length":7,"type":{"@type":"textEntityTypeSpoiler"}}]})j"},
    {R"j("`code`")j",
     R"j({"@type":"formattedText","text":"code","entities":[{"@type":"textEntity","offset":0,"length":4,"type":{"@type":"textEntityTypeCode"}}]})j"},
    {R"j("```python\nprint(1)\n```")j",
     R"j({"@type":"formattedText","text":"print(1)\n","entities":[{"@type":"textEntity","offset":0,"length":9,"type":{"@type":"textEntityTypePreCode","language":"python"}}]})j"},
    {R"j("```\nplain pre```")j",
     R"j({"@type":"formattedText","text":"plain pre","entities":[{"@type":"textEntity","offset":0,"length":9,"type":{"@type":"textEntityTypePre"}}]})j"},
    {R"j("[site](https://example.com/a?b=1)")j",
     R"j({"@type":"formattedText","text":"site","entities":[{"@type":"textEntity","offset":0,"length":4,"type":{"@type":"textEntityTypeTextUrl","url":"https://example.com/a?b=1"}}]})j"},
    {R"j("[me](tg://user?id=42)")j",
     R"j({"@type":"formattedText","text":"me","entities":[{"@type":"textEntity","offset":0,"length":2,"type":{"@type":"textEntityTypeMentionName","user_id":42}}]})j"},
    {R"j("*bold _italic bold ~italic bold strike ||italic bold strike spoiler||~ __underline italic bold___ bold*")j",
     R"j({"@type":"formattedText","text":"bold italic bold italic bold strike italic bold strike spoiler underline italic bold bold","entities":[{"@type":"textEntity","offset":0,"length":89,"type":{"@type":"textEntityTypeBold"}},{"@type":"textEntity","offset":5,"length":79,"type":{"@type":"textEntityTypeItalic"}},{"@type":"textEntity","offset":17,"length":45,"type":{"@type":"textEntityTypeStrikethrough"}},{"@type":"textEntity","offset":36,"length":26,"type":{"@type":"textEntityTypeSpoiler"}},{"@type":"textEntity","offset":63,"length":21,"type":{"@type":"textEntityTypeUnderline"}}]})j"},
    {R"j("_a__b__c_")j",
     R"j({"@type":"formattedText","text":"abc","entities":[{"@type":"textEntity","offset":0,"length":3,"type":{"@type":"textEntityTypeItalic"}},{"@type":"textEntity","offset":1,"length":1,"type":{"@type":"textEntityTypeUnderline"}}]})j"},
    {R"j("\\_\\*\\[\\]\\(\\)\\~\\`\\>\\#\\+\\-\\=\\|\\{\\}\\.\\! \\\\")j",
     R"j({"@type":"formattedText","text":"_*[]()~`>#+-=|{}.! \\","entities":[]})j"},
    {R"j("`x\\\\y \\` *not bold*`")j",
     R"j({"@type":"formattedText","text":"x\\y ` *not bold*","entities":[{"@type":"textEntity","offset":0,"length":16,"type":{"@type":"textEntityTypeCode"}}]})j"},
    {R"j("Hello, world.")j",
     R"j({"@type":"error","code":400,"message":"Can't parse entities: Character '.' is reserved and must be escaped with the preceding '\\'"})j"},
    {R"j("a|b")j",
     R"j({"@type":"error","code":400,"message":"Can't parse entities: Character '|' is reserved and must be escaped with the preceding '\\'"})j"},
    {R"j("a!b")j",
     R"j({"@type":"error","code":400,"message":"Can't parse entities: Character '!' is reserved and must be escaped with the preceding '\\'"})j"},
    {R"j("x > y")j",
     R"j({"@type":"error","code":400,"message":"Can't parse entities: Character '>' is reserved and must be escaped with the preceding '\\'"})j"},
    {R"j("*unclosed")j",
     R"j({"@type":"error","code":400,"message":"Can't parse entities: Can't find end of Bold entity at byte offset 0"})j"},
    {R"j("___x___")j",
     R"j({"@type":"error","code":400,"message":"Can't parse entities: Can't find end of Italic entity at byte offset 6"})j"},
    {R"j("```a`b```")j",
     R"j({"@type":"error","code":400,"message":"Can't parse entities: Can't find end of Pre entity at byte offset 0"})j"},
    {R"j("[x](a.com")j",
     R"j({"@type":"error","code":400,"message":"Can't parse entities: Can't find end of a URL at byte offset 4"})j"},
    {R"j("caf\u00e9 *\ud83d\ude00 b*")j",
     R"j({"@type":"formattedText","text":"caf\u00e9 \ud83d\ude00 b","entities":[{"@type":"textEntity","offset":5,"length":4,"type":{"@type":"textEntityTypeBold"}}]})j"},
    {R"j(">quote line 1\n>quote line 2\nafter")j",
     R"j({"@type":"formattedText","text":"quote line 1\nquote line 2\nafter","entities":[{"@type":"textEntity","offset":0,"length":26,"type":{"@type":"textEntityTypeBlockQuote"}}]})j"},
    {R"j("**>expandable\n>quote||")j",
     R"j({"@type":"formattedText","text":"expandable\nquote","entities":[{"@type":"textEntity","offset":0,"length":16,"type":{"@type":"textEntityTypeExpandableBlockQuote"}}]})j"},
    {R"j(">a ||\n>b")j",
     R"j({"@type":"error","code":400,"message":"Can't parse entities: Can't find end of Spoiler entity at byte offset 3"})j"},
    {R"j("![\ud83d\udc4d](tg://emoji?id=5368324170671202286)")j",
     R"j({"@type":"formattedText","text":"\ud83d\udc4d","entities":[{"@type":"textEntity","offset":0,"length":2,"type":{"@type":"textEntityTypeCustomEmoji","custom_emoji_id":"5368324170671202286"}}]})j"},
    {R"j("![x](http://a.com)")j",
     R"j({"@type":"error","code":400,"message":"Can't parse entities: Invalid tg://emoji or tg://time URL specified"})j"},
    {R"j("![x]")j",
     R"j({"@type":"error","code":400,"message":"Can't parse entities: The entity must contain a tg://emoji or tg://time URL"})j"},
    {R"j("```go code```")j",
     R"j({"@type":"formattedText","text":" code","entities":[{"@type":"textEntity","offset":0,"length":5,"type":{"@type":"textEntityTypePreCode","language":"go"}}]})j"},
    {R"j("```go\r\ncode```")j",
     R"j({"@type":"formattedText","text":"code","entities":[{"@type":"textEntity","offset":0,"length":4,"type":{"@type":"textEntityTypePreCode","language":"go"}}]})j"},
    {R"j("**")j",
     R"j({"@type":"formattedText","text":"","entities":[]})j"},
    {R"j("[t\\.me]")j",
     R"j({"@type":"formattedText","text":"t.me","entities":[{"@type":"textEntity","offset":0,"length":4,"type":{"@type":"textEntityTypeTextUrl","url":"http://t.me/"}}]})j"},
    {R"j("*a [b](a.com/\\)) c*")j",
     R"j({"@type":"formattedText","text":"a b c","entities":[{"@type":"textEntity","offset":0,"length":5,"type":{"@type":"textEntityTypeBold"}},{"@type":"textEntity","offset":2,"length":1,"type":{"@type":"textEntityTypeTextUrl","url":"http://a.com/)"}}]})j"},
};

std::string ParseV2(const std::string& text) {
  json request = {{"@type", "parseTextEntities"}, {"text", text},
                  {"parse_mode", {{"@type", "textParseModeMarkdown"}, {"version", 2}}}};
  return SimLibrary().Execute(request.dump());
}

TEST(SimMarkdownV2, AnswersLikeTdlib) {
  for (const auto& c : kCases) {
    std::string text = json::parse(c.text).get<std::string>();
    EXPECT_EQ(json::parse(ParseV2(text)), json::parse(c.expected)) << c.text;
  }
}

TEST(SimMarkdownV2, EachEntityKind) {
  json out = json::parse(ParseV2("*b* _i_ __u__ ~s~ ||p|| `c` ```go\nx```"));
  EXPECT_EQ(out["text"], "b i u s p c x");
  std::vector<std::string> types;
  for (const auto& entity : out["entities"]) types.push_back(entity["type"]["@type"]);
  EXPECT_EQ(types, (std::vector<std::string>{"textEntityTypeBold", "textEntityTypeItalic", "textEntityTypeUnderline",
                                             "textEntityTypeStrikethrough", "textEntityTypeSpoiler",
                                             "textEntityTypeCode", "textEntityTypePreCode"}));
  EXPECT_EQ(out["entities"][6]["type"]["language"], "go");
}

TEST(SimMarkdownV2, UnescapedReservedCharacterIsRefused) {
  json out = json::parse(ParseV2("Price: 5.00"));
  EXPECT_EQ(out["@type"], "error");
  EXPECT_EQ(out["code"], 400);
  EXPECT_EQ(out["message"], "Can't parse entities: Character '.' is reserved and must be escaped with the preceding '\\'");
  EXPECT_EQ(json::parse(ParseV2("Price: 5\\.00"))["text"], "Price: 5.00");
}

TEST(SimMarkdownV2, OnlyVersionsUpToTwo) {
  json request = {{"@type", "parseTextEntities"}, {"text", "*a*"},
                  {"parse_mode", {{"@type", "textParseModeMarkdown"}, {"version", 3}}}};
  json out = json::parse(SimLibrary().Execute(request.dump()));
  EXPECT_EQ(out["message"], "Can't parse entities: Wrong Markdown version specified");
}

}  // namespace
}  // namespace tgsim::testing
