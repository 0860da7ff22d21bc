// Everything the front-ends (REST, bots, dashboard) call, built over one Gateway.
#pragma once

#include "service/accounts.h"
#include "service/audit.h"
#include "service/auth.h"
#include "service/background.h"
#include "service/gateway.h"
#include "service/logins.h"
#include "service/outbox.h"
#include "service/rate_limiter.h"
#include "service/tenants.h"

namespace tgmux::service {

struct Services {
  explicit Services(Gateway& g)
      : gateway(g),
        audit(g.store()),
        auth(g, audit),
        tenants(g, audit),
        accounts(g, background, audit),
        logins(g, accounts, background, audit),
        outbox(g, accounts, background),
        logins_per_tenant(g.config().auth.logins_per_tenant) {}
  ~Services() { Shutdown(); }

  // Stops logins and closes every account's client; the sessions stay on disk.
  void Shutdown() {
    logins.Shutdown();
    accounts.Shutdown();
    background.Stop();
  }

  Gateway& gateway;
  Background background;
  AuditLog audit;
  AuthService auth;
  TenantService tenants;
  AccountService accounts;
  LoginService logins;
  OutboxService outbox;
  RateLimiter logins_per_tenant;  // POST /v1/logins
};

}  // namespace tgmux::service
