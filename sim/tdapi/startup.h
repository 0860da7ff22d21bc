#pragma once
// What TDLib 1.8.65 emits around a successful setTdlibParameters (tdlib-facts §4.1),
// captured offline from the pinned library.
#include <vector>

#include "sim/tdapi/json.h"

namespace tgsim {

// The updateOption objects that follow updateOption unix_time, in order.
const std::vector<Json>& StartupOptions();
// After the authorization state: updateGroupCallMessageLevels, ok (the response to
// setTdlibParameters), updateDefaultBackground ×2, updateFileDownloads.
const std::vector<Json>& StartupTrailer();

}  // namespace tgsim
