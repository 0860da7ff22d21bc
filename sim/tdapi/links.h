#pragma once
// Link checks behind TextUrl and MentionName entities, after TDLib's LinkManager
// (get_checked_link, get_link_user_id) and tdutils' parse_url.
#include <cstdint>
#include <string>
#include <string_view>

namespace tgsim {

// The normalised link ("http://" added, host lower-cased, "/" path added), or "" when
// TDLib would reject it (unsupported scheme, bad host or port, host without a dot).
std::string CheckedLink(std::string_view link);

// The user id of a tg://user?id=N link (case-insensitive), 0 for any other link.
std::int64_t LinkUserId(std::string_view url);

}  // namespace tgsim
