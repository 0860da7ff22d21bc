#include "sim/conformance/json_walker.h"

#include <type_traits>

#include "sim/conformance/scalar_checks.h"

namespace tgsim::conformance::detail {
namespace {

constexpr std::string_view kType = "@type";
constexpr std::string_view kExtra = "@extra";
constexpr std::string_view kClientId = "@client_id";

template <class Json>
class Walker {
 public:
  Walker(const SchemaData& data, Mode mode, std::vector<std::string>& out)
      : data_(data), mode_(mode), out_(out) {}

  void Root(const Json& value);

 private:
  static constexpr bool kOrdered = std::is_same_v<Json, nlohmann::ordered_json>;

  // Progress through one object's keys, for the order checks.
  struct KeyOrder {
    std::size_t position = 0;       // of the current key
    std::uint32_t last_field = 0;   // schema position of the previous field + 1
    bool saw_extra = false;
    bool saw_client_id = false;
  };

  void Object(const Json& value, std::uint32_t set);
  const Shape* ShapeOf(const ClassInfo& info);
  void Fields(const Json& value, const Shape& shape, bool top);
  void Field(const Shape& shape, const std::string& key, const Json& value, KeyOrder& order,
             std::vector<char>& seen);
  void Meta(const std::string& key, const Json& value, bool top, KeyOrder& order);
  void Value(std::uint32_t type, const Json& value);
  void Report(std::string_view message);

  const SchemaData& data_;
  Mode mode_;
  std::vector<std::string>& out_;
  std::string path_;
};

template <class Json>
void Walker<Json>::Root(const Json& value) {
  if (!value.is_object()) return Report("expected a JSON object");
  auto type = value.find(kType);
  if (type == value.end() || !type->is_string()) return Report("@type: missing or not a string");
  const auto& name = type->template get_ref<const std::string&>();
  path_ = name;
  if (mode_ == Mode::kInput) {
    auto fn = data_.function_index.find(name);
    if (fn != data_.function_index.end()) return Fields(value, data_.functions[fn->second].params, true);
    path_.clear();
    return Report("@type: unknown method \"" + name + "\"");
  }
  auto cls = data_.class_index.find(name);
  if (cls == data_.class_index.end()) {
    path_.clear();
    return Report("@type: \"" + name + "\" is not a class TDLib emits");
  }
  if (const Shape* shape = ShapeOf(data_.classes[cls->second])) Fields(value, *shape, true);
}

template <class Json>
void Walker<Json>::Object(const Json& value, std::uint32_t set) {
  if (!value.is_object()) return Report(std::string("expected object, got ") + value.type_name());
  const TypeSet& allowed = data_.type_sets[set];
  auto type = value.find(kType);
  std::uint32_t class_id = allowed.members.front();
  if (type == value.end()) {
    // TDLib always writes @type; its parser needs it only where a union is declared.
    if (mode_ == Mode::kOutput || allowed.abstract) return Report("missing @type");
  } else {
    if (!type->is_string()) return Report("@type: expected string");
    const auto& name = type->template get_ref<const std::string&>();
    auto cls = data_.class_index.find(name);
    if (cls == data_.class_index.end()) return Report("unknown class \"" + name + "\"");
    if (!data_.InSet(set, cls->second)) {
      return Report("class " + name + " is not a " + allowed.name);
    }
    class_id = cls->second;
  }
  if (const Shape* shape = ShapeOf(data_.classes[class_id])) Fields(value, *shape, false);
}

template <class Json>
const Shape* Walker<Json>::ShapeOf(const ClassInfo& info) {
  const auto& shape = mode_ == Mode::kOutput ? info.output : info.input;
  if (!shape) {
    Report("class " + info.name +
           (mode_ == Mode::kOutput ? " is input-only; TDLib never emits it"
                                   : " is output-only; TDLib does not accept it"));
    return nullptr;
  }
  return &*shape;
}

template <class Json>
void Walker<Json>::Fields(const Json& value, const Shape& shape, bool top) {
  KeyOrder order;
  std::vector<char> seen(shape.fields.size(), 0);
  for (auto it = value.begin(); it != value.end(); ++it, ++order.position) {
    const std::string& key = it.key();
    if (!key.empty() && key.front() == '@') {
      Meta(key, it.value(), top, order);
    } else {
      Field(shape, key, it.value(), order, seen);
    }
  }
  if (mode_ == Mode::kInput) return;  // missing fields take default values
  for (std::size_t i = 0; i < shape.fields.size(); ++i) {
    if (!seen[i] && !shape.fields[i].optional) {
      std::size_t size = path_.size();
      path_ += '.' + shape.fields[i].name;
      Report("missing required field");
      path_.resize(size);
    }
  }
}

template <class Json>
void Walker<Json>::Field(const Shape& shape, const std::string& key, const Json& value,
                         KeyOrder& order, std::vector<char>& seen) {
  std::size_t size = path_.size();
  path_ += '.';
  path_ += key;
  auto it = shape.index.find(key);
  if (it == shape.index.end()) {
    Report("unknown field");
  } else {
    if constexpr (kOrdered) {
      if (order.saw_extra || order.saw_client_id) Report("schema field after @extra/@client_id");
      if (it->second + 1 < order.last_field) {
        Report("field out of schema order (TDLib writes it before " +
               shape.fields[order.last_field - 1].name + ")");
      }
      order.last_field = it->second + 1;
    }
    seen[it->second] = 1;
    Value(shape.fields[it->second].type, value);
  }
  path_.resize(size);
}

template <class Json>
void Walker<Json>::Meta(const std::string& key, const Json& value, bool top, KeyOrder& order) {
  if (key == kType) {
    if (kOrdered && order.position != 0) Report("@type is not the first key");
    return;
  }
  bool is_extra = key == kExtra;
  bool is_client_id = key == kClientId && mode_ == Mode::kOutput;
  if (!top || (!is_extra && !is_client_id)) {
    return Report(key + ": not allowed here" + (top ? "" : " (only at top level)"));
  }
  if (is_client_id && !value.is_number_integer()) Report("@client_id: expected integer number");
  if (kOrdered && is_extra && order.saw_client_id) Report("@extra after @client_id");
  order.saw_extra = order.saw_extra || is_extra;
  order.saw_client_id = order.saw_client_id || is_client_id;
}

template <class Json>
void Walker<Json>::Value(std::uint32_t type, const Json& value) {
  const TypeNode& node = data_.Type(type);
  if (value.is_null()) {
    // TDLib omits null objects; only "X | null" vector elements are written as null.
    if (mode_ == Mode::kOutput && !node.nullable) Report("null value (TDLib omits null fields)");
    return;
  }
  if (node.kind == Kind::kObject) return Object(value, node.ref);
  if (node.kind == Kind::kArray) {
    if (!value.is_array()) return Report(std::string("expected array, got ") + value.type_name());
    std::size_t size = path_.size();
    for (std::size_t i = 0; i < value.size(); ++i) {
      path_ += '[' + std::to_string(i) + ']';
      Value(node.ref, value[i]);
      path_.resize(size);
    }
    return;
  }
  if (const char* expected = CheckScalar(node.kind, mode_, value)) {
    bool integral = node.kind == Kind::kInteger || node.kind == Kind::kInt64;
    std::string got = integral && value.is_number_float() ? "non-integer number" : value.type_name();
    Report(std::string("expected ") + expected + ", got " + got);
  }
}

template <class Json>
void Walker<Json>::Report(std::string_view message) {
  std::string line = path_.empty() ? "$" : path_;
  line += ": ";
  line += message;
  out_.push_back(std::move(line));
}

}  // namespace

template <class Json>
void WalkRoot(const SchemaData& data, Mode mode, const Json& value, std::vector<std::string>& out) {
  Walker<Json>(data, mode, out).Root(value);
}

template void WalkRoot(const SchemaData&, Mode, const nlohmann::json&, std::vector<std::string>&);
template void WalkRoot(const SchemaData&, Mode, const nlohmann::ordered_json&,
                       std::vector<std::string>&);

}  // namespace tgsim::conformance::detail
