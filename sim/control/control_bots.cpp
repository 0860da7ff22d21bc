// Control routes for bots: a person writes to a bot, presses its buttons, and reads
// the chat with it as they see it; the bots' flood limits.
#include "sim/control/control_util.h"
#include "sim/tdapi/text.h"

namespace tgsim {
namespace {

const User& BotByUsername(World& world, std::string username) {
  if (!username.empty() && username[0] == '@') username.erase(0, 1);
  const User* bot = world.cloud().FindByUsername(username);
  if (bot == nullptr || !bot->is_bot) throw ControlError(404, "no bot @" + username);
  return *bot;
}

// The person's own number as a contact (keyboardButtonTypeRequestPhoneNumber).
Json OwnContact(const User& person) {
  return {{"@type", "contact"}, {"phone_number", person.phone}, {"first_name", person.first_name},
          {"last_name", person.last_name}, {"vcard", ""}, {"user_id", person.id}};
}

ControlResponse SendToBot(World& world, const User& person, const User& bot, Json text, Json contact,
                          std::int64_t reply_to = 0) {
  MessageMedia extras;
  extras.contact = std::move(contact);
  auto copies = world.cloud().Send(person.id, bot.id, std::move(text), reply_to, world.scheduler().Now(), extras);
  world.DeliverNewMessages(copies, nullptr);
  return Reply(201, {{"chat_id", copies.front().chat_id}, {"message_id", copies.front().message_id}});
}

Json MarkupSummary(const Json& markup) {
  std::string type = markup.value("@type", "");
  if (type == "replyMarkupRemoveKeyboard") return {{"remove", true}};
  if (type == "replyMarkupForceReply") return {{"force_reply", true}};
  Json rows = Json::array();
  for (const auto& row : markup.value("rows", Json::array())) {
    Json out_row = Json::array();
    for (const auto& button : row) {
      Json item = {{"text", button.value("text", "")}};
      const Json& kind = button["type"];
      std::string kind_name = kind.value("@type", "");
      if (kind_name == "inlineKeyboardButtonTypeCallback") {
        std::string data;
        Base64Decode(kind.value("data", ""), data);
        item["data"] = data;
      } else if (kind_name == "inlineKeyboardButtonTypeUrl") {
        item["url"] = kind.value("url", "");
      } else if (kind_name == "keyboardButtonTypeRequestPhoneNumber") {
        item["request_phone"] = true;
      }
      out_row.push_back(item);
    }
    rows.push_back(out_row);
  }
  if (type == "replyMarkupInlineKeyboard") return {{"inline", rows}};
  return {{"keyboard", rows}, {"one_time", markup.value("one_time", false)},
          {"resize", markup.value("resize_keyboard", false)},
          {"placeholder", markup.value("input_field_placeholder", "")}};
}

}  // namespace

ControlResponse BotMessageRoute(World& world, ControlRequest& request) {
  const User& bot = BotByUsername(world, request.params[0]);
  const User& person = UserByPhone(world, RequiredString(request.body, "from"));
  const Json& body = request.body;
  if (body.value("share_phone", false)) return SendToBot(world, person, bot, FormattedText(""), OwnContact(person));
  if (body.contains("contact")) {
    const Json& c = body["contact"];
    if (!c.is_object()) throw ControlError(400, "field 'contact' is an object");
    Json contact = {{"@type", "contact"}, {"phone_number", PhoneDigits(RequiredString(c, "phone_number"))},
                    {"first_name", RequiredString(c, "first_name")}, {"last_name", c.value("last_name", "")},
                    {"vcard", c.value("vcard", "")}, {"user_id", c.value("user_id", std::int64_t{0})}};
    return SendToBot(world, person, bot, FormattedText(""), contact);
  }
  return SendToBot(world, person, bot, FormattedText(RequiredString(body, "text")), Json(),
                   body.value("reply_to_message_id", std::int64_t{0}));
}

// Presses the button with that text on the newest bot message that has one.
ControlResponse BotPressRoute(World& world, ControlRequest& request) {
  const User& bot = BotByUsername(world, request.params[0]);
  const User& person = UserByPhone(world, RequiredString(request.body, "from"));
  std::string text = RequiredString(request.body, "text");
  Dialog* dialog = world.cloud().FindDialog(person.id, bot.id);
  if (dialog == nullptr) throw ControlError(404, "no chat with the bot");
  for (auto it = dialog->messages.rbegin(); it != dialog->messages.rend(); ++it) {
    const StoredMessage& message = it->second;
    if (message.outgoing || message.reply_markup.is_null()) continue;
    for (const auto& row : message.reply_markup.value("rows", Json::array())) {
      for (const auto& button : row) {
        if (button.value("text", "") != text) continue;
        const Json& kind = button["type"];
        std::string kind_name = kind.value("@type", "");
        if (kind_name == "inlineKeyboardButtonTypeUrl") return Reply(200, {{"url", kind.value("url", "")}});
        if (kind_name == "keyboardButtonTypeRequestPhoneNumber") {
          return SendToBot(world, person, bot, FormattedText(""), OwnContact(person));
        }
        if (kind_name == "keyboardButtonTypeText") return SendToBot(world, person, bot, FormattedText(text), Json());
        CallbackQuery query;
        query.bot_id = bot.id;
        query.user_id = person.id;
        for (const auto& copy : world.cloud().CopiesOf(person.id, bot.id, it->first)) {
          if (copy.user_id == bot.id) query.bot_chat_id = copy.chat_id, query.bot_message_id = copy.message_id;
        }
        Base64Decode(kind.value("data", ""), query.data);
        const CallbackQuery& added = world.cloud().AddCallbackQuery(query);
        world.DeliverCallbackQuery(added);
        return Reply(201, {{"callback_query_id", std::to_string(added.id)}});
      }
    }
  }
  throw ControlError(404, "no button '" + text + "' in the chat");
}

// The bot's answer to a pressed button, as the person's app would show it.
ControlResponse CallbackAnswerRoute(World& world, ControlRequest& request) {
  std::int64_t id = 0;
  try {
    id = std::stoll(request.params[1]);
  } catch (const std::exception&) {
    throw ControlError(400, "bad callback query id");
  }
  const CallbackQuery* query = world.cloud().FindCallbackQuery(id);
  if (query == nullptr || query->bot_id != BotByUsername(world, request.params[0]).id) {
    throw ControlError(404, "no such callback query");
  }
  if (!query->answered) return Reply(200, {{"answered", false}});
  return Reply(200, {{"answered", true}, {"text", query->answer_text}, {"url", query->answer_url},
                     {"show_alert", query->show_alert}});
}

ControlResponse BotChatRoute(World& world, ControlRequest& request) {
  const User& bot = BotByUsername(world, request.params[0]);
  auto with = request.query.find("with");
  if (with == request.query.end()) throw ControlError(400, "query parameter 'with' is required");
  const User& person = UserByPhone(world, with->second);
  // The live messages and the deleted ones (marked), oldest first.
  std::map<std::int64_t, std::pair<const StoredMessage*, bool>> all;
  if (const Dialog* dialog = world.cloud().FindDialog(person.id, bot.id)) {
    for (const auto& [id, message] : dialog->messages) all[id] = {&message, false};
  }
  if (const auto* deleted = world.cloud().DeletedIn(person.id, bot.id)) {
    for (const auto& [id, message] : *deleted) all[id] = {&message, true};
  }
  Json messages = Json::array();
  for (const auto& [id, entry] : all) {
    const StoredMessage& message = *entry.first;
    Json item = {{"message_id", id}, {"from_bot", !message.outgoing}, {"text", message.text.value("text", "")}};
    if (auto e = message.text.find("entities"); e != message.text.end() && !e->empty()) item["entities"] = *e;
    if (message.media) item["media"] = MediaSummary(world.cloud(), *message.media);
    if (!message.contact.is_null()) item["contact"] = message.contact;
    if (!message.reply_markup.is_null()) item["reply_markup"] = MarkupSummary(message.reply_markup);
    if (message.edit_date != 0) item["edit_date"] = message.edit_date;
    if (entry.second) item["deleted"] = true;
    messages.push_back(item);
  }
  return Reply(200, {{"messages", messages}});
}

// @BotFather's /revoke: a new token, and every session of the bot ends as a revoked
// user's does (AUTH_KEY_UNREGISTERED: its TDLib clients log out and close).
ControlResponse BotRevokeRoute(World& world, ControlRequest& request) {
  std::int64_t bot_id = BotByUsername(world, request.params[0]).id;
  std::string token = world.cloud().RevokeBotToken(bot_id);
  world.RevokeUser(bot_id);
  return Reply(200, {{"token", token}});
}

// The bot's command menu as people see it (the default scope, no language).
ControlResponse BotCommandsRoute(World& world, ControlRequest& request) {
  const User& bot = BotByUsername(world, request.params[0]);
  Json commands = Json::array();
  for (const auto& c : world.cloud().BotCommandsOf(bot.id, "botCommandScopeDefault|")) {
    commands.push_back({{"command", c.value("command", "")}, {"description", c.value("description", "")}});
  }
  return Reply(200, {{"commands", commands}});
}

ControlResponse LimitsRoute(World& world, ControlRequest& request) {
  BotLimits limits = world.cloud().bot_limits();
  const Json& body = request.body;
  auto take = [&body](const char* field, double& value) {
    if (!body.contains(field)) return;
    if (!body[field].is_number() || body[field].get<double>() < 0) {
      throw ControlError(400, std::string("field '") + field + "' is a number >= 0 (0: no limit)");
    }
    value = body[field].get<double>();
  };
  take("bot_per_second", limits.per_second);
  take("bot_per_chat_per_second", limits.per_chat_per_second);
  take("bot_per_chat_burst", limits.per_chat_burst);
  take("bot_group_per_minute", limits.group_per_minute);
  world.cloud().SetBotLimits(limits);
  return Reply(200, {{"bot_per_second", limits.per_second}, {"bot_per_chat_per_second", limits.per_chat_per_second},
                     {"bot_per_chat_burst", limits.per_chat_burst}, {"bot_group_per_minute", limits.group_per_minute},
                     {"bot_flood_waits", world.cloud().bot_flood_waits()}});
}

}  // namespace tgsim
