// Registration of every route group on the router.
#pragma once

#include "api/router.h"
#include "service/services.h"

namespace tgmux::api {

// /healthz, /readyz, /metrics.
void RegisterHealthRoutes(Router& router, service::Infrastructure& infra);

// /v1/logins and the QR images.
void RegisterLoginRoutes(Router& router, service::Services& services);
// /v1/accounts.
void RegisterAccountRoutes(Router& router, service::Services& services);

// /v1/accounts/{id}/messages, /v1/outbox.
void RegisterMessageRoutes(Router& router, service::Services& services);
// /v1/accounts/{id}/files/{file_id}.
void RegisterFileRoutes(Router& router, service::Services& services);
// /v1/accounts/{id}/chats, .../chats/{chat_id}/messages[/{message_id}], .../chats/{chat_id}/read,
// /v1/accounts/{id}/messages/search, /v1/accounts/{id}/unread.
void RegisterChatRoutes(Router& router, service::Services& services);

// /v1/events, /v1/events/stream, /v1/ws.
void RegisterEventRoutes(Router& router, service::Services& services);
// /v1/webhooks.
void RegisterWebhookRoutes(Router& router, service::Services& services);
// /v1/bots.
void RegisterBotRoutes(Router& router, service::Services& services);
// /v1/watch/rules, /v1/watch/matches, /v1/subscribers.
void RegisterWatchRoutes(Router& router, service::Services& services);

// /v1/accounts/{id}/relay.
void RegisterRelayRoutes(Router& router, service::Services& services);
// /v1/dialogs, /v1/dialogs/{id}.
void RegisterDialogRoutes(Router& router, service::Services& services);

// /v1/pools, /v1/pools/{name} (a pool's messages are in RegisterMessageRoutes).
void RegisterPoolRoutes(Router& router, service::Services& services);
// /v1/notifications/subscriptions.
void RegisterNotificationRoutes(Router& router, service::Services& services);

// /v1/auth/*, /v1/me.
void RegisterAuthRoutes(Router& router, service::Services& services);
// /v1/auth/session (the dashboard's cookie session), /v1/setup (the first owner).
void RegisterSessionRoutes(Router& router, service::Services& services);
// /v1/api-keys, /v1/tenant/members, /v1/audit, /v1/routes.
void RegisterTenantRoutes(Router& router, service::Services& services);

// /v1/cluster (several nodes on one PostgreSQL).
void RegisterClusterRoutes(Router& router, service::Services& services);

// Everything the gateway serves, and the authenticator.
void RegisterAllRoutes(Router& router, service::Services& services);

}  // namespace tgmux::api
