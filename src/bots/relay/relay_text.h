// What the work-group relay posts (docs/relay.md): a conversation's title,
// and posts of one or more messages with their authors and formatting.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "telegram/messages.h"

namespace tgmux::bots::relay_text {

// "Anna Petrova (@anna) · Ivan", at most 128 characters (Telegram's limit for a topic name).
std::string DialogTitle(const std::string& peer, const std::string& account);

// One message of a post: who wrote it ("" for the customer of a private
// chat: the topic is theirs), and the event's message JSON (or an edit's
// {text, entities}).
struct Part {
  std::string author;
  nlohmann::json message;
};

// The parts one after another, each author in bold where it changes, each
// message with the formatting a bot may set (the rest Telegram finds itself);
// `note` in italics at the end when not "" (e.g. "edited").
telegram::FormattedText PostText(const std::vector<Part>& parts, const std::string& note = "");
// A short line in italics (notes: "deleted", delivery failures).
telegram::FormattedText Note(const std::string& text);

// Telegram's length limit, with room for the authors of a merged post.
constexpr std::size_t kMaxPostBytes = 3500;

}  // namespace tgmux::bots::relay_text
