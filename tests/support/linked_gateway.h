// An end-to-end fixture: a tgsim, and a real tgmux that loads libtdjson_sim.so
// pointed at it, with Telegram credentials set. Helpers act as the user in the
// simulated world (create users, read codes, confirm QR links).
#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "sim/testing/tgsim_process.h"
#include "tests/support/tgmux_server.h"

namespace tgmux::testing {

using Env = std::map<std::string, std::string>;

class LinkedGatewayTest : public ::testing::Test {
 protected:
  void SetUp() override;

  // The environment tgmux gets (TGMUX_TDJSON, TDSIM_ADDR, credentials), plus `extra`.
  Env GatewayEnv(Env extra = {}) const;
  // Starts (or restarts) tgmux on `data_dir_` with `extra` settings, then signs in the
  // owner (registering them on a first start) unless `sign_in_owner` is false (first-run tests).
  void StartGateway(Env extra = {}, bool sign_in_owner = true);

  nlohmann::json CreateUser(const std::string& phone, const std::string& first_name,
                            nlohmann::json extra = nlohmann::json::object());
  std::string LastCode(const std::string& phone);
  nlohmann::json Sessions(const std::string& phone);
  tgsim::testing::HttpResult Control(const std::string& method, const std::string& path,
                                     const nlohmann::json& body = nullptr);

  HttpResponse StartPhoneLogin(const std::string& phone);
  // A full phone login (code, then password when given); returns the account.
  nlohmann::json Link(const std::string& phone, const std::string& password = "");
  // Polls GET /v1/logins/{id} until `predicate` holds or `timeout` passes; returns the last body.
  nlohmann::json PollLogin(const std::string& id, const std::function<bool(const nlohmann::json&)>& predicate,
                           std::chrono::milliseconds timeout = std::chrono::seconds(10));
  nlohmann::json PollAccount(const std::string& id, const std::string& status,
                             std::chrono::milliseconds timeout = std::chrono::seconds(10));

  const HttpClient& http() { return gateway_->http(); }

  std::unique_ptr<tgsim::testing::TgsimProcess> sim_;
  TempDir dir_;
  std::filesystem::path data_dir_;
  std::unique_ptr<TgmuxServer> gateway_;
  nlohmann::json owner_;  // the first owner's tokens; http() sends its access token
};

}  // namespace tgmux::testing
