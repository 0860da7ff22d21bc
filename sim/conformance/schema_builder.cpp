#include "sim/conformance/schema_builder.h"

#include <algorithm>
#include <stdexcept>
#include <string_view>

namespace tgsim::conformance::detail {
namespace {

constexpr std::string_view kInputSuffix = "$Input";

std::string StripInput(std::string_view name) {
  if (name.ends_with(kInputSuffix)) name.remove_suffix(kInputSuffix.size());
  return std::string(name);
}

[[noreturn]] void Fail(const std::string& what) {
  throw std::runtime_error("tdlib-types.d.ts: " + what);
}

class Builder {
 public:
  explicit Builder(const RawDts& dts) : dts_(dts), interner_(data_.types) {}
  SchemaData Build();

 private:
  void ReadHeader();
  void RegisterNames();
  void BuildShapes();
  Shape MakeShape(const RawBlock& block);
  std::uint32_t ParseType(std::string_view text);
  std::uint32_t ParseAlternatives(std::string_view text);
  std::uint32_t ResolveSet(const std::string& name, int depth = 0);

  const RawDts& dts_;
  SchemaData data_;
  TypeInterner interner_;
};

SchemaData Builder::Build() {
  ReadHeader();
  RegisterNames();
  BuildShapes();
  for (const auto& name : dts_.sync_functions) {
    auto it = data_.function_index.find(name);
    if (it == data_.function_index.end()) Fail("unknown synchronous function " + name);
    data_.functions[it->second].synchronous = true;
  }
  ApplyNumericFields(data_, interner_);
  return std::move(data_);
}

void Builder::ReadHeader() {
  constexpr std::string_view kPrefix = "// Types for ";
  std::string_view header = dts_.header;
  std::size_t paren = header.find(" (");
  if (!header.starts_with(kPrefix) || paren == std::string_view::npos || !header.ends_with(")")) {
    Fail("first line is not \"// Types for TDLib vX.Y.Z (<commit>)\"");
  }
  data_.version = std::string(header.substr(kPrefix.size(), paren - kPrefix.size()));
  data_.commit = std::string(header.substr(paren + 2, header.size() - paren - 3));
}

void Builder::RegisterNames() {
  std::unordered_map<std::string, std::string> results(dts_.results.begin(), dts_.results.end());
  for (const RawBlock& block : dts_.blocks) {
    bool is_input = block.name.ends_with(kInputSuffix);
    if (!is_input && block.readonly_tag) {
      if (!results.contains(block.name)) Fail("function " + block.name + " has no result type");
      auto id = static_cast<std::uint32_t>(data_.functions.size());
      if (!data_.function_index.emplace(block.name, id).second) Fail("duplicate " + block.name);
      data_.functions.push_back(FunctionInfo{block.name, {}, 0, false});
      continue;
    }
    std::string name = StripInput(block.name);
    auto id = static_cast<std::uint32_t>(data_.classes.size());
    if (data_.class_index.emplace(name, id).second) data_.classes.push_back(ClassInfo{name, {}, {}});
  }
  if (data_.function_index.size() != results.size()) {
    Fail("$FunctionResultByName and the function declarations disagree");
  }
}

void Builder::BuildShapes() {
  for (const RawBlock& block : dts_.blocks) {
    Shape shape = MakeShape(block);
    if (auto fn = data_.function_index.find(block.name); fn != data_.function_index.end()) {
      data_.functions[fn->second].params = std::move(shape);
      continue;
    }
    ClassInfo& info = data_.classes[data_.class_index.at(StripInput(block.name))];
    auto& slot = block.name.ends_with(kInputSuffix) ? info.input : info.output;
    if (slot) Fail("duplicate declaration of " + block.name);
    slot = std::move(shape);
  }
  for (const auto& [function, result] : dts_.results) {
    data_.functions[data_.function_index.at(function)].result = ResolveSet(result);
  }
}

Shape Builder::MakeShape(const RawBlock& block) {
  Shape shape;
  for (const RawField& raw : block.fields) {
    auto position = static_cast<std::uint32_t>(shape.fields.size());
    if (!shape.index.emplace(raw.name, position).second) {
      Fail("duplicate field " + block.name + "." + raw.name);
    }
    shape.fields.push_back(Field{raw.name, ParseType(raw.type), raw.optional});
  }
  return shape;
}

std::uint32_t Builder::ParseType(std::string_view text) {
  for (std::string_view prefix : {"Array<", "ReadonlyArray<"}) {
    if (text.starts_with(prefix) && text.ends_with(">")) {
      std::uint32_t element = ParseType(text.substr(prefix.size(), text.size() - prefix.size() - 1));
      return interner_.Intern(TypeNode{Kind::kArray, false, element});
    }
  }
  if (text.find('<') != std::string_view::npos) Fail("unsupported type " + std::string(text));
  return ParseAlternatives(text);
}

// `number`, `string /* base64 */`, `number | string` (input int64),
// `message | null` (nullable element), a class or union name.
std::uint32_t Builder::ParseAlternatives(std::string_view text) {
  bool nullable = false;
  std::vector<std::string_view> parts;
  for (std::size_t pos = 0;;) {
    std::size_t bar = text.find(" | ", pos);
    std::string_view part = text.substr(pos, bar == std::string_view::npos ? bar : bar - pos);
    if (part == "null") {
      nullable = true;
    } else {
      parts.push_back(part);
    }
    if (bar == std::string_view::npos) break;
    pos = bar + 3;
  }
  TypeNode node{Kind::kString, nullable, 0};
  if (parts.size() == 2 && parts[0] == "number" && parts[1] == "string") {
    node.kind = Kind::kInt64;
  } else if (parts.size() != 1) {
    Fail("unsupported type " + std::string(text));
  } else if (parts[0] == "number") {
    node.kind = Kind::kInteger;
  } else if (parts[0] == "string /* base64 */") {
    node.kind = Kind::kBytes;
  } else if (parts[0] == "boolean") {
    node.kind = Kind::kBool;
  } else if (parts[0] != "string") {
    node.kind = Kind::kObject;
    node.ref = ResolveSet(std::string(parts[0]));
  }
  return interner_.Intern(node);
}

std::uint32_t Builder::ResolveSet(const std::string& name, int depth) {
  if (auto it = data_.type_set_index.find(name); it != data_.type_set_index.end()) return it->second;
  if (depth > 8) Fail("alias cycle at " + name);
  if (auto alias = dts_.aliases.find(name); alias != dts_.aliases.end()) {
    std::uint32_t target = ResolveSet(alias->second, depth + 1);
    data_.type_set_index.emplace(name, target);
    return target;
  }
  TypeSet set{name, {}, false};
  if (auto cls = data_.class_index.find(StripInput(name)); cls != data_.class_index.end()) {
    set.members.push_back(cls->second);
  } else if (auto members = dts_.unions.find(name); members != dts_.unions.end()) {
    set.abstract = true;
    for (const std::string& member : members->second) {
      auto it = data_.class_index.find(StripInput(member));
      if (it == data_.class_index.end()) Fail("union " + name + " names unknown class " + member);
      set.members.push_back(it->second);
    }
    std::sort(set.members.begin(), set.members.end());
  } else {
    Fail("unknown type " + name);
  }
  auto id = static_cast<std::uint32_t>(data_.type_sets.size());
  data_.type_sets.push_back(std::move(set));
  data_.type_set_index.emplace(name, id);
  return id;
}

}  // namespace

std::uint32_t TypeInterner::Intern(TypeNode node) {
  std::uint64_t key = (std::uint64_t{node.ref} << 16) | (std::uint64_t{node.nullable} << 8) |
                      static_cast<std::uint64_t>(node.kind);
  auto [it, inserted] = index_.emplace(key, static_cast<std::uint32_t>(types_.size()));
  if (inserted) types_.push_back(node);
  return it->second;
}

bool SchemaData::InSet(std::uint32_t set, std::uint32_t class_id) const {
  const auto& members = type_sets[set].members;
  return std::binary_search(members.begin(), members.end(), class_id);
}

SchemaData BuildSchema(const RawDts& dts) { return Builder(dts).Build(); }

}  // namespace tgsim::conformance::detail
