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

json Build(simdjson::dom::element element) {
  switch (element.type()) {
    case element_type::OBJECT: {
      json object(json::value_t::object);
      auto& members = object.get_ref<json::object_t&>();
      for (auto [key, value] : simdjson::dom::object(element)) {
        // A repeated key keeps its last value, as nlohmann's parser does.
        members.insert_or_assign(std::string(key), Build(value));
      }
      return object;
    }
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

// An update (no @extra) updateNewMessage{message:{..., sending_state}}, read
// without building anything. A repeated key counts by its last value, as in
// the tree.
bool IsOwnSend(simdjson::dom::element root) {
  simdjson::dom::object update;
  if (root.get(update) != simdjson::SUCCESS) return false;
  std::string_view type;
  simdjson::dom::object message;
  bool has_message = false;
  for (auto [key, value] : update) {
    if (key == "@extra") return false;
    if (key == "@type" && value.get(type) != simdjson::SUCCESS) type = {};
    if (key == "message") has_message = value.get(message) == simdjson::SUCCESS;
  }
  if (type != "updateNewMessage" || !has_message) return false;
  for (auto [key, value] : message) {
    if (key == "sending_state") return true;
  }
  return false;
}

}  // namespace

struct TdJsonReader::Impl {
  simdjson::dom::parser parser;
  std::string padded;  // the text and simdjson's padding after it
};

TdJsonReader::TdJsonReader() : impl_(std::make_unique<Impl>()) {}
TdJsonReader::~TdJsonReader() = default;

json TdJsonReader::Read(std::string_view text) { return *Parse(text, false); }

std::optional<json> TdJsonReader::ReadUnlessOwnSend(std::string_view text) { return Parse(text, true); }

std::optional<json> TdJsonReader::Parse(std::string_view text, bool unless_own_send) {
  if (MayHoldMinusZero(text)) return json::parse(text, nullptr, false);
  auto& padded = impl_->padded;
  padded.assign(text);
  padded.append(simdjson::SIMDJSON_PADDING, '\0');
  simdjson::dom::element root;
  if (impl_->parser.parse(padded.data(), text.size(), false).get(root) == simdjson::SUCCESS) {
    if (unless_own_send && IsOwnSend(root)) return std::nullopt;
    return Build(root);
  }
  return json::parse(text, nullptr, false);
}

}  // namespace tgmux::telegram
