// MarkdownV2, Markdown (v1) and parseMarkdown, following TDLib's MessageEntity.cpp rules
// for the common cases: nesting by a stack of open entities, backslash escapes, errors
// for reserved characters and unclosed entities.
#include <string>
#include <vector>

#include "sim/tdapi/request.h"
#include "sim/tdapi/text.h"

namespace tgsim {
namespace {

struct OpenEntity {
  std::string marker;  // "*", "_", "__", "~", "||", "[", "`", "```"
  int start = 0;
  std::size_t byte_offset = 0;
};

std::string NormalizeUrl(std::string url) {
  if (url.find("://") == std::string::npos) url = "http://" + url;
  auto host_start = url.find("://") + 3;
  if (url.find('/', host_start) == std::string::npos) url += '/';
  return url;
}

std::string_view EntityName(const std::string& marker) {
  if (marker == "*") return "Bold";
  if (marker == "_") return "Italic";
  if (marker == "__") return "Underline";
  if (marker == "~") return "Strikethrough";
  if (marker == "||") return "Spoiler";
  if (marker == "`") return "Code";
  if (marker == "```") return "Pre";
  return "TextUrl";
}

[[noreturn]] void Fail(const std::string& what) {
  throw EntityParseError("Can't parse entities: " + what);
}

// Reads "(url)" right after "]"; returns the url and advances i past ')'.
std::string ReadLinkTarget(std::string_view text, std::size_t& i) {
  if (i >= text.size() || text[i] != '(') return {};
  std::string url;
  for (++i; i < text.size() && text[i] != ')'; ++i) {
    if (text[i] == '\\' && i + 1 < text.size()) ++i;
    url += text[i];
  }
  if (i < text.size()) ++i;
  return url;
}

// Inside `code` or ```pre``` everything is literal except escaped ` and \.
void ReadCode(std::string_view text, std::size_t& i, const std::string& marker,
              FormattedTextBuilder& out) {
  std::size_t begin = i;
  int start = out.Position();
  while (i < text.size()) {
    if (text[i] == '\\' && i + 1 < text.size()) {
      out.Append(text.substr(i + 1, 1));
      i += 2;
      continue;
    }
    if (text.compare(i, marker.size(), marker) == 0) {
      i += marker.size();
      out.AddEntity(start, EntityType(marker == "`" ? "textEntityTypeCode"
                                                     : "textEntityTypePre"));
      return;
    }
    std::size_t len = 1;
    while (i + len < text.size() && (static_cast<unsigned char>(text[i + len]) & 0xC0) == 0x80) {
      ++len;
    }
    out.Append(text.substr(i, len));
    i += len;
  }
  Fail("Can't find end of " + std::string(EntityName(marker)) + " entity at byte offset " +
       std::to_string(begin - marker.size()));
}

std::string MarkerAt(std::string_view text, std::size_t i, bool v2) {
  auto at = [&](std::string_view m) { return text.compare(i, m.size(), m) == 0; };
  if (at("```")) return "```";
  if (v2 && at("__")) return "__";
  if (v2 && at("||")) return "||";
  char c = text[i];
  if (c == '*' || c == '_' || c == '`' || c == '[') return std::string(1, c);
  if (v2 && c == '~') return "~";
  return {};
}

void CloseEntity(std::vector<OpenEntity>& stack, std::string_view text, std::size_t& i,
                 FormattedTextBuilder& out) {
  OpenEntity open = stack.back();
  stack.pop_back();
  if (open.marker == "[") {
    std::string url = ReadLinkTarget(text, i);
    Json type = EntityType("textEntityTypeTextUrl");
    type["url"] = NormalizeUrl(url);
    if (!url.empty()) out.AddEntity(open.start, std::move(type));
    return;
  }
  out.AddEntity(open.start, EntityType("textEntityType" + std::string(EntityName(open.marker))));
}

Json ParseMarkdown(std::string_view text, bool v2) {
  static const std::string_view kReserved = "_*[]()~`>#+-=|{}.!";
  FormattedTextBuilder out;
  std::vector<OpenEntity> stack;
  std::size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (c == '\\' && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) < 127) {
      out.Append(text.substr(i + 1, 1));
      i += 2;
      continue;
    }
    if (!stack.empty() && stack.back().marker == "[" && c == ']') {
      ++i;
      CloseEntity(stack, text, i, out);
      continue;
    }
    std::string marker = MarkerAt(text, i, v2);
    if (!marker.empty() && !stack.empty() && stack.back().marker == marker) {
      i += marker.size();
      CloseEntity(stack, text, i, out);
      continue;
    }
    if (!marker.empty()) {
      i += marker.size();
      if (marker == "`" || marker == "```") {
        ReadCode(text, i, marker, out);
      } else {
        stack.push_back({marker, out.Position(), i - marker.size()});
      }
      continue;
    }
    if (v2 && kReserved.find(c) != std::string_view::npos) {
      Fail(std::string("Character '") + c + "' is reserved and must be escaped with the preceding '\\'");
    }
    out.Append(text.substr(i, 1));
    ++i;
  }
  if (!stack.empty()) {
    Fail("Can't find end of " + std::string(EntityName(stack.back().marker)) +
         " entity at byte offset " + std::to_string(stack.back().byte_offset));
  }
  return out.Build();
}

}  // namespace

Json ParseMarkdownV2(std::string_view text) { return ParseMarkdown(text, true); }
Json ParseMarkdownV1(std::string_view text) { return ParseMarkdown(text, false); }

Json ParseMarkdownText(const Json& formatted_text) {
  // parseMarkdown's syntax: doubled markers; a lone marker character is plain text.
  std::string text = GetString(formatted_text, "text");
  FormattedTextBuilder out;
  static const std::vector<std::pair<std::string, std::string>> kMarkers = {
      {"**", "textEntityTypeBold"}, {"__", "textEntityTypeItalic"},
      {"~~", "textEntityTypeStrikethrough"}, {"||", "textEntityTypeSpoiler"},
      {"--", "textEntityTypeUnderline"}, {"`", "textEntityTypeCode"}};
  std::size_t i = 0;
  while (i < text.size()) {
    bool matched = false;
    for (const auto& [marker, type] : kMarkers) {
      if (text.compare(i, marker.size(), marker) != 0) continue;
      auto end = text.find(marker, i + marker.size());
      if (end == std::string::npos || end == i + marker.size()) continue;
      int start = out.Position();
      out.Append(std::string_view(text).substr(i + marker.size(), end - i - marker.size()));
      out.AddEntity(start, EntityType(type));
      i = end + marker.size();
      matched = true;
      break;
    }
    if (!matched) out.Append(std::string_view(text).substr(i++, 1));
  }
  return out.Build();
}

}  // namespace tgsim
