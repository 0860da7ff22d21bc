// Reads the JSON text TDLib emits (td_receive) into nlohmann::json, the form
// every handler reads. simdjson parses the text (about 25 times faster than
// nlohmann's own parser) and the tree is then built from its result: on the
// hub's receive thread that halves the cost of each update and answer.
// The value is the one nlohmann::json::parse gives for the same text (numbers
// of the same kinds: unsigned for non-negative integers, integer for negative,
// float for the rest; a repeated key keeps its last value). Text simdjson
// refuses (an integer beyond 64 bits, nesting deeper than 1,024), or reads
// otherwise (the integer -0), is handed to nlohmann's parser, so the two never
// differ in what they accept either.
#pragma once

#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <string_view>

namespace tgmux::telegram {

class TdJsonReader {
 public:
  TdJsonReader();
  ~TdJsonReader();
  TdJsonReader(const TdJsonReader&) = delete;
  TdJsonReader& operator=(const TdJsonReader&) = delete;

  // The value of `text`, or a discarded value (is_discarded()) when it is not
  // JSON. Not thread-safe: one reader per thread (it keeps its buffers).
  nlohmann::json Read(std::string_view text);

  // What the hub's handlers read of `text`, built only as far as they read it
  // at once: Read's value, except
  // - nothing, without building the tree, for an update that announces one of
  //   the account's own messages while it is being sent or after it failed:
  //   updateNewMessage whose message has a sending_state (tdlib-facts §7.3).
  //   The handlers ignore those (the outcome comes in
  //   updateMessageSendSucceeded or updateMessageSendFailed);
  // - an update updateChatLastMessage whose last_message is an object comes
  //   without it, and with `text` itself under kUpdateText: only the chat
  //   cache reads that message, and only when the chat is asked for, while
  //   each send brings two of these updates (pending, then sent).
  std::optional<nlohmann::json> ReadForHub(std::string_view text);

  // The key of an update's own text, where ReadForHub left part of it out.
  static constexpr const char* kUpdateText = "@text";

 private:
  struct Impl;
  // Read's value, or ReadForHub's when `for_hub`.
  std::optional<nlohmann::json> Parse(std::string_view text, bool for_hub);

  std::unique_ptr<Impl> impl_;
};

}  // namespace tgmux::telegram
