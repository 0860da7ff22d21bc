// HTML parse mode and automatic entity detection (the subset TDLib clients use).
#include <cctype>
#include <map>
#include <string>
#include <vector>

#include "sim/tdapi/text.h"

namespace tgsim {
namespace {

struct OpenTag {
  std::string name;
  int start = 0;
  Json type;
};

[[noreturn]] void Fail(const std::string& what) {
  throw EntityParseError("Can't parse entities: " + what);
}

Json TagType(const std::string& name, const std::string& attributes, std::size_t offset) {
  static const std::map<std::string, std::string> kTypes = {
      {"b", "Bold"}, {"strong", "Bold"}, {"i", "Italic"}, {"em", "Italic"},
      {"u", "Underline"}, {"ins", "Underline"}, {"s", "Strikethrough"},
      {"strike", "Strikethrough"}, {"del", "Strikethrough"}, {"code", "Code"},
      {"pre", "Pre"}, {"tg-spoiler", "Spoiler"}, {"blockquote", "BlockQuote"}};
  if (name == "a") {
    auto pos = attributes.find("href=");
    if (pos == std::string::npos) return EntityType("textEntityTypeTextUrl");
    std::string href = attributes.substr(pos + 5);
    if (!href.empty() && (href[0] == '"' || href[0] == '\'')) {
      char quote = href[0];
      href = href.substr(1, href.find(quote, 1) - 1);
    }
    if (href.find('/', href.find("://") == std::string::npos ? 0 : href.find("://") + 3) ==
        std::string::npos) {
      href += '/';
    }
    Json type = EntityType("textEntityTypeTextUrl");
    type["url"] = href;
    return type;
  }
  auto it = kTypes.find(name);
  if (it == kTypes.end()) {
    Fail("Unsupported start tag \"" + name + "\" at byte offset " + std::to_string(offset));
  }
  return EntityType("textEntityType" + it->second);
}

std::string DecodeEntity(std::string_view text, std::size_t& i) {
  static const std::map<std::string, std::string> kNamed = {
      {"lt", "<"}, {"gt", ">"}, {"amp", "&"}, {"quot", "\""}};
  auto end = text.find(';', i);
  if (end == std::string_view::npos || end - i > 10) return std::string(1, text[i++]);
  std::string name(text.substr(i + 1, end - i - 1));
  auto it = kNamed.find(name);
  if (it == kNamed.end()) return std::string(1, text[i++]);
  i = end + 1;
  return it->second;
}

void ReadTag(std::string_view text, std::size_t& i, std::vector<OpenTag>& stack,
             FormattedTextBuilder& out) {
  std::size_t begin = i;
  auto end = text.find('>', i);
  if (end == std::string_view::npos) {
    Fail("Unclosed start tag at byte offset " + std::to_string(begin));
  }
  std::string tag(text.substr(i + 1, end - i - 1));
  i = end + 1;
  bool closing = !tag.empty() && tag[0] == '/';
  if (closing) tag = tag.substr(1);
  auto space = tag.find_first_of(" \t\n");
  std::string name = tag.substr(0, space);
  for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  std::string attributes = space == std::string::npos ? "" : tag.substr(space + 1);
  if (!closing) {
    if (name == "span" && attributes.find("tg-spoiler") != std::string::npos) name = "tg-spoiler";
    stack.push_back({name, out.Position(), TagType(name, attributes, begin)});
    return;
  }
  if (stack.empty() || stack.back().name != name) {
    Fail("Unmatched end tag at byte offset " + std::to_string(begin) + ", expected \"</" +
         (stack.empty() ? std::string() : stack.back().name) + ">\", found \"</" + name + ">\"");
  }
  OpenTag open = std::move(stack.back());
  stack.pop_back();
  out.AddEntity(open.start, std::move(open.type));
}

bool IsWordChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' ||
         (static_cast<unsigned char>(c) >= 0x80);
}

}  // namespace

Json ParseHtml(std::string_view text) {
  FormattedTextBuilder out;
  std::vector<OpenTag> stack;
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '<') {
      ReadTag(text, i, stack, out);
    } else if (text[i] == '&') {
      out.Append(DecodeEntity(text, i));
    } else {
      out.Append(text.substr(i++, 1));
    }
  }
  if (!stack.empty()) Fail("Can't find end tag corresponding to start tag \"" + stack.back().name + "\"");
  return out.Build();
}

Json DetectTextEntities(std::string_view text) {
  Json entities = Json::array();
  std::size_t i = 0;
  while (i < text.size()) {
    bool boundary = i == 0 || !IsWordChar(text[i - 1]);
    std::string type;
    std::size_t end = i;
    if (boundary && (text[i] == '@' || text[i] == '#' || text[i] == '/')) {
      end = i + 1;
      while (end < text.size() && IsWordChar(text[end])) ++end;
      if (end - i > 1) {
        type = text[i] == '@' ? "textEntityTypeMention"
             : text[i] == '#' ? "textEntityTypeHashtag" : "textEntityTypeBotCommand";
      }
    } else if (boundary && (text.compare(i, 7, "http://") == 0 || text.compare(i, 8, "https://") == 0)) {
      end = text.find_first_of(" \t\n", i);
      if (end == std::string_view::npos) end = text.size();
      type = "textEntityTypeUrl";
    }
    if (type.empty()) {
      ++i;
      continue;
    }
    Json entity;
    entity["@type"] = "textEntity";
    entity["offset"] = Utf16Length(text.substr(0, i));
    entity["length"] = Utf16Length(text.substr(i, end - i));
    entity["type"] = EntityType(type);
    entities.push_back(std::move(entity));
    i = end;
  }
  return entities;
}

}  // namespace tgsim
