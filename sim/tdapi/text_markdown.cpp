// MarkdownV2, Markdown (v1) and parseMarkdown, following TDLib's MessageEntity.cpp rules
// for the common cases: nesting by a stack of open entities, backslash escapes, errors
// for reserved characters and unclosed entities.
#include <string>
#include <vector>

#include "sim/tdapi/request.h"
#include "sim/tdapi/links.h"
#include "sim/tdapi/text.h"

namespace tgsim {
namespace {

struct OpenEntity {
  std::string marker;  // "*", "_", "__", "~", "||", "[", "`", "```"
  int start = 0;
  std::size_t byte_offset = 0;
  std::size_t out_byte = 0;  // where the entity's text starts in the output
};

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

// Reads "(url)" right after "]" (i is at the '('), with TDLib's error for a missing ')'.
std::string ReadLinkTarget(std::string_view text, std::size_t& i) {
  std::size_t url_begin = ++i;
  std::string url;
  for (; i < text.size() && text[i] != ')'; ++i) {
    if (text[i] == '\\' && i + 1 < text.size() && text[i + 1] > 0 && text[i + 1] <= 126) ++i;
    url += text[i];
  }
  if (i == text.size()) Fail("Can't find end of a URL at byte offset " + std::to_string(url_begin));
  ++i;
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
    // Without "(url)" the link text itself is the URL.
    bool has_target = i < text.size() && text[i] == '(';
    std::string url = has_target ? ReadLinkTarget(text, i) : out.Text().substr(open.out_byte);
    if (std::optional<Json> type = LinkEntityType(url)) out.AddEntity(open.start, std::move(*type));
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
        stack.push_back({marker, out.Position(), i - marker.size(), out.Text().size()});
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

}  // namespace tgsim
