// End-to-end: linking an account by QR code (confirmed from "another device"
// through the simulator's control API).
#include "tests/support/linked_gateway.h"

namespace tgmux::testing {
namespace {

class QrLoginTest : public LinkedGatewayTest {
 protected:
  nlohmann::json StartQr() {
    auto started = http().Post("/v1/logins", {{"method", "qr"}});
    EXPECT_EQ(started.status, 201) << started.body;
    return started.Json();
  }
  void Confirm(const std::string& link, const std::string& phone) {
    auto confirmed = Control("POST", "/qr/confirm", {{"link", link}, {"phone", phone}});
    ASSERT_EQ(confirmed.status, 204) << confirmed.body.dump();
  }
};

TEST_F(QrLoginTest, ConfirmedFromAnotherDeviceLinksTheAccount) {
  StartGateway();
  CreateUser("+15551001122", "Quinn");
  auto login = StartQr();
  EXPECT_EQ(login["state"], "qr_pending");
  std::string link = login["qr"]["link"];
  EXPECT_EQ(link.rfind("tg://login?token=", 0), 0u) << link;
  EXPECT_TRUE(login["qr"]["expires_at"].is_string());
  Confirm(link, "+15551001122");
  auto done = PollLogin(login["id"], [](const auto& l) { return l["state"] == "done"; });
  ASSERT_EQ(done["state"], "done") << done.dump();
  EXPECT_EQ(done["account"]["status"], "active");
  EXPECT_EQ(done["account"]["method"], "qr");
  EXPECT_EQ(done["account"]["phone_masked"], "+155******22");
}

TEST_F(QrLoginTest, ConfirmationThenPassword) {
  StartGateway();
  CreateUser("+15551002233", "Rita", {{"password", "open sesame"}, {"password_hint", "sesame"}});
  auto login = StartQr();
  Confirm(login["qr"]["link"], "+15551002233");
  std::string id = login["id"];
  auto waiting = PollLogin(id, [](const auto& l) { return l["state"] == "password_needed"; });
  ASSERT_EQ(waiting["state"], "password_needed") << waiting.dump();
  EXPECT_EQ(waiting["password_hint"], "sesame");
  EXPECT_FALSE(waiting.contains("qr"));
  auto done = http().Post("/v1/logins/" + id + "/password", {{"password", "open sesame"}});
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_EQ(done.Json()["state"], "done");
}

TEST_F(QrLoginTest, PollingSeesTheRenewedLink) {
  StartGateway();
  auto login = StartQr();
  std::string first = login["qr"]["link"];
  auto renewed = PollLogin(login["id"], [&](const auto& l) { return l.contains("qr") && l["qr"]["link"] != first; });
  ASSERT_TRUE(renewed.contains("qr")) << renewed.dump();
  EXPECT_NE(renewed["qr"]["link"], first);
  EXPECT_EQ(renewed["state"], "qr_pending");
}

TEST_F(QrLoginTest, ExpiresAfterTheQrTimeout) {
  StartGateway({{"TGMUX_QR_TIMEOUT", "2"}});
  auto login = StartQr();
  auto expired = PollLogin(login["id"], [](const auto& l) { return l["state"] == "expired"; });
  EXPECT_EQ(expired["state"], "expired") << expired.dump();
  EXPECT_FALSE(expired.contains("qr"));
  EXPECT_EQ(http().Get("/v1/logins/" + login["id"].get<std::string>() + "/qr.png").status, 409);
}

TEST_F(QrLoginTest, QrImagesDrawTheCurrentLink) {
  StartGateway();
  std::string id = StartQr()["id"];
  auto png = http().Get("/v1/logins/" + id + "/qr.png");
  ASSERT_EQ(png.status, 200);
  EXPECT_EQ(png.Header("content-type"), "image/png");
  EXPECT_EQ(png.body.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  auto svg = http().Get("/v1/logins/" + id + "/qr.svg");
  EXPECT_EQ(svg.Header("content-type"), "image/svg+xml");
  EXPECT_NE(svg.body.find("<svg"), std::string::npos);
  auto txt = http().Get("/v1/logins/" + id + "/qr.txt");
  EXPECT_NE(txt.body.find("\u2588"), std::string::npos);
  EXPECT_GT(std::count(txt.body.begin(), txt.body.end(), '\n'), 10);
}

}  // namespace
}  // namespace tgmux::testing
