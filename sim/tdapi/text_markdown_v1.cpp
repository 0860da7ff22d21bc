// Markdown v1 (parse_markdown in TDLib's MessageEntity.cpp): no nesting, `\` escapes only
// the four markers, [text](url) links, and the error for an unclosed entity. TDLib
// rewrites the text in place; this does the same so that corner cases come out alike.
#include <optional>
#include <string>

#include "sim/tdapi/links.h"
#include "sim/tdapi/text.h"

namespace tgsim {
namespace {

bool IsMarker(char c) { return c == '_' || c == '*' || c == '`' || c == '['; }
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\0' || c == '\v'; }
int Units(char c) {
  auto u = static_cast<unsigned char>(c);
  return (u & 0xC0) == 0x80 ? 0 : (u >= 0xF0 ? 2 : 1);
}

struct V1State {
  std::string text;  // padded with NULs so that look-ahead past the end reads '\0'
  std::size_t size = 0, result_size = 0;
  int utf16 = 0;
  Json entities = Json::array();

  void Keep(std::size_t i) {
    utf16 += Units(text[i]);
    text[result_size++] = text[i];
  }
  void Add(int offset, Json type) {
    Json entity;
    entity["@type"] = "textEntity";
    entity["offset"] = offset;
    entity["length"] = utf16 - offset;
    entity["type"] = std::move(type);
    entities.push_back(std::move(entity));
  }
};

// After "```": the optional language and one skipped line break.
std::string ReadPreHeader(V1State& s, std::size_t& i) {
  std::string language;
  std::size_t language_end = i;
  while (!IsSpace(s.text[language_end]) && s.text[language_end] != '`') ++language_end;
  if (i != language_end && language_end < s.size && s.text[language_end] != '`') {
    language = s.text.substr(i, language_end - i);
    i = language_end;
  }
  if (s.text[i] == '\n' || s.text[i] == '\r') {
    bool pair = (s.text[i + 1] == '\n' || s.text[i + 1] == '\r') && s.text[i] != s.text[i + 1];
    i += pair ? 2 : 1;
  }
  return language;
}

// At the closing ']': the link target, then a TextUrl or MentionName entity if valid.
void AddLink(V1State& s, std::size_t begin_pos, std::size_t& i, int offset) {
  std::string url;
  if (s.text[i + 1] != '(') {
    url = s.text.substr(begin_pos + 1, i - begin_pos - 1);  // the text is the URL
  } else {
    for (i += 2; i < s.size && s.text[i] != ')'; ++i) url += s.text[i];
  }
  if (std::optional<Json> type = LinkEntityType(url)) s.Add(offset, std::move(*type));
}

Json EntityFor(char marker, bool is_pre, const std::string& language) {
  if (marker == '_') return EntityType("textEntityTypeItalic");
  if (marker == '*') return EntityType("textEntityTypeBold");
  if (!is_pre) return EntityType("textEntityTypeCode");
  if (language.empty()) return EntityType("textEntityTypePre");
  Json type = EntityType("textEntityTypePreCode");
  type["language"] = language;
  return type;
}

}  // namespace

Json ParseMarkdownV1(std::string_view input) {
  V1State s;
  s.text = std::string(input) + std::string(3, '\0');
  s.size = input.size();
  for (std::size_t i = 0; i < s.size; ++i) {
    char c = s.text[i];
    if (c == '\\' && IsMarker(s.text[i + 1])) {
      s.Keep(++i);
      continue;
    }
    if (!IsMarker(c)) {
      s.Keep(i);
      continue;
    }
    std::size_t begin_pos = i++;
    char end_character = c == '[' ? ']' : c;
    bool is_pre = c == '`' && s.text[i] == '`' && s.text[i + 1] == '`';
    std::string language;
    if (is_pre) {
      i += 2;
      language = ReadPreHeader(s, i);
    }
    int offset = s.utf16;
    while (i < s.size && (s.text[i] != end_character ||
                          (is_pre && !(s.text[i + 1] == '`' && s.text[i + 2] == '`')))) {
      s.Keep(i++);
    }
    if (i == s.size) {
      throw EntityParseError("Can't parse entities: Can't find end of the entity starting at byte offset " +
                             std::to_string(begin_pos));
    }
    if (offset != s.utf16) {
      if (c == '[') AddLink(s, begin_pos, i, offset);
      else s.Add(offset, EntityFor(c, is_pre, language));
    }
    if (is_pre) i += 2;
  }
  Json out;
  out["@type"] = "formattedText";
  out["text"] = s.text.substr(0, s.result_size);
  out["entities"] = std::move(s.entities);
  return out;
}

std::optional<Json> LinkEntityType(std::string_view url) {
  if (std::int64_t user_id = LinkUserId(url); user_id > 0) {
    Json type = EntityType("textEntityTypeMentionName");
    type["user_id"] = user_id;
    return type;
  }
  std::string checked = CheckedLink(url);
  if (checked.empty()) return std::nullopt;
  Json type = EntityType("textEntityTypeTextUrl");
  type["url"] = checked;
  return type;
}

}  // namespace tgsim
