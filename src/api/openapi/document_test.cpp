#include "api/openapi/document.h"

#include <gtest/gtest.h>

#include "common/error.h"

namespace tgmux::api::openapi {
namespace {

using nlohmann::json;

std::vector<RouteInfo> SomeRoutes() {
  return {{"GET", "/healthz", Access::Public()},
          {"POST", "/v1/logins/{id}/code", Access::AtLeast(service::Role::kAdmin)},
          {"GET", "/v1/accounts", Access::AtLeast(service::Role::kOperator)}};
}

TEST(OpenApiDocument, TakesSecurityAndRoleFromEachRoutesAccess) {
  auto doc = BuildDocument(SomeRoutes(), {});
  EXPECT_EQ(doc["openapi"], "3.1.0");
  const auto& health = doc["paths"]["/healthz"]["get"];
  EXPECT_EQ(health["security"], json::array());
  EXPECT_EQ(health["x-tgmux-role"], "public");
  EXPECT_FALSE(health["responses"].contains("401"));
  const auto& code = doc["paths"]["/v1/logins/{id}/code"]["post"];
  EXPECT_EQ(code["x-tgmux-role"], "admin");
  EXPECT_FALSE(code.contains("security"));  // the document's default: bearer token, API key or cookie
  EXPECT_EQ(code["responses"]["403"]["$ref"], "#/components/responses/Forbidden");
  EXPECT_EQ(code["responses"]["default"]["$ref"], "#/components/responses/Problem");
}

TEST(OpenApiDocument, DescribesPathParametersOnlyOnce) {
  auto doc = BuildDocument(SomeRoutes(), {});
  // Written by hand for chat_id (a $ref), generated for id.
  const auto& history = doc["paths"]["/v1/accounts/{id}/chats/{chat_id}/messages"];
  int ids = 0;
  for (const auto& p : history["get"]["parameters"]) ids += p.value("name", "") == "id";
  EXPECT_EQ(ids, 1);
  for (const auto& p : history["get"]["parameters"]) EXPECT_NE(p.value("name", ""), "chat_id");
  EXPECT_EQ(history["parameters"][0]["$ref"], "#/components/parameters/ChatId");
}

TEST(OpenApiDocument, ListsEveryErrorCode) {
  auto doc = BuildDocument({}, {});
  const auto& code = doc["components"]["schemas"]["Problem"]["properties"]["code"];
  ASSERT_EQ(code["enum"].size(), AllErrorCodes().size());
  for (auto c : AllErrorCodes()) {
    EXPECT_NE(std::find(code["enum"].begin(), code["enum"].end(), std::string(CodeName(c))), code["enum"].end());
    EXPECT_NE(code["description"].get<std::string>().find("`" + std::string(CodeName(c)) + "`"), std::string::npos);
  }
}

TEST(OpenApiDocument, IncludesACompatibilitySurfaceOnlyWhenServed) {
  EXPECT_FALSE(BuildDocument({}, {})["paths"].contains("/telegram/user/send"));
  auto doc = BuildDocument({}, {"user-api"});
  EXPECT_TRUE(doc["paths"].contains("/telegram/user/send"));
  EXPECT_FALSE(doc["paths"].contains("/profiles"));
}

TEST(OpenApiDocument, ErrorsPageHasAnAnchorPerCode) {
  auto page = ErrorsPage();
  for (auto c : AllErrorCodes()) {
    std::string name(CodeName(c));
    EXPECT_NE(page.find("<tr id=\"" + name + "\">"), std::string::npos) << name;
  }
  EXPECT_EQ(page.find('`'), std::string::npos);  // summaries' `code` spans became <code>
}

TEST(OpenApiDocument, ProblemTypeIsARelativeReferenceToTheCodesEntry) {
  EXPECT_EQ(ProblemType(ErrorCode::kFloodWait), "/docs/errors#flood_wait");
  auto problem = Response::Problem(Error(ErrorCode::kNotFound, "no such account"), "/v1/accounts/acc_x");
  EXPECT_EQ(nlohmann::json::parse(problem.body)["type"], "/docs/errors#not_found");
}

}  // namespace
}  // namespace tgmux::api::openapi
