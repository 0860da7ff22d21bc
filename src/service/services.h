// Everything the front-ends (REST, bots, dashboard) call, built over one Gateway.
#pragma once

#include "service/accounts.h"
#include "service/background.h"
#include "service/gateway.h"
#include "service/logins.h"

namespace tgmux::service {

struct Services {
  explicit Services(Gateway& g) : gateway(g), accounts(g, background), logins(g, accounts, background) {}
  ~Services() { Shutdown(); }

  // Stops logins and closes every account's client; the sessions stay on disk.
  void Shutdown() {
    logins.Shutdown();
    accounts.Shutdown();
    background.Stop();
  }

  Gateway& gateway;
  Background background;
  AccountService accounts;
  LoginService logins;
};

}  // namespace tgmux::service
