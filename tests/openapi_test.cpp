// End-to-end: the OpenAPI document (issue 21). /openapi.json describes exactly
// the routes a real tgmux serves (with and without the compatibility surfaces);
// every error code is listed at /docs/errors, where problems' `type` points;
// /docs renders the document from files built into the binary; and the answers
// of a broad tour of the API (logins, accounts, messages, chats, events,
// webhooks, API keys, errors) match the schemas of their route and status, as
// checked by a JSON Schema validator (ajv, tests/openapi/validate.mjs).
#include <fstream>
#include <set>

#include "common/error.h"
#include "tests/support/build_paths.h"
#include "tests/support/linked_gateway.h"
#include "tests/support/openapi_samples.h"
#include "tests/support/wait.h"

namespace tgmux::testing {
namespace {

using nlohmann::json;

constexpr const char* kAnn = "+15557101001";
constexpr const char* kBob = "+15557101002";
constexpr const char* kCid = "+15557101003";
constexpr const char* kAllSurfaces = "personal-accounts,user-api,multi-profile";

// Served pages for browsers, not API operations: the dashboard and the documentation itself.
const std::set<std::string> kPages = {"GET /", "GET /ui/{file}", "GET /ui/{folder}/{file}", "GET /docs",
                                      "GET /docs/{file}", "GET /docs/errors"};

class OpenApiTest : public LinkedGatewayTest {
 protected:
  json Document() {
    auto answer = gateway_->Anonymous().Get("/openapi.json");
    EXPECT_EQ(answer.status, 200) << answer.body;
    EXPECT_EQ(answer.Header("content-type"), "application/json");
    return answer.status == 200 ? answer.Json() : json::object();
  }
  // "METHOD /pattern" -> access, from GET /v1/routes (every page).
  std::map<std::string, std::string> ServedRoutes() {
    std::map<std::string, std::string> served;
    std::string cursor;
    do {
      auto page = http().Get("/v1/routes?limit=500" + (cursor.empty() ? "" : "&cursor=" + cursor));
      EXPECT_EQ(page.status, 200) << page.body;
      if (page.status != 200) break;
      auto body = page.Json();
      for (const auto& route : body["items"]) {
        served[route["method"].get<std::string>() + " " + route["path"].get<std::string>()] = route["access"];
      }
      cursor = body["next_cursor"].is_null() ? "" : body["next_cursor"].get<std::string>();
    } while (!cursor.empty());
    return served;
  }
  // "METHOD /path" -> x-tgmux-role, from the document.
  static std::map<std::string, std::string> DocumentedOperations(const json& doc) {
    std::map<std::string, std::string> documented;
    for (const auto& [path, item] : doc["paths"].items()) {
      for (const auto& [key, op] : item.items()) {
        if (key == "parameters" || key == "summary" || key == "description") continue;
        std::string method = key;
        for (auto& c : method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        documented[method + " " + path] = op.value("x-tgmux-role", "(none)");
      }
    }
    return documented;
  }
  // Fails for every route served and not documented, and every operation documented and not served.
  void ExpectDocumentMatchesRoutes() {
    auto served = ServedRoutes();
    auto documented = DocumentedOperations(Document());
    ASSERT_GT(served.size(), 50u);
    for (const auto& [route, access] : served) {
      if (kPages.count(route)) continue;
      auto it = documented.find(route);
      if (it == documented.end()) {
        ADD_FAILURE() << "served but not documented in /openapi.json: " << route;
      } else {
        EXPECT_EQ(it->second, access) << route << ": the document's x-tgmux-role differs from the route's access";
      }
    }
    for (const auto& [operation, role] : documented) {
      EXPECT_TRUE(served.count(operation)) << "documented in /openapi.json but not served: " << operation;
    }
  }
};

TEST_F(OpenApiTest, DocumentsEveryServedRouteAndNothingElse) {
  StartGateway();
  ExpectDocumentMatchesRoutes();
  auto doc = Document();
  EXPECT_EQ(doc["openapi"], "3.1.0");
  // Without TGMUX_COMPAT the compatibility surfaces are neither served nor documented.
  EXPECT_FALSE(doc["paths"].contains("/telegram/user/send"));
  EXPECT_FALSE(doc["paths"].contains("/api/personal-telegram-accounts"));
}

TEST_F(OpenApiTest, DocumentsTheCompatibilitySurfacesWhenServed) {
  StartGateway({{"TGMUX_COMPAT", kAllSurfaces}});
  ExpectDocumentMatchesRoutes();
  auto doc = Document();
  EXPECT_TRUE(doc["paths"].contains("/telegram/user/send"));
  EXPECT_TRUE(doc["paths"].contains("/api/personal-telegram-accounts"));
  EXPECT_TRUE(doc["paths"].contains("/profiles/start"));
}

TEST_F(OpenApiTest, SecurityFollowsEachRoutesAccess) {
  StartGateway();
  auto doc = Document();
  // Public routes need no credentials; the others take a bearer token, an API key or the dashboard's cookie.
  EXPECT_EQ(doc["paths"]["/healthz"]["get"]["security"], json::array());
  EXPECT_EQ(doc["paths"]["/v1/auth/login"]["post"]["security"], json::array());
  EXPECT_FALSE(doc["paths"]["/v1/accounts"]["get"].contains("security"));
  EXPECT_EQ(doc["paths"]["/v1/accounts/{id}"]["delete"]["x-tgmux-role"], "admin");
  std::set<std::string> schemes;
  for (const auto& requirement : doc["security"]) schemes.insert(requirement.begin().key());
  EXPECT_EQ(schemes, (std::set<std::string>{"accessToken", "apiKey", "dashboardSession"}));
  EXPECT_EQ(doc["components"]["securitySchemes"]["dashboardSession"]["in"], "cookie");
  EXPECT_EQ(doc["paths"]["/v1/accounts"]["get"]["responses"]["401"]["$ref"], "#/components/responses/Unauthorized");
  // Every path parameter is described, by hand or from the route's pattern.
  auto& code = doc["paths"]["/v1/logins/{id}/code"]["post"]["parameters"];
  ASSERT_TRUE(code.is_array());
  EXPECT_EQ(code[0]["name"], "id");
  EXPECT_EQ(code[0]["in"], "path");
}

TEST_F(OpenApiTest, ProblemTypesPointAtTheServedListOfEveryErrorCode) {
  StartGateway();
  auto anonymous = gateway_->Anonymous();
  auto missing = http().Get("/v1/accounts/acc_nothing");
  ASSERT_EQ(missing.status, 404);
  EXPECT_EQ(missing.Json()["type"], "/docs/errors#not_found");
  auto unauthorized = anonymous.Get("/v1/accounts").Json();
  EXPECT_EQ(unauthorized["type"], "/docs/errors#unauthorized");

  auto page = anonymous.Get("/docs/errors");
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.Header("content-type"), "text/html; charset=utf-8");
  auto doc = Document();
  const auto& listed = doc["components"]["schemas"]["Problem"]["properties"]["code"]["enum"];
  for (auto code : AllErrorCodes()) {
    std::string name(CodeName(code));
    EXPECT_NE(page.body.find("<tr id=\"" + name + "\">"), std::string::npos) << name << " is not on /docs/errors";
    EXPECT_FALSE(CodeSummary(code).empty()) << name << " has no description";
    EXPECT_NE(std::find(listed.begin(), listed.end(), name), listed.end()) << name << " is not in Problem.code";
  }
  EXPECT_EQ(listed.size(), AllErrorCodes().size());
}

TEST_F(OpenApiTest, DocsRendersTheDocumentFromFilesBuiltIn) {
  StartGateway();
  auto anonymous = gateway_->Anonymous();
  auto page = anonymous.Get("/docs");
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.Header("content-type"), "text/html; charset=utf-8");
  EXPECT_NE(page.Header("content-security-policy").find("default-src 'self'"), std::string::npos);
  // Everything the page loads comes from tgmux itself.
  EXPECT_EQ(page.body.find("http://"), std::string::npos);
  EXPECT_EQ(page.body.find("https://"), std::string::npos);
  for (const std::string file : {"/docs/swagger-ui-bundle.js", "/docs/swagger-ui.css", "/docs/viewer.js"}) {
    EXPECT_NE(page.body.find(file.substr(1)), std::string::npos) << file << " is not loaded by /docs";
    auto got = anonymous.Get(file);
    EXPECT_EQ(got.status, 200) << file;
    EXPECT_GT(got.body.size(), 100u) << file;
  }
  EXPECT_GT(anonymous.Get("/docs/swagger-ui-bundle.js").body.size(), 500000u);
  EXPECT_NE(anonymous.Get("/docs/viewer.js").body.find("openapi.json"), std::string::npos);
  EXPECT_EQ(anonymous.Get("/docs/nothing.js").status, 404);
}

// A tour of the API whose every answer is checked against the document.
TEST_F(OpenApiTest, AnswersMatchTheirDocumentedSchemas) {
  StartGateway({{"TGMUX_OUTBOX_CHAT_INTERVAL", "0"}, {"TGMUX_COMPAT", kAllSurfaces}});
  CreateUser(kAnn, "Ann");
  CreateUser(kBob, "Bob", {{"username", "bob_oa"}});
  CreateUser(kCid, "Cid", {{"password", "cid-2fa-password"}});
  SampleRecorder api(http());
  SampleRecorder anonymous(gateway_->Anonymous());

  // Health and the public side.
  anonymous.Call("GET", "/healthz");
  anonymous.Call("GET", "/readyz");
  anonymous.Call("GET", "/v1/setup");
  anonymous.Call("GET", "/v1/accounts");                         // 401
  anonymous.Call("POST", "/v1/auth/login", {{"email", "x@y.z"}, {"password", "wrong-password"}});  // 401
  api.Call("GET", "/v1/me");
  api.Call("GET", "/v1/routes?limit=5");

  // A phone login with a wrong code, then the right one; a 2FA login; a QR login.
  auto login = api.Call("POST", "/v1/logins", {{"method", "phone"}, {"phone", kAnn}});
  std::string login_id = login.value("id", "");
  api.Call("GET", "/v1/logins/" + login_id);
  api.Call("POST", "/v1/logins/" + login_id + "/code", {{"code", "00000"}});  // 400 code_invalid
  api.Call("POST", "/v1/logins/" + login_id + "/code", {{"code", LastCode(kAnn)}});
  auto done = api.Call("GET", "/v1/logins/" + login_id);
  std::string account = done["account"].value("id", "");
  ASSERT_FALSE(account.empty()) << done.dump();
  auto cid = api.Call("POST", "/v1/logins", {{"phone", kCid}});
  api.Call("POST", "/v1/logins/" + cid.value("id", "") + "/code", {{"code", LastCode(kCid)}});
  api.Call("POST", "/v1/logins/" + cid.value("id", "") + "/password", {{"password", "wrong one"}});  // 400
  api.Call("DELETE", "/v1/logins/" + cid.value("id", ""));
  auto qr = api.Call("POST", "/v1/logins", {{"method", "qr"}});
  api.Call("GET", "/v1/logins/" + qr.value("id", "") + "/qr.svg");
  api.Call("POST", "/v1/logins", {{"method", "fax"}});  // 400 invalid_request
  api.Call("GET", "/v1/logins/login_nothing");           // 404

  // Accounts.
  PollAccount(account, "active");
  api.Call("GET", "/v1/accounts");
  api.Call("GET", "/v1/accounts?limit=1");
  api.Call("GET", "/v1/accounts/" + account);
  api.Call("PATCH", "/v1/accounts/" + account, {{"display_name", "Ann at work"}, {"accepts_groups", false}});
  api.Call("PATCH", "/v1/accounts/" + account, {{"accepts_groups", "yes"}});  // 400

  // Messages: a send waited for, one queued, an incoming one; chats, history, search, unread, read, edit, delete.
  auto sent = api.Call("POST", "/v1/accounts/" + account + "/messages?wait=10", {{"to", "@bob_oa"}, {"text", "hello *Bob*"},
                                                                                 {"parse_mode", "markdown"}});
  api.Call("POST", "/v1/accounts/" + account + "/messages", {{"to", "@bob_oa"}, {"text", "second"}});
  api.Call("GET", "/v1/outbox/" + sent.value("id", ""));
  api.Call("POST", "/v1/accounts/" + account + "/messages?wait=10", {{"to", "@nobody_here_oa"}, {"text", "x"}});
  api.Call("POST", "/v1/accounts/" + account + "/messages", {{"text", "no recipient"}});  // 400
  ASSERT_EQ(Control("POST", "/messages", {{"from", kBob}, {"to", kAnn}, {"text", "hi Ann"}}).status, 201);
  std::int64_t chat = sent.value("chat_id", std::int64_t{0});
  ASSERT_NE(chat, 0) << sent.dump();
  std::string chat_path = "/v1/accounts/" + account + "/chats/" + std::to_string(chat);
  ASSERT_TRUE(WaitUntil([&] { return !http().Get("/v1/accounts/" + account + "/unread").Json()["items"].empty(); },
                        std::chrono::seconds(10)));
  api.Call("GET", "/v1/accounts/" + account + "/unread");
  api.Call("GET", "/v1/accounts/" + account + "/chats");
  api.Call("GET", "/v1/accounts/" + account + "/chats?unread_only=true&limit=1");
  api.Call("GET", chat_path + "/messages?limit=10");
  api.Call("GET", "/v1/accounts/" + account + "/messages/search?query=hello");
  api.Call("POST", chat_path + "/read", json::object());
  api.Call("PATCH", chat_path + "/messages/" + std::to_string(sent.value("message_id", std::int64_t{0})),
           {{"text", "hello again"}});
  api.Call("DELETE", chat_path + "/messages/" + std::to_string(sent.value("message_id", std::int64_t{0})));
  api.Call("GET", "/v1/accounts/" + account + "/chats/not-a-number/messages");  // 400

  // Events and webhooks.
  api.Call("GET", "/v1/events?timeout=0&limit=50");
  api.Call("GET", "/v1/events?timeout=0&types=message.received,account.status&account_id=" + account);
  api.Call("GET", "/v1/events?timeout=0&types=nonsense");  // 400
  auto hook = api.Call("POST", "/v1/webhooks", {{"url", "http://127.0.0.1:9/hook"}, {"types", {"message.received"}}});
  api.Call("GET", "/v1/webhooks");
  api.Call("GET", "/v1/webhooks/" + hook.value("id", ""));
  api.Call("DELETE", "/v1/webhooks/" + hook.value("id", ""));
  api.Call("POST", "/v1/webhooks", json::object());  // 400

  // API keys, members, audit; an API key's own view.
  auto key = api.Call("POST", "/v1/api-keys", {{"name", "crm"}, {"role", "operator"}});
  api.Call("GET", "/v1/api-keys");
  api.Call("PATCH", "/v1/api-keys/" + key.value("id", ""), {{"mcp", {{"send", false}}}});
  HttpClient with_key = gateway_->Anonymous();
  with_key.SetDefaultHeader("Authorization", "Bearer " + key.value("key", ""));
  SampleRecorder operator_api(with_key);
  operator_api.Call("GET", "/v1/me");
  operator_api.Call("DELETE", "/v1/accounts/" + account);  // 403
  api.Call("DELETE", "/v1/api-keys/" + key.value("id", ""));
  api.Call("POST", "/v1/tenant/members", {{"email", "ops@example.com"}, {"role", "operator"}});
  api.Call("GET", "/v1/tenant/members");
  api.Call("GET", "/v1/tenant/invites");
  api.Call("GET", "/v1/audit?limit=5");
  api.Call("GET", "/v1/pools");
  api.Call("GET", "/v1/dialogs");
  api.Call("GET", "/v1/bots");
  api.Call("GET", "/v1/watch/rules");
  api.Call("GET", "/v1/subscribers");
  api.Call("GET", "/v1/notifications/subscriptions");

  // The compatibility surfaces.
  api.Call("GET", "/api/personal-telegram-accounts");
  api.Call("GET", "/telegram/user/status/42");
  api.Call("GET", "/profiles");
  anonymous.Call("GET", "/health");
  api.Call("GET", "/utils/me");

  // Errors of the router itself, and unlink.
  api.Call("PUT", "/v1/accounts");  // 405
  api.Call("GET", "/v1/nothing");    // 404
  api.Call("DELETE", "/v1/accounts/" + account);
  api.Call("GET", "/v1/accounts/" + account);  // 404

  std::vector<Sample> samples = api.samples();
  for (const auto* more : {&anonymous, &operator_api}) {
    samples.insert(samples.end(), more->samples().begin(), more->samples().end());
  }
  EXPECT_GT(samples.size(), 60u);
  auto result = ValidateSamples(Document(), samples);
  EXPECT_EQ(result.exit_status, 0) << result.output;
}

}  // namespace
}  // namespace tgmux::testing
