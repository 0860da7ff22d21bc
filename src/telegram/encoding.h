// Encoding checks and conversions for what goes into TDLib requests.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace tgmux::telegram {

// Strict UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF.
bool IsValidUtf8(std::string_view text);
// The length in bytes of the valid UTF-8 character that starts at text[at],
// or 0 when none does (a stray byte, a cut or malformed sequence).
std::size_t Utf8CharacterAt(std::string_view text, std::size_t at);

// The path of the first string (or object key) in `value` that is not valid
// UTF-8, e.g. "phone_number" or "other_user_ids[2]"; nullopt when all are valid.
// TDLib aborts the process on invalid UTF-8 in @extra and rejects it elsewhere,
// so nothing unchecked may reach td_send.
std::optional<std::string> FindInvalidUtf8(const nlohmann::json& value);

// Standard base64 with padding: TDLib's encoding of `bytes` fields.
std::string EncodeBase64(std::string_view bytes);
// The reverse; padding optional, nullopt on any other character or a bad length.
std::optional<std::string> DecodeBase64(std::string_view text);

}  // namespace tgmux::telegram
