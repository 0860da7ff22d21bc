#include "tests/support/phone_link.h"

namespace tgmux::testing {

std::string LinkByPhone(TgmuxServer& server, const tgsim::testing::TgsimProcess& sim, const std::string& phone) {
  auto started = server.http().Post("/v1/logins", {{"method", "phone"}, {"phone", phone}});
  if (started.status != 201) return "";
  std::string code = sim.Control("GET", "/users/" + phone + "/code").body.value("code", "");
  auto done = server.http().Post("/v1/logins/" + started.Json()["id"].get<std::string>() + "/code", {{"code", code}});
  return done.status == 200 ? done.Json()["account"].value("id", "") : "";
}

}  // namespace tgmux::testing
