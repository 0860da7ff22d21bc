#include "bots/relay/relay_text.h"

#include <array>
#include <string_view>

#include "bots/wording.h"
#include "telegram/message_parse.h"

namespace tgmux::bots::relay_text {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxTitle = 128;

// The entities a bot may set by hand (tdlib-facts §7.3, without mentions and
// custom emoji, which depend on who is asking); the others Telegram detects.
constexpr std::array<std::string_view, 11> kSettable = {
    "bold", "italic",     "underline", "strikethrough", "spoiler",          "code",
    "pre",  "pre_code",   "text_url",  "block_quote",   "expandable_block_quote"};

bool Settable(std::string_view type) {
  for (auto name : kSettable) {
    if (name == type) return true;
  }
  return false;
}

int Units(const std::string& text) { return static_cast<int>(telegram::Utf16Length(text)); }

void AppendStyled(telegram::FormattedText& out, const std::string& text, const char* style) {
  out.entities.push_back({style, Units(out.text), Units(text)});
  out.text += text;
}

// The message's text (or caption, after what it carries) with its formatting, at the end of `out`.
void AppendMessage(telegram::FormattedText& out, const json& message) {
  const std::string kind = TextField(message, "content_type");
  if (!kind.empty()) out.text += "[" + kind + "]" + (TextField(message, "text").empty() ? "" : " ");
  const int text_shift = Units(out.text);
  out.text += TextField(message, "text");
  auto entities = message.find("entities");
  if (entities == message.end() || !entities->is_array()) return;
  for (const auto& e : *entities) {
    const std::string type = TextField(e, "type");
    if (!Settable(type)) continue;
    telegram::TextEntity entity{type, text_shift + e.value("offset", 0), e.value("length", 0)};
    entity.url = TextField(e, "url");
    entity.language = TextField(e, "language");
    out.entities.push_back(std::move(entity));
  }
}

}  // namespace

std::string DialogTitle(const std::string& peer, const std::string& account) {
  std::string title = peer + " · " + account;
  if (telegram::Utf16Length(title) <= kMaxTitle) return title;
  return Cut(peer, 90) + " · " + Cut(account, 30);
}

telegram::FormattedText PostText(const std::vector<Part>& parts, const std::string& note) {
  telegram::FormattedText out;
  const std::string* author = nullptr;
  for (const auto& part : parts) {
    if (!out.text.empty()) out.text += "\n";
    if (!part.author.empty() && (author == nullptr || *author != part.author)) {
      AppendStyled(out, part.author + ":", "bold");
      out.text += "\n";
    }
    author = &part.author;
    AppendMessage(out, part.message);
  }
  if (!note.empty()) {
    out.text += out.text.empty() ? "" : " ";
    AppendStyled(out, "(" + note + ")", "italic");
  }
  return out;
}

telegram::FormattedText Note(const std::string& text) {
  telegram::FormattedText out;
  AppendStyled(out, text, "italic");
  return out;
}

}  // namespace tgmux::bots::relay_text
