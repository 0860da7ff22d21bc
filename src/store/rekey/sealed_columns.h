// Internal to store/: every column that holds values sealed directly by the
// master key (crypto::Envelope's WrapDataKey and SealRecord), and how to tell
// the associated data each value was sealed with, for the master-key rotation.
// Values sealed under an account's data key (its phone, TDLib key, proxy,
// outbox texts) are not here: re-wrapping the data key is enough for them.
#pragma once

#include <span>
#include <string_view>

namespace tgmux::store::rekey {

enum class Sealing {
  kDataKey,  // Envelope::WrapDataKey(key, <id>)
  kRecord,   // Envelope::SealRecord(<kind>, <id>, ...)
};

struct SealedColumn {
  std::string_view table;
  std::string_view column;
  // The row's key: the rotation walks the rows in this order and updates by it.
  std::span<const std::string_view> keys;
  Sealing sealing;
  std::string_view kind;  // kRecord only
  // An SQL expression (both dialects) giving the id the value was sealed
  // with: the account id, the record id.
  std::string_view id_expression;
  // An SQL condition choosing the rows that hold such values ("" for every row).
  std::string_view filter = {};
};

// Every master-sealed column, in the order the rotation re-seals them.
std::span<const SealedColumn> MasterSealedColumns();

// The bytes columns (SQLite BLOB, PostgreSQL bytea) that are sealed under an
// account's data key or hold nothing sealed, as "table.column": with
// MasterSealedColumns they cover every bytes column of the schema
// (sealed_columns_test.cpp), so that a sealed column added later cannot be
// forgotten by the rotation.
std::span<const std::string_view> OtherBytesColumns();

}  // namespace tgmux::store::rekey
