#include "store/rekey/sealed_columns.h"

#include <array>

namespace tgmux::store::rekey {
namespace {

constexpr std::array<std::string_view, 1> kById = {"id"};
constexpr std::array<std::string_view, 1> kByKey = {"key"};
constexpr std::array<std::string_view, 2> kByBotAndUser = {"bot_id", "user_id"};
constexpr std::array<std::string_view, 2> kByAccountAndFile = {"account_id", "file_id"};
constexpr std::array<std::string_view, 2> kByDialogAndMessage = {"dialog_id", "message_id"};
constexpr std::array<std::string_view, 2> kByTenantAndSeq = {"tenant_id", "seq"};

// The installation's own keys in meta, wrapped like data keys under these
// associated data (service: phone_digests.h, file_registry.cpp, auth_tokens.cpp,
// cluster/cluster.cpp).
constexpr std::string_view kMetaKeyIds =
    "CASE key WHEN 'jwt_signing_key' THEN 'meta:jwt_signing_key' WHEN 'cluster_key' THEN 'cluster key' ELSE key END";
constexpr std::string_view kMetaKeys =
    "key IN ('phone_digest_key', 'file_id_key', 'jwt_signing_key', 'cluster_key')";

constexpr std::array kColumns = {
    SealedColumn{"meta", "value", kByKey, Sealing::kDataKey, "", kMetaKeyIds, kMetaKeys},
    SealedColumn{"accounts", "wrapped_data_key", kById, Sealing::kDataKey, "", "id"},
    SealedColumn{"webhooks", "secret_sealed", kById, Sealing::kRecord, "webhook", "id"},
    SealedColumn{"bots", "token_sealed", kById, Sealing::kRecord, "bot_token", "id"},
    SealedColumn{"bots", "td_key_sealed", kById, Sealing::kRecord, "bot_td_key", "id"},
    SealedColumn{"bot_conversations", "state_sealed", kByBotAndUser, Sealing::kRecord, "bot_conversation",
                 "bot_id || '/' || user_id"},
    SealedColumn{"watch_messages", "data_sealed", kById, Sealing::kRecord, "watch_message", "id"},
    SealedColumn{"watch_matches", "extra_sealed", kById, Sealing::kRecord, "watch_match", "id"},
    SealedColumn{"files", "file_name", kByAccountAndFile, Sealing::kRecord, "file", "account_id || '/' || file_id"},
    SealedColumn{"dialogs", "meta", kById, Sealing::kRecord, "dialog_meta", "id"},
    SealedColumn{"dialog_messages", "data", kByDialogAndMessage, Sealing::kRecord, "dialog_message",
                 "dialog_id || ':' || message_id"},
    SealedColumn{"events", "data", kByTenantAndSeq, Sealing::kRecord, "event", "id"},
};

constexpr std::array<std::string_view, 7> kOther = {
    "accounts.phone_sealed", "accounts.td_key_sealed", "accounts.proxy_sealed",
    "outbox.recipient",      "outbox.text",            "outbox.media",
    "account_snapshots.sealed",  // under the account's data key, like td_key_sealed
};

}  // namespace

std::span<const SealedColumn> MasterSealedColumns() { return kColumns; }
std::span<const std::string_view> OtherBytesColumns() { return kOther; }

}  // namespace tgmux::store::rekey
