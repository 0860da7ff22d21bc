// parseMarkdown (TDLib's parse_markdown_v3): first [text](url) links whose URL TDLib
// accepts, then doubled markers (**, __, ~~, ||, --) and `code`; a marker without a
// partner stays plain text, and nothing is ever an error.
#include <algorithm>
#include <string>
#include <vector>

#include "sim/tdapi/links.h"
#include "sim/tdapi/request.h"
#include "sim/tdapi/text.h"

namespace tgsim {
namespace {

// The link at '[' (text[i]) as TDLib's find_text_url_entities_v3 sees it. Returns the
// byte just past ')' and the normalised URL, or sets `resume` past what TDLib skips.
std::size_t MatchLink(std::string_view text, std::size_t i, std::string& url, std::size_t& resume) {
  std::size_t text_end = std::min(text.find(']', i + 1), text.size());
  resume = text_end;
  if (text_end == text.size() || text_end == i + 1) return 0;
  std::size_t url_begin = text_end + 1;
  if (url_begin == text.size() || text[url_begin] != '(') return 0;
  std::size_t url_end = std::min(text.find(')', url_begin + 1), text.size());
  resume = url_end;
  if (url_end == text.size()) return 0;
  url = CheckedLink(text.substr(url_begin + 1, url_end - url_begin - 1));
  return url.empty() ? 0 : url_end + 1;
}

FormattedTextBuilder ParseLinks(std::string_view text) {
  FormattedTextBuilder out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '[') {
      out.Append(text.substr(i, 1));
      continue;
    }
    std::string url;
    std::size_t resume = i;
    std::size_t end = MatchLink(text, i, url, resume);
    if (end == 0) {
      out.Append(text.substr(i, resume + 1 - i));  // TDLib looks for no link inside
      i = std::min(resume, text.size() - 1);
      continue;
    }
    std::size_t close = text.find(']', i + 1);
    int start = out.Position();
    out.Append(text.substr(i + 1, close - i - 1));
    Json type = EntityType("textEntityTypeTextUrl");
    type["url"] = url;
    out.AddEntity(start, std::move(type));
    i = end - 1;
  }
  return out;
}

struct MarkerResult {
  FormattedTextBuilder out;
  std::vector<int> removed;  // UTF-16 positions (in the input) of dropped marker units
};

MarkerResult ParseMarkers(const std::string& text) {
  static const std::vector<std::pair<std::string, std::string>> kMarkers = {
      {"**", "textEntityTypeBold"}, {"__", "textEntityTypeItalic"},
      {"~~", "textEntityTypeStrikethrough"}, {"||", "textEntityTypeSpoiler"},
      {"--", "textEntityTypeUnderline"}, {"`", "textEntityTypeCode"}};
  MarkerResult result;
  std::size_t i = 0;
  int in_pos = 0;  // UTF-16 position in the input
  auto drop = [&](std::size_t count) {
    for (std::size_t k = 0; k < count; ++k) result.removed.push_back(in_pos++);
  };
  while (i < text.size()) {
    bool matched = false;
    for (const auto& [marker, type] : kMarkers) {
      if (text.compare(i, marker.size(), marker) != 0) continue;
      auto end = text.find(marker, i + marker.size());
      if (end == std::string::npos || end == i + marker.size()) continue;
      drop(marker.size());
      int start = result.out.Position();
      std::string_view inner = std::string_view(text).substr(i + marker.size(), end - i - marker.size());
      result.out.Append(inner);
      in_pos += Utf16Length(inner);
      result.out.AddEntity(start, EntityType(type));
      drop(marker.size());
      i = end + marker.size();
      matched = true;
      break;
    }
    if (matched) continue;
    std::string_view one = std::string_view(text).substr(i++, 1);
    result.out.Append(one);
    in_pos += Utf16Length(one);
  }
  return result;
}

}  // namespace

Json ParseMarkdownText(const Json& formatted_text) {
  Json linked = ParseLinks(GetString(formatted_text, "text")).Build();
  MarkerResult markers = ParseMarkers(linked["text"].get<std::string>());
  auto shift = [&](int pos) {  // a position after the markers before it are gone
    return pos - static_cast<int>(std::lower_bound(markers.removed.begin(), markers.removed.end(), pos) -
                                  markers.removed.begin());
  };
  Json out = markers.out.Build();
  for (Json& link : linked["entities"]) {
    int begin = shift(link["offset"].get<int>());
    int end = shift(link["offset"].get<int>() + link["length"].get<int>());
    if (end <= begin) continue;
    link["offset"] = begin;
    link["length"] = end - begin;
    out["entities"].push_back(link);
  }
  std::stable_sort(out["entities"].begin(), out["entities"].end(), EntityLess);
  return out;
}

}  // namespace tgsim
