// /v1/dialogs: an account's conversations with people. Tracked dialogs
// (docs/pools.md) are opened here, with a status and their messages; the
// work-group relay's conversations (docs/relay.md) are listed here too.
#include "api/pages.h"
#include "api/routes.h"
#include "api/views.h"

namespace tgmux::api {
namespace {

const Access kRead = Access::AtLeast(service::Role::kOperator);
const Access kSend = Access::AtLeast(service::Role::kOperator);
constexpr PageSize kPage{50, 500};
constexpr PageSize kMessagePage{50, 200};
constexpr int kDialogWindow = 5000;  // the latest dialogs a listing pages through

// POST /v1/dialogs' body: {pool | account_id, to, text?, parse_mode?, meta?}.
service::DialogRequest ReadOpen(const Request& r) {
  const nlohmann::json body = r.JsonBody();
  service::DialogRequest request;
  request.pool = StringField(body, "pool", false).value_or("");
  request.account_id = StringField(body, "account_id", false).value_or("");
  request.first.to = StringField(body, "to", false).value_or("");
  if (auto text = StringField(body, "text", false)) {
    request.first.text = *text;
    request.send_first = true;
  }
  request.first.parse_mode = ParseModeField(body);
  request.first.idempotency_key = IdempotencyKey(r);
  if (auto meta = body.find("meta"); meta != body.end() && !meta->is_null()) request.meta = *meta;
  return request;
}

std::string QueryText(const Request& r, const std::string& name) {
  auto it = r.query.find(name);
  return it == r.query.end() ? "" : it->second;
}

}  // namespace

void RegisterDialogRoutes(Router& router, service::Services& s) {
  router.Add("POST", "/v1/dialogs", kSend, [&s](const Request& r, const Reply& reply) {
    s.dialogs.Open(TenantOf(r), ReadOpen(r),
                   [reply, path = r.path](telegram::Result<service::DialogService::Opened> opened) {
                     if (!opened.ok()) return reply.Fail(opened.error(), path);
                     const auto& o = opened.value();
                     nlohmann::json body = service::DialogJson(o.dialog);
                     body["message"] = o.message ? OutboxJson(*o.message) : nlohmann::json(nullptr);
                     reply(Response::Json(o.created ? 201 : 200, body));
                   });
  });
  router.Add("GET", "/v1/dialogs", kRead, [&s](const Request& r, const Reply& reply) {
    store::DialogFilter filter;
    filter.account_id = QueryText(r, "account_id");
    filter.pool = QueryText(r, "pool");
    if (auto status = QueryText(r, "status"); !status.empty()) {
      filter.status = store::ParseDialogStatus(status);
      if (!filter.status) InvalidField("status", "must be active, qualified, stopped or failed");
      filter.tracked_only = true;
    }
    if (!filter.pool.empty()) filter.tracked_only = true;
    auto dialogs = s.dialogs.List(TenantOf(r), filter, kDialogWindow);
    auto id_of = [](const store::Dialog& d) { return d.id; };
    reply(Response::Json(200, SlicePage(dialogs, ReadPage(r, kPage), id_of, service::DialogJson)));
  });
  // The dialog with a page of its messages, newest first: `cursor` is the
  // previous page's next_cursor (messages older than it).
  router.Add("GET", "/v1/dialogs/{id}", kRead, [&s](const Request& r, const Reply& reply) {
    auto dialog = s.dialogs.Get(TenantOf(r), r.params.at("id"));
    auto page = ReadPage(r, kMessagePage);
    const std::int64_t before = page.cursor ? CursorNumber(*page.cursor, 1) : 0;
    auto messages = s.dialogs.Messages(dialog, before, page.limit + 1);
    std::optional<std::string> next;
    if (static_cast<int>(messages.size()) > page.limit) {
      messages.pop_back();
      next = std::to_string(messages.back()["message"].value("message_id", std::int64_t{0}));
    }
    nlohmann::json body = service::DialogJson(dialog);
    body["messages"] = PageJson(nlohmann::json(messages), next);
    reply(Response::Json(200, body));
  });
  router.Add("PATCH", "/v1/dialogs/{id}", kSend, [&s](const Request& r, const Reply& reply) {
    reply(Response::Json(200, service::DialogJson(s.dialogs.Update(TenantOf(r), r.params.at("id"), r.JsonBody()))));
  });
}

}  // namespace tgmux::api
