// Turns the raw .d.ts records into the validator's SchemaData.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "sim/conformance/dts_reader.h"
#include "sim/conformance/schema_model.h"

namespace tgsim::conformance::detail {

// Gives equal TypeNodes one index, so that types stay small and shared.
class TypeInterner {
 public:
  explicit TypeInterner(std::vector<TypeNode>& types) : types_(types) {}
  std::uint32_t Intern(TypeNode node);

 private:
  std::vector<TypeNode>& types_;
  std::unordered_map<std::uint64_t, std::uint32_t> index_;
};

// Throws std::runtime_error when a type cannot be resolved.
SchemaData BuildSchema(const RawDts& dts);

// Marks the int64 and double fields listed in numeric_fields.inc. Throws if
// the table names a field the .d.ts lacks or types differently (the table
// and the .d.ts come from different releases).
void ApplyNumericFields(SchemaData& data, TypeInterner& interner);

}  // namespace tgsim::conformance::detail
