#include "telegram/media.h"

#include <array>

#include "common/name_table.h"

namespace tgmux::telegram {
namespace {

constexpr std::array<NameRow<MediaKind>, 6> kMediaKinds{{
    {MediaKind::kPhoto, "photo"},
    {MediaKind::kDocument, "document"},
    {MediaKind::kVideo, "video"},
    {MediaKind::kVoice, "voice"},
    {MediaKind::kAudio, "audio"},
    {MediaKind::kAnimation, "animation"},
}};

}  // namespace

std::string_view MediaKindName(MediaKind kind) { return NameIn(kMediaKinds, kind); }
std::optional<MediaKind> MediaKindFromName(std::string_view name) { return ValueIn(kMediaKinds, name); }

}  // namespace tgmux::telegram
