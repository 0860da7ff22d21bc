// TDLib's JSON for media (internal to telegram/): message contents to
// MediaInfo, and MediaToSend to an inputMessageContent.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <optional>
#include <string_view>

#include "telegram/media.h"
#include "telegram/messages.h"

namespace tgmux::telegram {

// The file of a messagePhoto/Document/Video/VoiceNote/Audio/Animation content;
// nullopt for any other content.
std::optional<MediaInfo> ParseMediaContent(const nlohmann::json& content);
// The caption of a media content (empty text when it has none).
FormattedText MediaCaption(const nlohmann::json& content);
nlohmann::json InputMediaContent(const MediaToSend& media, const FormattedText& caption);
// TDLib's fileType for a kind, as getRemoteFile takes it.
std::string_view FileTypeOf(MediaKind kind);

}  // namespace tgmux::telegram
