// The .d.ts writes int64 output fields as plain `string` and doubles as plain
// `number`; this table, generated from td_api.tl of the same release by
// gen_numeric_fields.py, restores those two facts.
#include <stdexcept>
#include <string>

#include "sim/conformance/schema_builder.h"

namespace tgsim::conformance::detail {
namespace {

enum class NumericKind { kInt64, kDouble };

struct NumericField {
  const char* owner;  // class or function
  const char* field;
  NumericKind kind;
};

constexpr NumericField kNumericFields[] = {
#include "sim/conformance/numeric_fields.inc"
};

// Returns `type` with its scalar leaf (inside any arrays) replaced by `kind`.
std::uint32_t Refine(const SchemaData& data, TypeInterner& interner, std::uint32_t type,
                     NumericKind kind, const std::string& where) {
  TypeNode node = data.types[type];  // a copy: interning may grow the vector
  if (node.kind == Kind::kArray) {
    node.ref = Refine(data, interner, node.ref, kind, where);
    return interner.Intern(node);
  }
  bool compatible = kind == NumericKind::kInt64
                        ? node.kind == Kind::kString || node.kind == Kind::kInt64
                        : node.kind == Kind::kInteger;
  if (!compatible) {
    throw std::runtime_error("numeric_fields.inc: " + where +
                             " is not a string/number field in the .d.ts; regenerate the table");
  }
  node.kind = kind == NumericKind::kInt64 ? Kind::kInt64 : Kind::kDouble;
  return interner.Intern(node);
}

bool RefineShape(SchemaData& data, TypeInterner& interner, Shape& shape, const NumericField& entry) {
  auto it = shape.index.find(entry.field);
  if (it == shape.index.end()) return false;
  Field& field = shape.fields[it->second];
  field.type = Refine(data, interner, field.type, entry.kind,
                      std::string(entry.owner) + "." + entry.field);
  return true;
}

}  // namespace

void ApplyNumericFields(SchemaData& data, TypeInterner& interner) {
  for (const NumericField& entry : kNumericFields) {
    bool found = false;
    if (auto fn = data.function_index.find(entry.owner); fn != data.function_index.end()) {
      found = RefineShape(data, interner, data.functions[fn->second].params, entry);
    } else if (auto cls = data.class_index.find(entry.owner); cls != data.class_index.end()) {
      ClassInfo& info = data.classes[cls->second];
      if (info.output) found = RefineShape(data, interner, *info.output, entry);
      if (info.input) found = RefineShape(data, interner, *info.input, entry) || found;
    }
    if (!found) {
      throw std::runtime_error(std::string("numeric_fields.inc: ") + entry.owner + "." +
                               entry.field + " is not in the .d.ts; regenerate the table");
    }
  }
}

}  // namespace tgsim::conformance::detail
