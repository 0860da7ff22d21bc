// Links in the markdown parsers (MessageEntity.cpp, LinkManager.cpp): [text](url) becomes
// a TextUrl with TDLib's normalised URL, tg://user?id=N a MentionName in v1 and v2;
// bad URLs drop the entity; malformed input fails with TDLib's messages.
#include "sim/tests/sim_fixture.h"

namespace tgsim::testing {
namespace {

json Parse(const std::string& text, int version) {
  json request = {{"@type", "parseTextEntities"}, {"text", text},
                  {"parse_mode", {{"@type", "textParseModeMarkdown"}, {"version", version}}}};
  return json::parse(SimLibrary().Execute(request.dump()));
}

json ParseV3(const std::string& text) {
  json request = {{"@type", "parseMarkdown"}, {"text", {{"@type", "formattedText"}, {"text", text}}}};
  return json::parse(SimLibrary().Execute(request.dump()));
}

json Entity(int offset, int length, json type) {
  return {{"@type", "textEntity"}, {"offset", offset}, {"length", length}, {"type", type}};
}

json TextUrl(const std::string& url) { return {{"@type", "textEntityTypeTextUrl"}, {"url", url}}; }

TEST(SimMarkdown, LinksInBothVersions) {
  for (int version : {1, 2}) {
    json out = Parse("go [Site](Example.COM/a?b=1) [me](tg://user?id=42)", version);
    EXPECT_EQ(out["text"], "go Site me") << version;
    EXPECT_EQ(out["entities"], json::array({Entity(3, 4, TextUrl("http://example.com/a?b=1")),
                                            Entity(8, 2, {{"@type", "textEntityTypeMentionName"},
                                                          {"user_id", 42}})}))
        << version;
  }
}

TEST(SimMarkdown, LinkEdgeCases) {
  // Without "(url)" the text is the URL; an unacceptable URL drops the entity.
  EXPECT_EQ(Parse("[t\\.me]", 2)["entities"], json::array({Entity(0, 4, TextUrl("http://t.me/"))}));
  EXPECT_EQ(Parse("[x](localhost)", 2)["entities"], json::array());
  EXPECT_EQ(Parse("[x](ftp://a.com)", 1)["entities"], json::array());
  EXPECT_EQ(Parse("[x](https://a.com:8443/p)", 1)["entities"][0]["type"]["url"], "https://a.com:8443/p");
  EXPECT_EQ(Parse("[x](tg://resolve?domain=a)", 2)["entities"][0]["type"]["url"], "tg://resolve?domain=a");
  // v2 unescapes the URL; bold nests around the link and sorts first by length.
  json nested = Parse("*a [b](a.com/\\)) c*", 2);
  EXPECT_EQ(nested["text"], "a b c");
  EXPECT_EQ(nested["entities"], json::array({Entity(0, 5, {{"@type", "textEntityTypeBold"}}),
                                             Entity(2, 1, TextUrl("http://a.com/)"))}));
}

TEST(SimMarkdown, MalformedLinks) {
  json v2 = Parse("[x](a.com", 2);
  EXPECT_EQ(v2["code"], 400);
  EXPECT_EQ(v2["message"], "Can't parse entities: Can't find end of a URL at byte offset 4");
  json unclosed = Parse("[x", 2);
  EXPECT_EQ(unclosed["message"], "Can't parse entities: Can't find end of TextUrl entity at byte offset 0");
  // v1 has one message for every unclosed entity and reads an unclosed URL to the end.
  EXPECT_EQ(Parse("ab *c", 1)["message"],
            "Can't parse entities: Can't find end of the entity starting at byte offset 3");
  EXPECT_EQ(Parse("[x](a.com", 1)["entities"], json::array({Entity(0, 1, TextUrl("http://a.com/"))}));
}

TEST(SimMarkdown, MarkdownV1IsNotNested) {
  json out = Parse("*a _b_* \\_x ```go\ncode```", 1);
  EXPECT_EQ(out["text"], "a _b_ _x code");
  EXPECT_EQ(out["entities"], json::array({Entity(0, 5, {{"@type", "textEntityTypeBold"}}),
                                          Entity(9, 4, {{"@type", "textEntityTypePreCode"},
                                                        {"language", "go"}})}));
}

TEST(SimMarkdown, ParseMarkdownLinks) {
  json out = ParseV3("see **[docs](docs.example.org)** and [bad](nohost) [me](tg://user?id=7)");
  EXPECT_EQ(out["text"], "see docs and [bad](nohost) me");
  EXPECT_EQ(out["entities"],
            json::array({Entity(4, 4, TextUrl("http://docs.example.org/")),
                         Entity(4, 4, {{"@type", "textEntityTypeBold"}}),
                         Entity(27, 2, TextUrl("tg://user?id=7"))}));
}

TEST(SimMarkdown, DuplicateKeysKeepTheFirst) {
  json out = json::parse(SimLibrary().Execute(
      R"({"@type":"parseMarkdown","text":{"@type":"formattedText","text":"**a**","text":"b"},"text":null})"));
  EXPECT_EQ(out["text"], "a");
}

// Found by fuzz/tgsim_request: entities without a type or with a range outside
// the text read past the end of the text's positions.
TEST(SimMarkdown, GetMarkdownTextHandsBackEntitiesItCannotPlace) {
  json bold = {{"@type", "textEntityTypeBold"}};
  json untyped = {{"@type", "textEntity"}, {"offset", 0}, {"length", 4}};
  json unplaceable = json::array({untyped, Entity(-3, 2, bold), Entity(2, -1, bold),
                                  Entity(1, 2147483647, bold)});
  json request = {{"@type", "getMarkdownText"},
                  {"text", {{"@type", "formattedText"}, {"text", "bold"}, {"entities", unplaceable}}}};
  json out = json::parse(SimLibrary().Execute(request.dump()));
  EXPECT_EQ(out["@type"], "formattedText") << out;
  EXPECT_EQ(out["text"], "bold");
  EXPECT_EQ(out["entities"], unplaceable);
  // A wrong type is TDLib's parse error, not a crash.
  request["text"]["entities"] = json::array({{{"@type", "textEntity"}, {"offset", "x"}, {"length", 1}, {"type", bold}}});
  EXPECT_EQ(json::parse(SimLibrary().Execute(request.dump()))["@type"], "error");
}

}  // namespace
}  // namespace tgsim::testing
