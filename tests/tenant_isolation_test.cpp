// End-to-end: every route, called with tenant B's credentials on tenant A's
// resources, answers 404 exactly like a missing resource (or shows B only its
// own), and role limits answer 403. The route table comes from the running
// gateway: a route added without a row here fails this test.
#include <set>

#include "tests/support/linked_gateway.h"
#include "tests/support/wait.h"

namespace tgmux::testing {
namespace {

using nlohmann::json;

// What tenant B (an owner) and tenant A's operator get for one route.
struct Expect {
  std::string target;  // with A's ids substituted for {id}
  json body;
  int as_other_tenant;  // 0: public route, not tenant-scoped
  int as_operator;      // 0: allowed (anything but 401/403)
};

class TenantIsolationTest : public LinkedGatewayTest {
 protected:
  void SetUp() override {
    LinkedGatewayTest::SetUp();
    StartGateway({{"TGMUX_REGISTRATION", "open"}, {"TGMUX_COMPAT", "personal-accounts,user-api,multi-profile"}});
  }
  HttpResponse As(const std::string& token, const std::string& method, const std::string& target,
                  const json& body) {
    return gateway_->Anonymous().Request(method, target, body.is_null() ? "" : body.dump(),
                                         {{"Authorization", "Bearer " + token}});
  }
};

TEST_F(TenantIsolationTest, EveryRouteHidesOtherTenantsResources) {
  // Tenant A (the fixture's owner): an account, a pending QR login, an API key, an invite, an operator.
  std::int64_t ann_user_id = CreateUser("+15557001122", "Ann")["user_id"];
  std::string account = Link("+15557001122")["id"];
  std::string login = http().Post("/v1/logins", {{"method", "qr"}}).Json()["id"];
  std::string key = http().Post("/v1/api-keys", {{"name", "a-key"}}).Json()["id"];
  auto invite = http().Post("/v1/tenant/members", {{"email", "op@a.test"}, {"role", "operator"}}).Json();
  std::string op = gateway_->Anonymous()
                       .Post("/v1/auth/register", {{"email", "op@a.test"}, {"password", "operator-pw-1"},
                                                   {"invite", invite["invite"]}})
                       .Json()["access_token"];
  // Tenant B: its own owner.
  std::string b = gateway_->Anonymous()
                      .Post("/v1/auth/register", {{"email", "owner@b.test"}, {"password", "tenant-b-pw-1"}})
                      .Json()["access_token"];
  std::string entry = http().Post("/v1/accounts/" + account + "/messages", {{"to", "@nobody"}, {"text", "hi"}}).Json()["id"];
  std::string hook = http().Post("/v1/webhooks", {{"url", "http://127.0.0.1:9/hook"}}).Json()["id"];
  std::string bot_token = Control("POST", "/bots", {{"username", "a_tenant_bot"}, {"first_name", "A"}}).body["token"];
  std::string bot = http().Post("/v1/bots", {{"token", bot_token}, {"features", {"accounts", "notify"}}}).Json()["id"];
  // A subscriber (Ann started the bot) and a watcher rule.
  ASSERT_EQ(Control("POST", "/bots/a_tenant_bot/messages", {{"from", "+15557001122"}, {"text", "/start"}}).status, 201);
  std::string sub;
  ASSERT_TRUE(WaitUntil([&] {
    auto added = http().Post("/v1/subscribers", {{"bot_id", bot}, {"telegram_user_id", ann_user_id}});
    if (added.status == 201) sub = added.Json()["id"];
    return !sub.empty();
  }, std::chrono::seconds(10)));
  std::string rule = http().Post("/v1/watch/rules", {{"name", "a-rule"}, {"subscribers", {sub}}}).Json()["id"];
  const json notify_body = {{"subscriber", sub}, {"events", {"account.status"}}};
  std::string nsub = http().Post("/v1/notifications/subscriptions", notify_body).Json()["id"];
  const std::string wr = "/v1/watch/rules/" + rule;
  const std::string acc = "/v1/accounts/" + account, lgn = "/v1/logins/" + login;
  const std::string pa = "/api/personal-telegram-accounts";
  ASSERT_EQ(http().Request("PATCH", acc, json{{"pool", "a-pool"}, {"project_id", "a-project"}, {"external_id", "a-person"}}.dump())
                .status,
            200);
  // A tracked dialog of A's account with someone.
  CreateUser("+15557001133", "Dora");
  auto opened = http().Post("/v1/dialogs", {{"account_id", account}, {"to", "+15557001133"}, {"meta", {{"lead", "a-lead"}}}});
  ASSERT_EQ(opened.status, 201) << opened.body;
  const std::string dlg = "/v1/dialogs/" + opened.Json()["id"].get<std::string>();
  const std::string member = "/v1/tenant/members/" + owner_["user"]["id"].get<std::string>();
  // Streams never end: a filter on A's account is 404 for B, and a bad type
  // ends them at once for A's operator.
  const std::string stream_filter = "?account_id=" + account + "&types=bogus";
  const json none = nullptr;
  std::map<std::string, Expect> table = {
      {"GET /healthz", {"/healthz", none, 0, 0}},
      {"GET /readyz", {"/readyz", none, 0, 0}},
      {"GET /metrics", {"/metrics", none, 0, 0}},
      {"POST /v1/auth/register", {"", none, 0, 0}},
      {"POST /v1/auth/login", {"", none, 0, 0}},
      {"POST /v1/auth/refresh", {"", none, 0, 0}},
      {"POST /v1/auth/logout", {"", none, 0, 0}},
      {"POST /v1/auth/session", {"", none, 0, 0}},
      {"GET /v1/auth/session", {"", none, 0, 0}},
      {"POST /v1/auth/session/refresh", {"", none, 0, 0}},
      {"DELETE /v1/auth/session", {"", none, 0, 0}},
      {"GET /v1/setup", {"", none, 0, 0}},
      {"POST /v1/setup", {"", none, 0, 0}},
      {"GET /", {"", none, 0, 0}},
      {"GET /ui/{file}", {"", none, 0, 0}},
      {"GET /ui/{folder}/{file}", {"", none, 0, 0}},
      {"GET /openapi.json", {"/openapi.json", none, 0, 0}},
      {"GET /docs", {"", none, 0, 0}},
      {"GET /docs/errors", {"", none, 0, 0}},
      {"GET /docs/{file}", {"", none, 0, 0}},
      {"GET /v1/me", {"/v1/me", none, 200, 0}},
      {"GET /v1/routes", {"/v1/routes", none, 200, 0}},
      {"POST /v1/logins", {"/v1/logins", {{"method", "qr"}}, 201, 403}},
      {"GET /v1/logins/{id}", {lgn, none, 404, 0}},
      {"POST /v1/logins/{id}/code", {lgn + "/code", {{"code", "12345"}}, 404, 403}},
      {"POST /v1/logins/{id}/password", {lgn + "/password", {{"password", "x"}}, 404, 403}},
      {"POST /v1/logins/{id}/resend", {lgn + "/resend", json::object(), 404, 403}},
      {"POST /v1/logins/{id}/register", {lgn + "/register", {{"first_name", "X"}}, 404, 403}},
      {"DELETE /v1/logins/{id}", {lgn, none, 404, 403}},
      {"GET /v1/logins/{id}/qr.png", {lgn + "/qr.png", none, 404, 0}},
      {"GET /v1/logins/{id}/qr.svg", {lgn + "/qr.svg", none, 404, 0}},
      {"GET /v1/logins/{id}/qr.txt", {lgn + "/qr.txt", none, 404, 0}},
      {"GET /v1/accounts", {"/v1/accounts", none, 200, 0}},
      {"GET /v1/accounts/{id}", {acc, none, 404, 0}},
      {"PATCH /v1/accounts/{id}", {acc, {{"display_name", "stolen"}}, 404, 403}},
      {"DELETE /v1/accounts/{id}", {acc, none, 404, 403}},
      {"POST /v1/accounts/{id}/messages", {acc + "/messages", {{"to", "@nobody"}, {"text", "stolen"}}, 404, 0}},
      {"GET /v1/outbox/{id}", {"/v1/outbox/" + entry, none, 404, 0}},
      {"GET /v1/accounts/{id}/files/{file_id}", {acc + "/files/file_0123456789abcdef", none, 404, 0}},
      {"GET /v1/accounts/{id}/chats", {acc + "/chats", none, 404, 0}},
      {"GET /v1/accounts/{id}/chats/{chat_id}/messages", {acc + "/chats/777/messages", none, 404, 0}},
      {"GET /v1/accounts/{id}/messages/search", {acc + "/messages/search?query=stolen", none, 404, 0}},
      {"GET /v1/accounts/{id}/unread", {acc + "/unread", none, 404, 0}},
      {"POST /v1/accounts/{id}/chats/{chat_id}/read", {acc + "/chats/777/read", json::object(), 404, 0}},
      {"PATCH /v1/accounts/{id}/chats/{chat_id}/messages/{message_id}",
       {acc + "/chats/777/messages/1048576", {{"text", "stolen"}}, 404, 0}},
      {"DELETE /v1/accounts/{id}/chats/{chat_id}/messages/{message_id}",
       {acc + "/chats/777/messages/1048576", none, 404, 0}},
      {"POST /v1/api-keys", {"/v1/api-keys", {{"name", "b-key"}}, 201, 403}},
      {"GET /v1/api-keys", {"/v1/api-keys", none, 200, 403}},
      {"DELETE /v1/api-keys/{id}", {"/v1/api-keys/" + key, none, 404, 403}},
      {"PATCH /v1/api-keys/{id}", {"/v1/api-keys/" + key, {{"mcp", {{"send", false}}}}, 404, 403}},
      // MCP: B's own session (its tools see only B's accounts: mcp_tools_test.cpp); DELETE needs a session.
      {"POST /mcp",
       {"/mcp",
        {{"jsonrpc", "2.0"}, {"id", 1}, {"method", "initialize"},
         {"params", {{"protocolVersion", "2025-11-25"}, {"capabilities", json::object()},
                     {"clientInfo", {{"name", "b"}, {"version", "1"}}}}}},
        200, 0}},
      {"DELETE /mcp", {"/mcp", none, 400, 0}},
      {"POST /v1/tenant/members", {"/v1/tenant/members", {{"email", "x@b.test"}}, 201, 403}},
      {"GET /v1/tenant/members", {"/v1/tenant/members", none, 200, 403}},
      {"GET /v1/tenant/invites", {"/v1/tenant/invites", none, 200, 403}},
      {"PATCH /v1/tenant/members/{id}", {member, {{"role", "operator"}}, 404, 403}},
      {"DELETE /v1/tenant/members/{id}", {member, none, 404, 403}},
      {"GET /v1/audit", {"/v1/audit", none, 200, 403}},
      // The installation's nodes: for owners of tenant "default" only.
      {"GET /v1/cluster", {"/v1/cluster", none, 403, 403}},
      {"GET /v1/cluster/spool/{name}", {"", none, 0, 0}},  // nodes only: tests/cluster_work_test.cpp
      {"DELETE /v1/cluster/spool/{name}", {"", none, 0, 0}},
      {"GET /v1/events", {"/v1/events?timeout=0", none, 200, 0}},
      {"GET /v1/events/stream", {"/v1/events/stream" + stream_filter, none, 404, 400}},
      {"GET /v1/ws", {"/v1/ws" + stream_filter, none, 404, 400}},
      {"POST /v1/webhooks", {"/v1/webhooks", {{"url", "http://127.0.0.1:9/b"}}, 201, 403}},
      // A's token again: a conflict that does not name A's bot.
      {"POST /v1/bots", {"/v1/bots", {{"token", bot_token}, {"features", {"accounts"}}}, 409, 403}},
      {"GET /v1/bots", {"/v1/bots", none, 200, 0}},
      {"GET /v1/bots/{id}", {"/v1/bots/" + bot, none, 404, 0}},
      {"PATCH /v1/bots/{id}", {"/v1/bots/" + bot, {{"disabled", true}}, 404, 403}},
      {"DELETE /v1/bots/{id}", {"/v1/bots/" + bot, none, 404, 403}},
      // A's subscriber named by B is no subscriber of B's.
      {"POST /v1/watch/rules", {"/v1/watch/rules", {{"name", "b"}, {"subscribers", {sub}}}, 400, 403}},
      {"GET /v1/watch/rules", {"/v1/watch/rules", none, 200, 0}},
      {"GET /v1/watch/rules/{id}", {wr, none, 404, 0}},
      {"PATCH /v1/watch/rules/{id}", {wr, {{"name", "stolen"}}, 404, 403}},
      {"DELETE /v1/watch/rules/{id}", {wr, none, 404, 403}},
      {"POST /v1/watch/rules/{id}/enable", {wr + "/enable", json::object(), 404, 403}},
      {"POST /v1/watch/rules/{id}/disable", {wr + "/disable", json::object(), 404, 403}},
      {"POST /v1/watch/matches", {"/v1/watch/matches", {{"message", {{"id", "wmsg_none"}}}, {"subscribers", {sub}}}, 404, 0}},
      {"GET /v1/watch/matches", {"/v1/watch/matches", none, 200, 0}},
      {"POST /v1/subscribers", {"/v1/subscribers", {{"bot_id", bot}, {"telegram_user_id", ann_user_id}}, 404, 403}},
      {"GET /v1/subscribers", {"/v1/subscribers", none, 200, 0}},
      {"GET /v1/subscribers/{id}", {"/v1/subscribers/" + sub, none, 404, 0}},
      {"DELETE /v1/subscribers/{id}", {"/v1/subscribers/" + sub, none, 404, 403}},
      {"PUT /v1/accounts/{id}/relay", {acc + "/relay", {{"bot_id", bot}, {"group_chat_id", -100777}}, 404, 403}},
      {"GET /v1/accounts/{id}/relay", {acc + "/relay", none, 404, 0}},
      {"DELETE /v1/accounts/{id}/relay", {acc + "/relay", none, 404, 403}},
      {"GET /v1/dialogs", {"/v1/dialogs?account_id=" + account, none, 404, 0}},
      {"POST /v1/dialogs", {"/v1/dialogs", {{"account_id", account}, {"to", "+15557001133"}}, 404, 0}},
      {"GET /v1/dialogs/{id}", {dlg, none, 404, 0}},
      {"PATCH /v1/dialogs/{id}", {dlg, {{"status", "stopped"}}, 404, 0}},
      // B's own pool of that name (its settings were set above) has no accounts.
      {"POST /v1/pools/{name}/messages", {"/v1/pools/a-pool/messages", {{"to", "@nobody"}, {"text", "x"}}, 503, 0}},
      {"GET /v1/pools", {"/v1/pools", none, 200, 0}},
      {"GET /v1/pools/{name}", {"/v1/pools/a-pool", none, 404, 0}},
      {"PATCH /v1/pools/{name}", {"/v1/pools/a-pool", {{"daily_limit", 1}}, 200, 403}},
      {"POST /v1/notifications/subscriptions", {"/v1/notifications/subscriptions", notify_body, 404, 403}},
      {"GET /v1/notifications/subscriptions", {"/v1/notifications/subscriptions", none, 200, 0}},
      {"DELETE /v1/notifications/subscriptions/{id}", {"/v1/notifications/subscriptions/" + nsub, none, 404, 403}},
      {"GET /v1/webhooks", {"/v1/webhooks", none, 200, 0}},
      {"GET /v1/webhooks/{id}", {"/v1/webhooks/" + hook, none, 404, 0}},
      {"DELETE /v1/webhooks/{id}", {"/v1/webhooks/" + hook, none, 404, 403}},
      // Compatibility surfaces (docs/compat.md). B's own lists are empty; B's logins are B's.
      {"GET /api/personal-telegram-accounts", {pa, none, 200, 0}},
      {"POST /api/personal-telegram-accounts/login", {pa + "/login", {{"project_id", "b"}}, 201, 403}},
      {"GET /api/personal-telegram-accounts/login/{login_id}", {pa + "/login/" + login, none, 404, 0}},
      {"POST /api/personal-telegram-accounts/login/{login_id}/password",
       {pa + "/login/" + login + "/password", {{"password", "x"}}, 404, 403}},
      {"PATCH /api/personal-telegram-accounts/{id}", {pa + "/" + account, {{"display_name", "stolen"}}, 404, 403}},
      {"DELETE /api/personal-telegram-accounts/{id}", {pa + "/" + account, none, 404, 403}},
      // B's key "b-person" starts B's own login (of the same number); "a-person" is A's key, unknown to B.
      {"POST /telegram/user/auth/start",
       {"/telegram/user/auth/start", {{"user_id", "b-person"}, {"phone_number", "+15557001122"}}, 200, 403}},
      {"POST /telegram/user/auth/verify",
       {"/telegram/user/auth/verify", {{"user_id", "a-person"}, {"phone_code", "12345"}}, 404, 403}},
      {"POST /telegram/user/send",
       {"/telegram/user/send", {{"user_id", "a-person"}, {"recipient_id", "@nobody"}, {"text", "stolen"}}, 404, 0}},
      {"GET /telegram/user/status/{user_id}", {"/telegram/user/status/a-person", none, 200, 0}},
      {"POST /telegram/user/disconnect", {"/telegram/user/disconnect", {{"user_id", "a-person"}}, 404, 403}},
      {"POST /auth/register", {"", none, 0, 0}},
      {"POST /auth/login", {"", none, 0, 0}},
      {"POST /refresh", {"", none, 0, 0}},
      {"POST /logout", {"", none, 0, 0}},
      {"GET /health", {"", none, 0, 0}},
      {"GET /profiles", {"/profiles", none, 200, 0}},
      // Called before B's own /profiles/start (the table runs in name order): B follows no login of the number.
      {"POST /profiles/code", {"/profiles/code", {{"phone", "+15557001122"}, {"code", "12345"}}, 404, 403}},
      {"POST /profiles/password", {"/profiles/password", {{"phone", "+15557001122"}, {"password", "x"}}, 404, 403}},
      {"POST /profiles/start", {"/profiles/start", {{"phone", "+15557001122"}}, 200, 403}},
      {"GET /messages/unread", {"/messages/unread?phone=%2B15557001122", none, 404, 0}},
      {"POST /messages/unread", {"/messages/unread", {{"phone", "+15557001122"}}, 404, 0}},
      {"POST /messages/send",
       {"/messages/send", {{"phone", "+15557001122"}, {"text", "stolen"}, {"tg_receiver", "@nobody"}}, 404, 0}},
      {"POST /messages/dialogs", {"/messages/dialogs", {{"phone", "+15557001122"}}, 404, 0}},
      {"GET /utils/me", {"/utils/me", none, 200, 0}},
  };

  auto routes = http().Get("/v1/routes?limit=500");  // every route on one page
  ASSERT_EQ(routes.status, 200) << routes.body;
  ASSERT_TRUE(routes.Json()["next_cursor"].is_null()) << "more routes than one page holds";
  std::set<std::string> served;
  auto items = routes.Json()["items"];  // a copy: the parsed document is a temporary
  for (const auto& route : items) {
    std::string name = route["method"].get<std::string>() + " " + route["path"].get<std::string>();
    served.insert(name);
    auto row = table.find(name);
    ASSERT_NE(row, table.end()) << name << " is served but not in this isolation table: add it";
    EXPECT_EQ(route["access"] == "public", row->second.as_other_tenant == 0) << name;
  }
  for (const auto& [name, row] : table) EXPECT_TRUE(served.count(name)) << name << " is listed but not served";

  // Nothing of A's may appear in what B is shown: a 404 names only the id B sent
  // (as for any missing id), other answers not even that.
  std::vector<std::string> a_names = {"op@a.test", TgmuxServer::kOwnerEmail, "Ann", "a-key", "a-lead", "a-project"};
  std::vector<std::string> a_ids = {account, login, key, entry, hook, bot, "a_tenant_bot", rule, "a-rule", nsub};
  for (const auto& [name, row] : table) {
    if (row.as_other_tenant == 0) continue;
    std::string method = name.substr(0, name.find(' '));
    auto answer = As(b, method, row.target, row.body);
    EXPECT_EQ(answer.status, row.as_other_tenant) << name << " as tenant B: " << answer.body;
    if (answer.status == 404) {
      EXPECT_EQ(answer.Json()["code"], "not_found") << name;
    }
    if (name != "GET /v1/routes") {
      auto hidden = a_names;
      if (answer.status != 404) hidden.insert(hidden.end(), a_ids.begin(), a_ids.end());
      for (const auto& secret : hidden) {
        EXPECT_EQ(answer.body.find(secret), std::string::npos) << name << ": " << secret;
      }
    }
    if (method != "GET") continue;  // the operator's writes are checked below, once A's state is verified
    auto as_op = As(op, method, row.target, row.body);
    if (row.as_operator) {
      EXPECT_EQ(as_op.status, row.as_operator) << name << " as operator: " << as_op.body;
    } else {
      EXPECT_TRUE(as_op.status != 401 && as_op.status != 403) << name << " as operator: " << as_op.body;
    }
  }
  for (const auto& [name, row] : table) {
    std::string method = name.substr(0, name.find(' '));
    if (row.as_other_tenant == 0 || method == "GET" || !row.as_operator) continue;
    EXPECT_EQ(As(op, method, row.target, row.body).status, 403) << name << " as operator";
  }
  // A's resources are untouched.
  EXPECT_EQ(http().Get(acc).Json()["display_name"], "Ann");
  EXPECT_EQ(http().Get(lgn).Json()["state"], "qr_pending");
  EXPECT_EQ(http().Get("/v1/api-keys").Json()["items"].size(), 1u);
  EXPECT_EQ(http().Get(wr).Json()["name"], "a-rule");
  EXPECT_EQ(http().Get("/v1/subscribers/" + sub).status, 200);
  auto subscriptions = http().Get("/v1/notifications/subscriptions").Json()["items"];
  ASSERT_EQ(subscriptions.size(), 1u) << subscriptions;
  EXPECT_EQ(subscriptions[0]["id"], nsub);
  auto pool = http().Get("/v1/pools/a-pool").Json();
  EXPECT_EQ(pool["accounts"].size(), 1u) << pool;
  EXPECT_EQ(pool["settings"]["daily_limit"], 40) << "B's pool of the same name is B's";
  auto dialog = http().Get(dlg).Json();
  EXPECT_EQ(dialog["status"], "active") << dialog;
  EXPECT_EQ(dialog["meta"]["lead"], "a-lead");
}

TEST_F(TenantIsolationTest, LoginsStartedAreLimitedPerTenant) {
  StartGateway({{"TGMUX_REGISTRATION", "open"}, {"TGMUX_LIMIT_LOGINS_TENANT", "2/60"}});
  for (int i = 0; i < 2; ++i) EXPECT_EQ(http().Post("/v1/logins", {{"method", "qr"}}).status, 201);
  auto limited = http().Post("/v1/logins", {{"method", "qr"}});
  EXPECT_EQ(limited.status, 429) << limited.body;
  EXPECT_EQ(limited.Json()["code"], "flood_wait");
  EXPECT_GE(std::stoi(limited.Header("retry-after")), 1);
  std::string b = gateway_->Anonymous()
                      .Post("/v1/auth/register", {{"email", "owner@b.test"}, {"password", "tenant-b-pw-1"}})
                      .Json()["access_token"];
  EXPECT_EQ(As(b, "POST", "/v1/logins", {{"method", "qr"}}).status, 201);  // another tenant's budget
}

// GET /v1/accounts/{id} is answered from a remembered body once read: that
// body is never shown to another tenant, and a change or an unlink shows at
// the very next read.
TEST_F(TenantIsolationTest, AnAccountReadFromMemoryStaysHiddenFromOtherTenantsAndShowsEachChange) {
  CreateUser("+15557002211", "Bea");
  const std::string target = "/v1/accounts/" + Link("+15557002211")["id"].get<std::string>();
  auto first = http().Get(target);
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(http().Get(target).body, first.body);
  std::string b = gateway_->Anonymous()
                      .Post("/v1/auth/register", {{"email", "owner@c.test"}, {"password", "tenant-c-pw-1"}})
                      .Json()["access_token"];
  auto as_b = As(b, "GET", target, nullptr);
  EXPECT_EQ(as_b.status, 404) << as_b.body;
  ASSERT_EQ(http().Request("PATCH", target, R"({"display_name":"Front desk"})").status, 200);
  EXPECT_EQ(http().Get(target).Json()["display_name"], "Front desk");
  EXPECT_EQ(As(b, "GET", target, nullptr).status, 404);
  ASSERT_EQ(http().Request("DELETE", target).status, 204);
  EXPECT_EQ(http().Get(target).status, 404);
}

}  // namespace
}  // namespace tgmux::testing
