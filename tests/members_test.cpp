// End-to-end: changing a member's role and removing a member (PATCH and DELETE
// /v1/tenant/members/{id}): who may do it to whom, the last owner, credentials
// that stop working at once, the audit log, and other tenants.
#include <gtest/gtest.h>

#include <algorithm>

#include "tests/support/tgmux_server.h"

namespace tgmux::testing {
namespace {

using nlohmann::json;

// A member's credentials, from their registration answer.
struct Member {
  std::string id;
  std::string access_token;
  std::string refresh_token;
};

class MembersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.Start()) << server_.process().Stderr();
    owner_ = server_.SignInOwner();
    ASSERT_FALSE(owner_.is_null());
    owner_id_ = owner_["user"]["id"];
  }
  HttpResponse As(const std::string& token, const std::string& method, const std::string& target,
                  const json& body = nullptr) {
    return server_.Anonymous().Request(method, target, body.is_null() ? "" : body.dump(),
                                       {{"Authorization", "Bearer " + token}});
  }
  HttpResponse SetRole(const std::string& token, const std::string& id, const std::string& role) {
    return As(token, "PATCH", "/v1/tenant/members/" + id, {{"role", role}});
  }
  HttpResponse Remove(const std::string& token, const std::string& id) {
    return As(token, "DELETE", "/v1/tenant/members/" + id);
  }
  // Invites `email` as `role` (by the owner unless `inviter` is given) and registers with the invite.
  Member Join(const std::string& email, const std::string& role, const std::string& inviter = "") {
    auto invited = As(inviter.empty() ? OwnerToken() : inviter, "POST", "/v1/tenant/members",
                      {{"email", email}, {"role", role}});
    EXPECT_EQ(invited.status, 201) << invited.body;
    auto joined = server_.Anonymous().Post(
        "/v1/auth/register", {{"email", email}, {"password", "member-password"}, {"invite", invited.Json()["invite"]}});
    EXPECT_EQ(joined.status, 201) << joined.body;
    auto tokens = joined.Json();
    return {tokens["user"].value("id", ""), tokens.value("access_token", ""), tokens.value("refresh_token", "")};
  }
  std::string OwnerToken() const { return owner_["access_token"]; }
  // Sorted: members who joined within one second are listed in no fixed order.
  std::vector<std::string> MemberEmails() {
    auto members = As(OwnerToken(), "GET", "/v1/tenant/members").Json()["items"];
    std::vector<std::string> emails;
    for (const auto& member : members) emails.push_back(member["email"]);
    std::sort(emails.begin(), emails.end());
    return emails;
  }

  TgmuxServer server_{std::map<std::string, std::string>{{"TGMUX_REGISTRATION", "open"}}};
  json owner_;
  std::string owner_id_;
};

TEST_F(MembersTest, AnAdminManagesOperatorsButNeitherOwnersNorAdmins) {
  Member admin = Join("admin@example.test", "admin");
  Member other_admin = Join("admin2@example.test", "admin");
  Member op = Join("op@example.test", "operator", admin.access_token);

  // Admins cannot grant admin (as with invites), nor touch admins or owners.
  EXPECT_EQ(SetRole(admin.access_token, op.id, "admin").status, 403);
  EXPECT_EQ(SetRole(admin.access_token, owner_id_, "operator").status, 403);
  EXPECT_EQ(Remove(admin.access_token, owner_id_).status, 403);
  auto on_admin = SetRole(admin.access_token, other_admin.id, "operator");
  EXPECT_EQ(on_admin.status, 403) << on_admin.body;
  EXPECT_EQ(on_admin.Json()["code"], "forbidden");
  EXPECT_EQ(Remove(admin.access_token, other_admin.id).status, 403);
  EXPECT_EQ(As(OwnerToken(), "GET", "/v1/me").Json()["role"], "owner");
  EXPECT_EQ(As(other_admin.access_token, "GET", "/v1/api-keys").status, 200);

  auto same = SetRole(admin.access_token, op.id, "operator");
  EXPECT_EQ(same.status, 200) << same.body;
  EXPECT_EQ(same.Json()["role"], "operator");
  EXPECT_EQ(As(op.access_token, "GET", "/v1/accounts").status, 200);
  auto removed = Remove(admin.access_token, op.id);
  EXPECT_EQ(removed.status, 204) << removed.body;
  EXPECT_EQ(As(op.access_token, "GET", "/v1/accounts").status, 401);
  EXPECT_EQ(MemberEmails(), (std::vector<std::string>{"admin2@example.test", "admin@example.test",
                                                      TgmuxServer::kOwnerEmail}));
  EXPECT_EQ(Remove(admin.access_token, op.id).status, 404);
}

TEST_F(MembersTest, ADemotedMembersSameTokenLosesTheOldRightsAtOnce) {
  Member admin = Join("admin@example.test", "admin");
  auto key = As(admin.access_token, "POST", "/v1/api-keys", {{"name", "admin's"}, {"role", "admin"}});
  ASSERT_EQ(key.status, 201) << key.body;
  std::string api_key = key.Json()["key"];
  EXPECT_EQ(As(admin.access_token, "GET", "/v1/api-keys").status, 200);
  EXPECT_EQ(As(api_key, "GET", "/v1/api-keys").status, 200);

  auto demoted = SetRole(OwnerToken(), admin.id, "operator");
  ASSERT_EQ(demoted.status, 200) << demoted.body;
  EXPECT_EQ(demoted.Json()["role"], "operator");
  auto refused = As(admin.access_token, "GET", "/v1/api-keys");
  EXPECT_EQ(refused.status, 403) << refused.body;
  EXPECT_EQ(As(admin.access_token, "POST", "/v1/tenant/members", {{"email", "x@example.test"}}).status, 403);
  EXPECT_EQ(As(admin.access_token, "GET", "/v1/me").Json()["role"], "operator");
  EXPECT_EQ(As(admin.access_token, "GET", "/v1/accounts").status, 200);  // still a member
  // The admin key the member made no longer outranks them.
  EXPECT_EQ(As(api_key, "GET", "/v1/api-keys").status, 403);
  EXPECT_EQ(As(api_key, "GET", "/v1/me").Json()["role"], "operator");
  // A refresh gives tokens with the new role too.
  auto refreshed = server_.Anonymous().Post("/v1/auth/refresh", {{"refresh_token", admin.refresh_token}});
  ASSERT_EQ(refreshed.status, 200) << refreshed.body;
  EXPECT_EQ(refreshed.Json()["user"]["role"], "operator");
}

TEST_F(MembersTest, AnOwnerRemovesAnAdminWhoseTokensAndKeysAreRefusedAtOnce) {
  Member admin = Join("admin@example.test", "admin");
  auto key = As(admin.access_token, "POST", "/v1/api-keys", {{"name", "integration"}});
  ASSERT_EQ(key.status, 201) << key.body;
  std::string api_key = key.Json()["key"];
  EXPECT_EQ(As(api_key, "GET", "/v1/accounts").status, 200);
  EXPECT_EQ(As(admin.access_token, "GET", "/v1/me").status, 200);

  auto removed = Remove(OwnerToken(), admin.id);
  ASSERT_EQ(removed.status, 204) << removed.body;
  auto access = As(admin.access_token, "GET", "/v1/me");
  EXPECT_EQ(access.status, 401) << access.body;
  EXPECT_EQ(access.Json()["code"], "unauthorized");
  EXPECT_EQ(As(api_key, "GET", "/v1/accounts").status, 401);
  auto refresh = server_.Anonymous().Post("/v1/auth/refresh", {{"refresh_token", admin.refresh_token}});
  EXPECT_EQ(refresh.status, 401) << refresh.body;
  auto sign_in = server_.Anonymous().Post("/v1/auth/login",
                                          {{"email", "admin@example.test"}, {"password", "member-password"}});
  EXPECT_EQ(sign_in.status, 401);
  EXPECT_EQ(MemberEmails(), (std::vector<std::string>{TgmuxServer::kOwnerEmail}));
  EXPECT_EQ(As(OwnerToken(), "GET", "/v1/me").status, 200);
}

TEST_F(MembersTest, TheLastOwnerCanNeitherLeaveNorBeDemoted) {
  for (const auto& answer : {SetRole(OwnerToken(), owner_id_, "admin"), Remove(OwnerToken(), owner_id_)}) {
    EXPECT_EQ(answer.status, 409) << answer.body;
    EXPECT_EQ(answer.Json()["code"], "conflict");
    EXPECT_NE(answer.Json()["detail"].get<std::string>().find("last owner"), std::string::npos) << answer.body;
  }
  EXPECT_EQ(As(OwnerToken(), "GET", "/v1/me").Json()["role"], "owner");

  // With a second owner, the first may step down; the second is then the last.
  Member second = Join("second@example.test", "admin");
  auto promoted = SetRole(OwnerToken(), second.id, "owner");
  ASSERT_EQ(promoted.status, 200) << promoted.body;
  EXPECT_EQ(Remove(OwnerToken(), owner_id_).status, 204);
  EXPECT_EQ(As(OwnerToken(), "GET", "/v1/me").status, 401);
  EXPECT_EQ(SetRole(second.access_token, second.id, "operator").status, 409);
  EXPECT_EQ(Remove(second.access_token, second.id).status, 409);
  EXPECT_EQ(As(second.access_token, "GET", "/v1/me").Json()["role"], "owner");
}

TEST_F(MembersTest, MembersMayLowerTheirOwnRoleOrLeaveButNotRaiseIt) {
  Member admin = Join("admin@example.test", "admin");
  Member op = Join("op@example.test", "operator");
  EXPECT_EQ(SetRole(op.access_token, op.id, "admin").status, 403);
  EXPECT_EQ(SetRole(admin.access_token, admin.id, "owner").status, 403);
  EXPECT_EQ(Remove(op.access_token, admin.id).status, 403);
  EXPECT_EQ(SetRole(op.access_token, owner_id_, "operator").status, 403);

  EXPECT_EQ(SetRole(admin.access_token, admin.id, "operator").status, 200);
  EXPECT_EQ(As(admin.access_token, "GET", "/v1/audit").status, 403);
  EXPECT_EQ(Remove(op.access_token, op.id).status, 204);
  EXPECT_EQ(As(op.access_token, "GET", "/v1/accounts").status, 401);
}

TEST_F(MembersTest, BadRolesAndUnknownMembersAreRefusedClearly) {
  Member op = Join("op@example.test", "operator");
  auto bad = SetRole(OwnerToken(), op.id, "superuser");
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(bad.Json()["code"], "invalid_request");
  EXPECT_EQ(bad.Json()["accepted_roles"], json({"owner", "admin", "operator"}));
  EXPECT_EQ(As(OwnerToken(), "PATCH", "/v1/tenant/members/" + op.id, json::object()).status, 400);
  EXPECT_EQ(SetRole(OwnerToken(), "usr_unknown", "operator").status, 404);
  EXPECT_EQ(Remove(OwnerToken(), "usr_unknown").status, 404);
  EXPECT_EQ(As(op.access_token, "GET", "/v1/me").Json()["role"], "operator");
}

TEST_F(MembersTest, TheAuditLogShowsWhoChangedAndRemovedWhom) {
  Member admin = Join("admin@example.test", "admin");
  ASSERT_EQ(SetRole(OwnerToken(), admin.id, "operator").status, 200);
  ASSERT_EQ(Remove(OwnerToken(), admin.id).status, 204);
  auto audit = As(OwnerToken(), "GET", "/v1/audit?limit=2");
  ASSERT_EQ(audit.status, 200) << audit.body;
  auto entries = audit.Json()["items"];  // a copy: the parsed document is a temporary
  ASSERT_EQ(entries.size(), 2u) << audit.body;
  EXPECT_EQ(entries[0]["event"], "member_removed");
  EXPECT_EQ(entries[0]["actor"], owner_id_);
  EXPECT_EQ(entries[0]["detail"]["member"], admin.id);
  EXPECT_EQ(entries[0]["detail"]["old_role"], "operator");
  EXPECT_EQ(entries[1]["event"], "member_role_changed");
  EXPECT_EQ(entries[1]["actor"], owner_id_);
  EXPECT_EQ(entries[1]["detail"]["member"], admin.id);
  EXPECT_EQ(entries[1]["detail"]["old_role"], "admin");
  EXPECT_EQ(entries[1]["detail"]["new_role"], "operator");
  EXPECT_EQ(entries[1]["ip"], "127.0.0.1");
  for (const auto& secret : {admin.access_token, admin.refresh_token, std::string("member-password")}) {
    EXPECT_EQ(audit.body.find(secret), std::string::npos);
  }
}

TEST_F(MembersTest, AnotherTenantCanNeitherSeeNorTouchAMember) {
  Member op = Join("op@example.test", "operator");
  auto b = server_.Anonymous().Post("/v1/auth/register", {{"email", "owner@b.test"}, {"password", "tenant-b-pw-1"}});
  ASSERT_EQ(b.status, 201) << b.body;
  std::string b_token = b.Json()["access_token"], b_id = b.Json()["user"]["id"];
  EXPECT_EQ(As(b_token, "GET", "/v1/tenant/members").body.find("op@example.test"), std::string::npos);
  for (const auto& answer : {SetRole(b_token, op.id, "owner"), Remove(b_token, op.id),
                             SetRole(b_token, owner_id_, "admin"), Remove(b_token, owner_id_)}) {
    EXPECT_EQ(answer.status, 404) << answer.body;
    EXPECT_EQ(answer.Json()["code"], "not_found");
    EXPECT_EQ(answer.body.find("op@example.test"), std::string::npos);
  }
  EXPECT_EQ(Remove(OwnerToken(), b_id).status, 404);
  EXPECT_EQ(As(op.access_token, "GET", "/v1/me").Json()["role"], "operator");
  EXPECT_EQ(As(OwnerToken(), "GET", "/v1/me").Json()["role"], "owner");
  EXPECT_EQ(As(b_token, "GET", "/v1/me").Json()["role"], "owner");
}

}  // namespace
}  // namespace tgmux::testing
