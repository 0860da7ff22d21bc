// TDLib JSON -> the adapter's typed values (src/telegram/td_parse.h,
// message_parse.h, media_json.h) and TDLib errors -> tgmux errors
// (error_map.h). The input is parsed as JSON (what does not parse is not
// TDLib's) and every parser reads it and each object nested in it.
//
// What counts as a bug: a crash or a sanitizer report. A nlohmann type_error on
// a field of another type is not: the client hub catches what an update or
// result handler throws (telegram/client_hub.cpp) and logs it.
#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>

#include "fuzz/check.h"
#include "telegram/error_map.h"
#include "telegram/media_json.h"
#include "telegram/message_parse.h"
#include "telegram/td_json_reader.h"
#include "telegram/td_parse.h"

namespace {

using nlohmann::json;
using namespace tgmux::telegram;

void CheckFormattedText(const FormattedText& text) {
  // FormattedTextJson is what goes back to TDLib: it must always be JSON we can write.
  (void)FormattedTextJson(text).dump(-1, ' ', false, json::error_handler_t::replace);
}

void ParseAll(const json& value) {
  try {
    if (auto message = ParseMessage(value)) {
      CheckFormattedText(message->text);
      if (message->media) (void)MediaKindName(message->media->kind);
    }
    if (auto chat = ParseChat(value)) (void)ChatTypeName(chat->type);
    CheckFormattedText(ParseFormattedText(value));
    if (value.is_object()) {
      (void)ParseAuthState(value);
      (void)ParseConnectionState(value);
      (void)ParseMe(value);
      (void)MainListOrder(value);
      (void)IntField(value, "id");
      if (auto media = ParseMediaContent(value)) (void)FileTypeOf(media->kind);
      CheckFormattedText(MediaCaption(value));
      auto type = value.find("@type");
      if (type != value.end() && type->is_string()) {
        const auto& name = type->get_ref<const std::string&>();
        (void)ParseAuthKind(name);
        (void)TdTypeFromSnake("textEntityType", SnakeSuffix(name, "textEntityType"));
      }
      auto code = value.find("code");
      auto text = value.find("message");
      if (code != value.end() && code->is_number_integer() && text != value.end() && text->is_string()) {
        auto error = MapTdError(static_cast<int>(code->get<std::int64_t>()), text->get<std::string>());
        (void)AccountVerdictOf(error);
      }
    }
  } catch (const json::type_error&) {
  }
}

void Walk(const json& value, int depth) {
  ParseAll(value);
  if (depth > 8 || !value.is_structured()) return;
  for (const auto& item : value) Walk(item, depth + 1);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  // Any error text, with a code taken from the first byte: the table's matching of messages.
  if (!input.empty()) {
    int code = static_cast<unsigned char>(input.front()) * 4 - 100;
    auto error = MapTdError(code, input.substr(1));
    (void)AccountVerdictOf(error);
    (void)error.what();
  }
  (void)Utf16Length(input);
  json value = json::parse(input, nullptr, false);
  static TdJsonReader reader;
  json read = reader.Read(input);
  FUZZ_CHECK(read.is_discarded() == value.is_discarded());
  if (value.is_discarded()) return 0;
  FUZZ_CHECK(read == value && read.dump() == value.dump());
  // Left out only when the tree says so: an update (no @extra) updateNewMessage
  // whose message has a sending_state; an update updateChatLastMessage whose
  // last_message is an object comes without it and with its text; anything
  // else is read as Read reads it.
  auto for_hub = reader.ReadForHub(input);
  const bool update = value.is_object() && !value.contains("@extra");
  const json type = update ? value.value("@type", json()) : json();
  const bool own_send = update && value.contains("message") && value["message"].is_object() &&
                        value["message"].contains("sending_state") && type == "updateNewMessage";
  json expected = value;
  if (update && type == "updateChatLastMessage" && value.contains("last_message") && value["last_message"].is_object()) {
    expected.erase("last_message");
    expected[TdJsonReader::kUpdateText] = std::string(input);
  }
  if (for_hub) {
    FUZZ_CHECK(*for_hub == expected && for_hub->dump() == expected.dump());
  } else {
    FUZZ_CHECK(own_send);
  }
  Walk(value, 0);
  return 0;
}
