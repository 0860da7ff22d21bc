#include "telegram/client_setup.h"

#include <array>

#include "telegram/encoding.h"

namespace tgmux::telegram {

using nlohmann::json;

std::vector<json> MemoryOptionRequests() {
  // Memory savers (tdlib-facts §8.3). All are settable in WaitTdlibParameters,
  // answered at once there and kept through init, so setting them before the
  // parameters makes them apply from the start.
  static constexpr std::array<const char*, 5> kNames = {
      "ignore_background_updates",  // effective because every database is off
      "disable_network_statistics",
      "disable_persistent_network_statistics",
      "disable_top_chats",
      "ignore_inline_thumbnails",
  };
  std::vector<json> requests;
  for (const char* name : kNames) {
    requests.push_back({{"@type", "setOption"},
                        {"name", name},
                        {"value", {{"@type", "optionValueBoolean"}, {"value", true}}}});
  }
  return requests;
}

json TdlibParametersRequest(const std::string& directory, const std::string& key, const TdParameters& params) {
  // The lightest settings that keep the session: it lives in td.binlog, which
  // TDLib always writes; the SQLite databases would only cache chats/messages.
  return {{"@type", "setTdlibParameters"},
          {"use_test_dc", params.use_test_dc},
          {"database_directory", directory},
          {"files_directory", ""},
          {"database_encryption_key", EncodeBase64(key)},
          {"use_file_database", false},
          {"use_chat_info_database", false},
          {"use_message_database", false},
          {"use_secret_chats", false},
          {"api_id", params.api_id},
          {"api_hash", params.api_hash},
          {"system_language_code", params.system_language_code},
          {"device_model", params.device_model},
          {"system_version", params.system_version},
          {"application_version", params.application_version}};
}

}  // namespace tgmux::telegram
