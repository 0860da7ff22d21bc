// TDLib errors ({code, message} from an `error` object) as tgmux errors.
#pragma once

#include <string_view>

#include "common/error.h"

namespace tgmux::telegram {

// Maps one TDLib error through the single table in error_map.cpp. The result's
// message is safe to show to API clients: Telegram's own text only for
// unrecognised errors (kTelegramError, "Telegram error 400: MESSAGE_EMPTY"),
// never for code 406 (td_api.tl: such messages must not be shown), never local
// paths. Flood waits ("Too Many Requests: retry after N", "FLOOD_WAIT_N") carry
// retry_after = N.
//
// Decisions worth knowing:
// - 500 "Request aborted" (the client was closed or is closing while the request
//   was pending, or it was sent after close) -> account_not_ready: Telegram was
//   not unreachable; this account's client went away, and retrying elsewhere or
//   after a restart may work.
// - 401 "Wrong database encryption key" -> internal ("key mismatch"): our stored
//   key does not open the account's database; nothing the caller can fix.
// - any other 401 ("Unauthorized": not logged in, logging out) -> account_not_ready.
//
// Errors that say something about the account itself, not only the request,
// carry it as the detail "account_status" ("limited": PEER_FLOOD, Telegram's
// spam limit; "banned": USER_DEACTIVATED_BAN, PHONE_NUMBER_BANNED), which
// AccountVerdictOf reads back.
Error MapTdError(int code, std::string_view message);

// What an error tells about the account that met it.
enum class AccountVerdict { kNone, kLimited, kBanned };
AccountVerdict AccountVerdictOf(const Error& error);

}  // namespace tgmux::telegram
