#pragma once
// Formatted text: UTF-16 offsets, entity parsing for the synchronous text methods
// (parseTextEntities, parseMarkdown, getTextEntities, getMarkdownText).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/tdapi/json.h"

namespace tgsim {

// Length of a UTF-8 string in UTF-16 code units (what textEntity offsets count).
int Utf16Length(std::string_view utf8);
bool IsValidUtf8(std::string_view text);

// Builds text and entities with offsets in UTF-16 units as the text grows.
class FormattedTextBuilder {
 public:
  void Append(std::string_view utf8);
  int Position() const { return position_; }
  const std::string& Text() const { return text_; }
  // Adds an entity spanning [start, Position()) when non-empty.
  void AddEntity(int start, Json type);
  Json Build();  // formattedText, entities sorted by offset

 private:
  std::string text_;
  int position_ = 0;
  std::vector<Json> entities_;
};

// TDLib's entity order: by offset, longer first, then by type priority.
bool EntityLess(const Json& a, const Json& b);
Json EntityType(std::string_view type_name);  // {"@type":type_name}
Json FormattedText(std::string_view text);     // no entities

// Each returns a formattedText, or throws RequestParseError-like std::runtime_error
// carrying TDLib's "Can't parse entities: …" message (code 400).
Json ParseMarkdownV2(std::string_view text);
Json ParseMarkdownV1(std::string_view text);
Json ParseHtml(std::string_view text);
// The entity type of a markdown link target: MentionName for tg://user?id=N, TextUrl
// with TDLib's normalised URL, nullopt for a link TDLib drops.
std::optional<Json> LinkEntityType(std::string_view url);
// parseMarkdown: **bold**, __italic__, ~~strike~~, ||spoiler||, `code`, [text](url).
Json ParseMarkdownText(const Json& formatted_text);
// Entities TDLib detects on its own: mentions, hashtags, URLs, bot commands.
Json DetectTextEntities(std::string_view text);
// getMarkdownText: the reverse of parseMarkdown for the simple entity kinds.
Json MarkdownFromEntities(const Json& formatted_text);

struct EntityParseError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace tgsim
