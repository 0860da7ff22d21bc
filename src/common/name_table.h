// The one table of names of an enum of states or kinds (like the error codes'
// table in error.cpp): a constexpr std::array of rows, each with a `value` and
// its stable `name` (the one the API, the event log and the store use), and
// whatever else the rows need. Lookups scan the table: the tables are short.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

namespace tgmux {

// The row of a table that holds nothing but names.
template <typename Enum>
struct NameRow {
  Enum value;
  std::string_view name;
};

// The row of `value`; null for a value the table does not hold (only a cast
// can make one).
template <typename Row, std::size_t N>
constexpr const Row* RowIn(const std::array<Row, N>& table, decltype(Row::value) value) {
  for (const auto& row : table) {
    if (row.value == value) return &row;
  }
  return nullptr;
}

// The name of `value`; "unknown" for a value the table does not hold.
template <typename Row, std::size_t N>
constexpr std::string_view NameIn(const std::array<Row, N>& table, decltype(Row::value) value) {
  const Row* row = RowIn(table, value);
  return row ? row->name : "unknown";
}

// The value named `name` (exactly, case included); nullopt for any other name.
template <typename Row, std::size_t N>
constexpr std::optional<decltype(Row::value)> ValueIn(const std::array<Row, N>& table, std::string_view name) {
  for (const auto& row : table) {
    if (row.name == name) return row.value;
  }
  return std::nullopt;
}

}  // namespace tgmux
