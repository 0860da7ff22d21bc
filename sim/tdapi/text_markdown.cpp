// MarkdownV2 (parseTextEntities with textParseModeMarkdown version 2), after the
// rules of parse_markdown_v2 in TDLib's MessageEntity.cpp: *bold*, _italic_,
// __underline__, ~strike~, ||spoiler||, `code`, ```lang pre```, [text](url),
// ![emoji](tg://emoji?id=N), >block quotes (expandable when they end with ||);
// a backslash escapes any ASCII character, and every other reserved character
// (_*[]()~`>#+-=|{}.!) unescaped is an error. Entities nest; empty ones are dropped.
// Not simulated: tg://time dates (refused like an invalid tg://emoji URL).
#include <algorithm>
#include <cctype>
#include <optional>
#include <string>
#include <vector>

#include "sim/tdapi/links.h"
#include "sim/tdapi/text.h"

namespace tgsim {
namespace {

enum class Kind { kBold, kItalic, kUnderline, kStrike, kSpoiler, kCode, kPre, kTextUrl, kEmoji, kQuote };

// TDLib's names of the entity types, as its "Can't find end of …" errors print them.
std::string KindName(Kind kind, bool has_language) {
  switch (kind) {
    case Kind::kBold: return "Bold";
    case Kind::kItalic: return "Italic";
    case Kind::kUnderline: return "Underline";
    case Kind::kStrike: return "Strikethrough";
    case Kind::kSpoiler: return "Spoiler";
    case Kind::kCode: return "Code";
    case Kind::kPre: return has_language ? "PreCode" : "Pre";
    case Kind::kTextUrl: return "TextUrl";
    case Kind::kEmoji: return "CustomEmoji";
    case Kind::kQuote: return "BlockQuote";
  }
  return "";
}

struct Open {
  Kind kind;
  std::string language;     // kPre: "" for a Pre, else a PreCode
  int start = 0;            // UTF-16 offset in the output
  std::size_t byte = 0;     // byte offset of its mark in the input (for errors)
  std::size_t out_byte = 0; // where its text starts in the output (a link without "(url)")
};

[[noreturn]] void Fail(const std::string& what) { throw EntityParseError("Can't parse entities: " + what); }

[[noreturn]] void Reserved(char c) {
  Fail(std::string("Character '") + c + "' is reserved and must be escaped with the preceding '\\'");
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\0' || c == '\v'; }

std::size_t Utf8Length(unsigned char lead) {
  if (lead >= 0xF0) return 4;
  if (lead >= 0xE0) return 3;
  if (lead >= 0xC0) return 2;
  return 1;
}

// The custom emoji id of a tg://emoji?id=N link, 0 for any other link.
std::int64_t EmojiId(const std::string& url) {
  std::string lower;
  for (char c : url) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::size_t query = 0;
  for (std::string_view prefix : {"tg://emoji?", "tg:emoji?"}) {
    if (lower.rfind(prefix, 0) == 0) query = prefix.size();
  }
  if (query == 0 || url.compare(query, 3, "id=") != 0) return 0;
  try {
    std::size_t used = 0;
    std::int64_t id = std::stoll(url.substr(query + 3), &used);
    return used == url.size() - query - 3 ? id : 0;
  } catch (const std::exception&) {
    return 0;
  }
}

class MarkdownV2 {
 public:
  explicit MarkdownV2(std::string_view text) : text_(text) {}

  Json Parse() {
    for (i_ = 0; i_ < text_.size(); ++i_) Step();
    Finish();
    return out_.Build();
  }

 private:
  char At(std::size_t i) const { return i < text_.size() ? text_[i] : '\0'; }
  bool InCode() const {
    return !open_.empty() && (open_.back().kind == Kind::kCode || open_.back().kind == Kind::kPre);
  }

  void Step() {
    char c = text_[i_];
    if (c == '\\' && At(i_ + 1) > 0 && At(i_ + 1) <= 126) {
      char escaped = text_[++i_];
      out_.Append(std::string_view(&text_[i_], 1));
      if (escaped != '\r') can_quote_ = escaped == '\n';
      return;
    }
    bool reserved = InCode() ? c == '`' : std::string_view("_*[]()~`>#+-=|{}.!\n").find(c) != std::string_view::npos;
    if (!reserved) {
      std::size_t length = std::min(Utf8Length(static_cast<unsigned char>(c)), text_.size() - i_);
      out_.Append(text_.substr(i_, length));
      i_ += length - 1;
      if (c != '\r') can_quote_ = false;
      return;
    }
    if (IsEnd(c)) return End(c);
    Begin(c);
  }

  bool IsEnd(char c) const {
    if (open_.empty()) return false;
    if (in_quote_ && c == '\n' && At(i_ + 1) != '>') return true;
    switch (open_.back().kind) {
      case Kind::kBold: return c == '*';
      case Kind::kItalic: return c == '_' && At(i_ + 1) != '_';
      case Kind::kUnderline: return c == '_' && At(i_ + 1) == '_';
      case Kind::kStrike: return c == '~';
      case Kind::kSpoiler: return c == '|' && At(i_ + 1) == '|';
      case Kind::kCode: return c == '`';
      case Kind::kPre: return c == '`' && At(i_ + 1) == '`' && At(i_ + 2) == '`';
      case Kind::kTextUrl:
      case Kind::kEmoji: return c == ']';
      case Kind::kQuote: return false;
    }
    return false;
  }

  void Begin(char c) {
    Open open{Kind::kBold, "", out_.Position(), i_, 0};
    switch (c) {
      case '*': break;
      case '~': open.kind = Kind::kStrike; break;
      case '[': open.kind = Kind::kTextUrl; break;
      case '_':
        open.kind = At(i_ + 1) == '_' ? Kind::kUnderline : Kind::kItalic;
        if (open.kind == Kind::kUnderline) ++i_;
        break;
      case '|':
        if (At(i_ + 1) != '|') Reserved(c);
        open.kind = Kind::kSpoiler;
        ++i_;
        break;
      case '!':
        if (At(i_ + 1) != '[') Reserved(c);
        open.kind = Kind::kEmoji;
        ++i_;
        break;
      case '`':
        open.kind = Kind::kCode;
        if (At(i_ + 1) == '`' && At(i_ + 2) == '`') BeginPre(open);
        break;
      case '\n':
        out_.Append("\n");
        can_quote_ = true;
        return;
      case '>':
        if (!can_quote_) Reserved(c);
        if (in_quote_) return;  // the next line of the same quote
        open.kind = Kind::kQuote;
        in_quote_ = true;
        break;
      default: Reserved(c);
    }
    open.out_byte = out_.Text().size();
    open_.push_back(std::move(open));
  }

  // ```: an optional language up to the first space, then one line break skipped.
  void BeginPre(Open& open) {
    open.kind = Kind::kPre;
    i_ += 3;
    std::size_t language_end = i_;
    while (!IsSpace(At(language_end)) && At(language_end) != '`') ++language_end;
    if (language_end != i_ && language_end < text_.size() && text_[language_end] != '`') {
      open.language = std::string(text_.substr(i_, language_end - i_));
      i_ = language_end;
    }
    char first = At(i_);
    if (first == '\n' || first == '\r') {
      char second = At(i_ + 1);
      i_ += (second == '\n' || second == '\r') && second != first ? 2 : 1;
    }
    --i_;  // the loop steps onto the first character of the text
  }

  void End(char c) {
    Open open = std::move(open_.back());
    open_.pop_back();
    if (c == '\n' && open.kind != Kind::kQuote) return EndQuoteAtLineEnd(open);
    std::optional<Json> type;
    switch (open.kind) {
      case Kind::kUnderline:
      case Kind::kSpoiler: ++i_; break;
      case Kind::kPre: i_ += 2; break;
      case Kind::kTextUrl: type = LinkEntityType(LinkTarget(open)); break;
      case Kind::kEmoji: type = EmojiType(); break;
      case Kind::kQuote: return EndQuote(open, "textEntityTypeBlockQuote");
      default: break;
    }
    if (!type && open.kind != Kind::kTextUrl) type = TypeOf(open);
    if (type) out_.AddEntity(open.start, std::move(*type));
  }

  // A quote ends at a line that does not start with '>'; only a spoiler opened
  // right before the line break ("||\n") may still be open: it makes the quote expandable.
  void EndQuoteAtLineEnd(const Open& open) {
    bool just_opened = open.byte + 2 == i_ || (open.byte + 3 == i_ && !out_.Text().empty() && out_.Text().back() == '\r');
    if (open.kind != Kind::kSpoiler || !just_opened) FailUnclosed(open);
    Open quote = std::move(open_.back());
    open_.pop_back();
    if (quote.kind != Kind::kQuote) FailUnclosed(quote);
    EndQuote(quote, "textEntityTypeExpandableBlockQuote");
  }

  void EndQuote(const Open& quote, std::string_view type) {
    in_quote_ = false;
    can_quote_ = true;
    out_.Append("\n");
    out_.AddEntity(quote.start, EntityType(type));
  }

  // "(url)" after "]" (i_ is at the ']'), or the link's own text when there is none.
  std::string LinkTarget(const Open& open) {
    if (At(i_ + 1) != '(') return out_.Text().substr(open.out_byte);
    return ReadUrl();
  }

  std::string ReadUrl() {
    i_ += 2;
    std::size_t begin = i_;
    std::string url;
    while (i_ < text_.size() && text_[i_] != ')') {
      if (text_[i_] == '\\' && At(i_ + 1) > 0 && At(i_ + 1) <= 126) ++i_;
      url += text_[i_++];
    }
    if (i_ == text_.size()) Fail("Can't find end of a URL at byte offset " + std::to_string(begin));
    return url;
  }

  Json EmojiType() {
    if (At(i_ + 1) != '(') Fail("The entity must contain a tg://emoji or tg://time URL");
    std::int64_t id = EmojiId(ReadUrl());
    if (id == 0) Fail("Invalid tg://emoji or tg://time URL specified");
    Json type = EntityType("textEntityTypeCustomEmoji");
    type["custom_emoji_id"] = Int64(id);
    return type;
  }

  static Json TypeOf(const Open& open) {
    if (open.kind == Kind::kPre && !open.language.empty()) {
      Json type = EntityType("textEntityTypePreCode");
      type["language"] = open.language;
      return type;
    }
    return EntityType("textEntityType" + KindName(open.kind, false));
  }

  [[noreturn]] static void FailUnclosed(const Open& open) {
    Fail("Can't find end of " + KindName(open.kind, !open.language.empty()) + " entity at byte offset " +
         std::to_string(open.byte));
  }

  // A quote still open at the end of the text closes there (expandable after a final "||").
  void Finish() {
    if (in_quote_) {
      std::string_view type = "textEntityTypeBlockQuote";
      if (open_.back().kind == Kind::kSpoiler && open_.back().byte + 2 == text_.size()) {
        open_.pop_back();
        type = "textEntityTypeExpandableBlockQuote";
      }
      if (open_.back().kind == Kind::kQuote) {
        out_.AddEntity(open_.back().start, EntityType(type));
        open_.pop_back();
      }
    }
    if (!open_.empty()) FailUnclosed(open_.back());
  }

  std::string_view text_;
  std::size_t i_ = 0;
  FormattedTextBuilder out_;
  std::vector<Open> open_;
  bool in_quote_ = false;
  bool can_quote_ = true;
};

}  // namespace

Json ParseMarkdownV2(std::string_view text) { return MarkdownV2(text).Parse(); }

}  // namespace tgsim
