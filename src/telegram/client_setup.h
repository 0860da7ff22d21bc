// What every TDLib client of tgmux is started with: the memory-saving options,
// then setTdlibParameters with the lightest database settings that keep the
// session. AccountClient::Start sends these; bench/tdlib_bare starts its bare
// TDLib clients with the very same requests, so that gateway_footprint
// compares like with like.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "telegram/types.h"

namespace tgmux::telegram {

// setOption requests (boolean true), in the order they are sent: each is
// settable in WaitTdlibParameters and kept through init (tdlib-facts §8.3).
std::vector<nlohmann::json> MemoryOptionRequests();

// setTdlibParameters for a client whose database lives in `directory`,
// encrypted with the 32-byte `key` (raw bytes, sent as base64).
nlohmann::json TdlibParametersRequest(const std::string& directory, const std::string& key,
                                      const TdParameters& params);

}  // namespace tgmux::telegram
