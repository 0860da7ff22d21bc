// Internal data model of the TDLib schema, built from tdlib-types.d.ts.
// Not part of the public API; include "sim/conformance/tdlib_schema.h" instead.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace tgsim::conformance::detail {

// What a JSON value may be. The .d.ts says `number` for int32, int53 and
// double alike; kDouble is refined from numeric_fields.inc.
enum class Kind : std::uint8_t {
  kInteger,  // int32 / int53: a JSON number (input: also a numeric string)
  kDouble,   // a JSON number, any (input: number only)
  kInt64,    // output: a string of digits; input: number or numeric string
  kString,
  kBytes,    // base64 string
  kBool,
  kObject,   // an object whose @type is in type_sets[ref]
  kArray,    // elements of types[ref]
};

struct TypeNode {
  Kind kind = Kind::kString;
  bool nullable = false;  // `X | null`: only array elements are written so
  std::uint32_t ref = 0;  // kObject: index into type_sets; kArray: into types
};

struct Field {
  std::string name;
  std::uint32_t type = 0;  // index into SchemaData::types
  bool optional = false;   // `name?:`: the object may be null, so TDLib omits it
};

// One `{ _: 'name', ... }` block: the output shape, the $Input shape, or a
// function's parameters. Fields keep the declaration (= TL schema) order.
struct Shape {
  std::vector<Field> fields;
  std::unordered_map<std::string, std::uint32_t> index;  // field name -> position
};

struct ClassInfo {
  std::string name;
  std::optional<Shape> output;  // absent for input-only classes
  std::optional<Shape> input;   // `<name>$Input`, absent for output-only classes
};

struct FunctionInfo {
  std::string name;
  Shape params;
  std::uint32_t result = 0;   // index into type_sets, e.g. AuthorizationState
  bool synchronous = false;   // listed in $SyncFunctionName
};

// The classes a field of some declared type may hold. A union (`A = | x | y`)
// is abstract, so its objects must carry @type; a class name or a single-class
// alias is concrete, and input may omit @type there.
struct TypeSet {
  std::string name;
  std::vector<std::uint32_t> members;  // sorted class indices
  bool abstract = false;
};

struct SchemaData {
  std::string version;  // "TDLib v1.8.65"
  std::string commit;   // commit hash from the header comment
  std::vector<TypeNode> types;
  std::vector<TypeSet> type_sets;
  std::vector<ClassInfo> classes;
  std::vector<FunctionInfo> functions;
  std::unordered_map<std::string, std::uint32_t> class_index;
  std::unordered_map<std::string, std::uint32_t> function_index;
  std::unordered_map<std::string, std::uint32_t> type_set_index;  // by declared name

  const TypeNode& Type(std::uint32_t i) const { return types[i]; }
  bool InSet(std::uint32_t set, std::uint32_t class_id) const;
};

}  // namespace tgsim::conformance::detail
