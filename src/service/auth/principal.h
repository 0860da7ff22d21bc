// Who is making a request: an app user (JWT access token) or an API key, the
// tenant it acts in and its role. Every /v1 route but the auth ones has one.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace tgmux::service {

// Ordered: a higher role may do everything a lower one may.
//   operator: reads and sends;
//   admin:    also links and unlinks accounts, manages webhooks, API keys, and
//             invites, re-roles (to operator) and removes operators;
//   owner:    also invites admins, and changes the role of or removes anyone.
enum class Role { kOperator = 0, kAdmin = 1, kOwner = 2 };

// Whether `a` is a higher role than `b`.
constexpr bool Outranks(Role a, Role b) { return static_cast<int>(a) > static_cast<int>(b); }

std::string_view RoleName(Role role);
// nullopt for anything but "owner", "admin", "operator".
std::optional<Role> ParseRole(std::string_view name);

struct Principal {
  enum class Kind { kUser, kApiKey };
  Kind kind = Kind::kUser;
  std::string id;  // user id or API key id
  std::string tenant_id;
  Role role = Role::kOperator;
  std::string token_id;  // jti of the access token (users only)

  bool AtLeast(Role minimum) const { return !Outranks(minimum, role); }
  std::string_view KindName() const { return kind == Kind::kUser ? "user" : "api_key"; }
};

inline std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kOwner: return "owner";
    case Role::kAdmin: return "admin";
    case Role::kOperator: return "operator";
  }
  return "operator";
}

inline std::optional<Role> ParseRole(std::string_view name) {
  if (name == "owner") return Role::kOwner;
  if (name == "admin") return Role::kAdmin;
  if (name == "operator") return Role::kOperator;
  return std::nullopt;
}

}  // namespace tgmux::service
