#include "sim/tdapi/json.h"

namespace tgsim {

std::string Dump(const Json& value) {
  return value.dump(-1, ' ', /*ensure_ascii=*/true, Json::error_handler_t::replace);
}

Json MakeError(int code, std::string_view message) {
  Json error;
  error["@type"] = "error";
  error["code"] = code;
  error["message"] = std::string(message);
  return error;
}

std::string Envelope(const Json& object, const std::optional<Json>& extra, int client_id) {
  std::string out = Dump(object);
  // Splice the envelope fields in before the closing brace: cheaper than copying the object.
  if (out.size() < 2 || out.back() != '}') return out;
  out.pop_back();
  if (extra) {
    out += ",\"@extra\":";
    out += Dump(*extra);
  }
  if (client_id != 0) {
    out += ",\"@client_id\":";
    out += std::to_string(client_id);
  }
  out += '}';
  return out;
}

}  // namespace tgsim
