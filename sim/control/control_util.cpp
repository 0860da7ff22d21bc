#include "sim/control/control_util.h"

namespace tgsim {

ControlResponse Reply(int status, const Json& body) { return {status, Dump(body)}; }
ControlResponse NoContent() { return {204, ""}; }

std::string PercentDecode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      out += static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

std::vector<std::string> SplitPath(std::string_view path) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    if (end > start) out.push_back(PercentDecode(path.substr(start, end - start)));
    start = end + 1;
  }
  return out;
}

std::map<std::string, std::string> ParseQuery(std::string_view query) {
  std::map<std::string, std::string> out;
  std::size_t start = 0;
  while (start < query.size()) {
    std::size_t end = query.find('&', start);
    if (end == std::string_view::npos) end = query.size();
    std::string_view item = query.substr(start, end - start);
    std::size_t eq = item.find('=');
    // '+' in a query means a space to browsers, but phones are written "+380…": keep it.
    out[PercentDecode(item.substr(0, eq))] =
        eq == std::string_view::npos ? "" : PercentDecode(item.substr(eq + 1));
    start = end + 1;
  }
  return out;
}

const User& UserByPhone(World& world, const std::string& phone) {
  const User* user = world.cloud().FindByPhone(phone);
  if (user == nullptr) throw ControlError(404, "no user with phone " + phone);
  return *user;
}

std::string RequiredString(const Json& body, const char* field) {
  if (!body.contains(field) || !body[field].is_string() || body[field].get<std::string>().empty()) {
    throw ControlError(400, std::string("field '") + field + "' is required (string)");
  }
  return body[field].get<std::string>();
}

const User& UserByName(World& world, const Json& name) {
  if (!name.is_string()) throw ControlError(400, "a person is a phone or @username string");
  std::string text = name.get<std::string>();
  if (text.empty() || text[0] != '@') return UserByPhone(world, text);
  const User* user = world.cloud().FindByUsername(text.substr(1));
  if (user == nullptr) throw ControlError(404, "no user " + text);
  return *user;
}

std::int64_t GroupByName(World& world, const std::string& name) {
  std::int64_t chat_id = 0;
  if (!name.empty() && name[0] == '@') {
    chat_id = world.cloud().FindGroupByUsername(name.substr(1));
  } else {
    try {
      chat_id = std::stoll(name);
    } catch (const std::exception&) {
      throw ControlError(400, "a chat is a chat_id or @username");
    }
  }
  return world.cloud().FindGroup(chat_id) == nullptr ? 0 : chat_id;
}

std::int64_t ResolveChat(World& world, std::int64_t viewer, const Json& peer) {
  std::int64_t chat_id = 0;
  if (peer.is_number_integer()) {
    chat_id = peer.get<std::int64_t>();
  } else if (peer.is_string()) {
    std::string text = peer.get<std::string>();
    if (const User* user = world.cloud().FindByPhone(text); user && text[0] != '-') {
      chat_id = user->id;
    } else {
      try {
        chat_id = std::stoll(text);
      } catch (const std::exception&) {
        throw ControlError(404, "no user with phone " + text);
      }
    }
  } else {
    throw ControlError(400, "a peer is a phone string or a chat_id number");
  }
  if (!world.cloud().CanAccessChat(viewer, chat_id)) {
    throw ControlError(404, "chat " + std::to_string(chat_id) + " not found for this user");
  }
  return chat_id;
}

}  // namespace tgsim
