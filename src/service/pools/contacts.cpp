#include "service/pools/contacts.h"

#include <algorithm>
#include <cctype>

#include "common/error.h"

namespace tgmux::service::pools {

std::string ContactOf(const PhoneDigests& digests, const std::string& to) {
  if (to.empty()) InvalidField("to", "is required: a chat id, @username or +phone number");
  if (to.front() == '@' && to.size() > 1) {
    std::string name = to.substr(1);
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    return "user:" + name;
  }
  if (to.front() == '+') {
    if (auto digest = digests.OfTyped(to)) return "phone:" + *digest;
  } else {
    const std::size_t digits = to.front() == '-' ? 1 : 0;
    if (to.size() > digits && std::all_of(to.begin() + digits, to.end(), [](unsigned char c) { return std::isdigit(c); })) {
      return "id:" + to;
    }
  }
  InvalidField("to", "must be a chat id, @username or +phone number");
}

}  // namespace tgmux::service::pools
