#include "sim/tdapi/text.h"

#include <algorithm>
#include <map>

#include "sim/tdapi/request.h"

namespace tgsim {

int Utf16Length(std::string_view utf8) {
  int units = 0;
  for (unsigned char c : utf8) {
    if ((c & 0xC0) != 0x80) units += 1;  // a lead byte starts a code point
    if ((c & 0xF8) == 0xF0) units += 1;  // 4-byte sequences become surrogate pairs
  }
  return units;
}

bool IsValidUtf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    unsigned char c = text[i];
    int extra = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2
              : (c & 0xF8) == 0xF0 ? 3 : -1;
    if (extra < 0 || i + extra >= text.size()) return false;
    for (int k = 1; k <= extra; ++k) {
      if (i + k >= text.size() || (static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) {
        return false;
      }
    }
    i += extra + 1;
  }
  return true;
}

namespace {

// TDLib's get_type_priority: the order of entities that share offset and length.
int TypePriority(const std::string& type) {
  static const std::map<std::string, int, std::less<>> kPriority = {
      {"textEntityTypeBlockQuote", 0}, {"textEntityTypeExpandableBlockQuote", 0},
      {"textEntityTypePreCode", 10}, {"textEntityTypePre", 11}, {"textEntityTypeCode", 20},
      {"textEntityTypeTextUrl", 49}, {"textEntityTypeMentionName", 49},
      {"textEntityTypeBold", 90}, {"textEntityTypeItalic", 91}, {"textEntityTypeUnderline", 92},
      {"textEntityTypeStrikethrough", 93}, {"textEntityTypeSpoiler", 94},
      {"textEntityTypeCustomEmoji", 99}};
  auto it = kPriority.find(type);
  return it == kPriority.end() ? 50 : it->second;
}

}  // namespace

bool EntityLess(const Json& a, const Json& b) {
  int a_offset = a["offset"].get<int>(), b_offset = b["offset"].get<int>();
  if (a_offset != b_offset) return a_offset < b_offset;
  int a_length = a["length"].get<int>(), b_length = b["length"].get<int>();
  if (a_length != b_length) return a_length > b_length;
  return TypePriority(a["type"].value("@type", "")) < TypePriority(b["type"].value("@type", ""));
}

void FormattedTextBuilder::Append(std::string_view utf8) {
  text_.append(utf8);
  position_ += Utf16Length(utf8);
}

void FormattedTextBuilder::AddEntity(int start, Json type) {
  if (Position() <= start) return;
  Json entity;
  entity["@type"] = "textEntity";
  entity["offset"] = start;
  entity["length"] = Position() - start;
  entity["type"] = std::move(type);
  entities_.push_back(std::move(entity));
}

Json FormattedTextBuilder::Build() {
  std::stable_sort(entities_.begin(), entities_.end(), EntityLess);
  Json out;
  out["@type"] = "formattedText";
  out["text"] = text_;
  out["entities"] = Json::array();
  for (auto& e : entities_) out["entities"].push_back(std::move(e));
  return out;
}

Json EntityType(std::string_view type_name) {
  Json type;
  type["@type"] = std::string(type_name);
  return type;
}

Json FormattedText(std::string_view text) {
  FormattedTextBuilder builder;
  builder.Append(text);
  return builder.Build();
}

}  // namespace tgsim

namespace tgsim {

Json MarkdownFromEntities(const Json& formatted_text) {
  // Byte offset of every UTF-16 position, to splice markers into the UTF-8 text.
  std::string text = GetString(formatted_text, "text");
  std::vector<std::size_t> byte_at;
  for (std::size_t i = 0; i < text.size(); ++i) {
    unsigned char c = text[i];
    if ((c & 0xC0) == 0x80) continue;
    byte_at.push_back(i);
    if ((c & 0xF8) == 0xF0) byte_at.push_back(i);
  }
  byte_at.push_back(text.size());
  std::vector<std::pair<std::size_t, std::string>> inserts;
  static const std::vector<std::pair<std::string, std::string>> kMarkers = {
      {"textEntityTypeBold", "**"}, {"textEntityTypeItalic", "__"},
      {"textEntityTypeStrikethrough", "~~"}, {"textEntityTypeSpoiler", "||"},
      {"textEntityTypeUnderline", "--"}, {"textEntityTypeCode", "`"}};
  Json rest = Json::array();
  const Json* entities = formatted_text.is_object() && formatted_text.contains("entities") &&
                                 formatted_text["entities"].is_array()
                             ? &formatted_text["entities"]
                             : nullptr;
  for (const auto& entity : entities ? *entities : Json::array()) {
    // What the request says is not trusted: an entity without a type, or with a
    // range outside the text, is handed back as it came instead of placed.
    std::string type = entity.is_object() ? TypeOf(GetObject(entity, "type")) : std::string();
    auto marker = std::find_if(kMarkers.begin(), kMarkers.end(),
                               [&](const auto& m) { return m.first == type; });
    std::int64_t offset = marker == kMarkers.end() ? 0 : GetInt(entity, "offset");
    std::int64_t length = marker == kMarkers.end() ? 0 : GetInt(entity, "length");
    const auto positions = static_cast<std::int64_t>(byte_at.size());
    if (marker == kMarkers.end() || offset < 0 || length < 0 || offset >= positions ||
        length >= positions - offset) {
      rest.push_back(entity);
      continue;
    }
    inserts.push_back({byte_at[offset], marker->second});
    inserts.push_back({byte_at[offset + length], marker->second});
  }
  std::stable_sort(inserts.begin(), inserts.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (const auto& [pos, marker] : inserts) text.insert(pos, marker);
  Json out;
  out["@type"] = "formattedText";
  out["text"] = text;
  out["entities"] = rest.empty() ? Json::array() : rest;
  return out;
}

}  // namespace tgsim
