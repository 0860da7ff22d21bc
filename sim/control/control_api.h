#pragma once
// The control API (HTTP JSON under /control): tests and demos act as the rest of the
// world: create users and bots, read login codes, confirm QR links, write messages as
// other users, revoke sessions, inject faults, switch the network. Transport-free: the
// server hands over method, target and body and writes back what this returns.
#include <string>
#include <string_view>

#include "sim/engine/world.h"

namespace tgsim {

struct ControlResponse {
  int status = 200;
  std::string body;  // JSON, empty for 204
  std::string content_type = "application/json";
};

ControlResponse HandleControl(World& world, std::string_view method, std::string_view target,
                              std::string_view body);

}  // namespace tgsim
