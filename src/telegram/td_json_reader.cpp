#include "telegram/td_json_reader.h"

#include <simdjson.h>

#include <cstdint>
#include <string>
#include <utility>

namespace tgmux::telegram {
namespace {

using nlohmann::json;
using simdjson::dom::element_type;

// Whether the text may hold the integer -0: simdjson reads it as it reads 0,
// which Build makes unsigned, where nlohmann makes it a signed integer. A "-0"
// inside a string counts too; such a text just goes to nlohmann's parser.
bool MayHoldMinusZero(std::string_view text) {
  for (auto at = text.find("-0"); at != std::string_view::npos; at = text.find("-0", at + 2)) {
    const char next = at + 2 < text.size() ? text[at + 2] : ' ';
    if (next != '.' && next != 'e' && next != 'E' && (next < '0' || next > '9')) return true;
  }
  return false;
}

json Build(simdjson::dom::element element);

// The tree of `source`, but its member `left_out` when that is an object (by
// its last value, as in the tree); whether it was left out goes to `was_left_out`.
json BuildObject(simdjson::dom::object source, std::string_view left_out = {}, bool* was_left_out = nullptr) {
  json object(json::value_t::object);
  auto& members = object.get_ref<json::object_t&>();
  bool leaving = false;
  for (auto [key, value] : source) {
    if (!left_out.empty() && key == left_out) {
      leaving = value.type() == element_type::OBJECT;
      if (leaving) {
        members.erase(std::string(key));
        continue;
      }
    }
    // A repeated key keeps its last value, as nlohmann's parser does.
    members.insert_or_assign(std::string(key), Build(value));
  }
  if (was_left_out) *was_left_out = leaving;
  return object;
}

json Build(simdjson::dom::element element) {
  switch (element.type()) {
    case element_type::OBJECT: return BuildObject(simdjson::dom::object(element));
    case element_type::ARRAY: {
      json array(json::value_t::array);
      auto& items = array.get_ref<json::array_t&>();
      simdjson::dom::array source(element);
      items.reserve(source.size());
      for (auto value : source) items.push_back(Build(value));
      return array;
    }
    case element_type::STRING: return json(std::string(std::string_view(element)));
    case element_type::INT64: {
      // nlohmann keeps a number without a sign as unsigned.
      const std::int64_t value = element.get_int64().value_unsafe();
      return value >= 0 ? json(static_cast<std::uint64_t>(value)) : json(value);
    }
    case element_type::UINT64: return json(element.get_uint64().value_unsafe());
    case element_type::DOUBLE: return json(element.get_double().value_unsafe());
    case element_type::BOOL: return json(element.get_bool().value_unsafe());
    case element_type::NULL_VALUE: return json(nullptr);
  }
  return json(nullptr);
}

// The @type of an update (an object without @extra): its last @type when
// that is a string; "" for anything else.
std::string_view UpdateType(simdjson::dom::element root) {
  simdjson::dom::object update;
  if (root.get(update) != simdjson::SUCCESS) return {};
  std::string_view type;
  for (auto [key, value] : update) {
    if (key == "@extra") return {};
    if (key == "@type" && value.get(type) != simdjson::SUCCESS) type = {};
  }
  return type;
}

// updateNewMessage{message:{..., sending_state}}, read without building
// anything. A repeated key counts by its last value, as in the tree.
bool IsOwnSend(simdjson::dom::object update) {
  simdjson::dom::object message;
  bool has_message = false;
  for (auto [key, value] : update) {
    if (key == "message") has_message = value.get(message) == simdjson::SUCCESS;
  }
  if (!has_message) return false;
  for (auto [key, value] : message) {
    if (key == "sending_state") return true;
  }
  return false;
}

// The tree of `update` but an object last_message, with `text` under
// kUpdateText instead when it had one.
json WithoutLastMessage(simdjson::dom::object update, std::string_view text) {
  bool left_out = false;
  json object = BuildObject(update, "last_message", &left_out);
  if (left_out) object[TdJsonReader::kUpdateText] = std::string(text);
  return object;
}

}  // namespace

struct TdJsonReader::Impl {
  simdjson::dom::parser parser;
  std::string padded;  // the text and simdjson's padding after it
};

TdJsonReader::TdJsonReader() : impl_(std::make_unique<Impl>()) {}
TdJsonReader::~TdJsonReader() = default;

json TdJsonReader::Read(std::string_view text) { return *Parse(text, false); }

std::optional<json> TdJsonReader::ReadForHub(std::string_view text) { return Parse(text, true); }

std::optional<json> TdJsonReader::Parse(std::string_view text, bool for_hub) {
  if (MayHoldMinusZero(text)) return json::parse(text, nullptr, false);
  auto& padded = impl_->padded;
  padded.assign(text);
  padded.append(simdjson::SIMDJSON_PADDING, '\0');
  simdjson::dom::element root;
  if (impl_->parser.parse(padded.data(), text.size(), false).get(root) != simdjson::SUCCESS) {
    return json::parse(text, nullptr, false);
  }
  const std::string_view type = for_hub ? UpdateType(root) : std::string_view();
  if (type == "updateNewMessage" && IsOwnSend(simdjson::dom::object(root))) return std::nullopt;
  if (type == "updateChatLastMessage") return WithoutLastMessage(simdjson::dom::object(root), text);
  return Build(root);
}

}  // namespace tgmux::telegram
