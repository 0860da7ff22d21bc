// End-to-end: what the upload route refuses, and that it refuses it before
// reading what it does not want: bodies over TGMUX_MAX_UPLOAD (announced,
// chunked, or behind Expect: 100-continue), large bodies on other routes,
// uploads without credentials, and malformed or incomplete forms. Nothing a
// refused request sent is left in the data directory.
#include <filesystem>

#include "tests/support/media_files.h"
#include "tests/support/outbox_fixture.h"
#include "tests/support/wait.h"

namespace tgmux::testing {
namespace {

using nlohmann::json;

class MediaUploadLimitsTest : public OutboxFixture {
 protected:
  void SetUp() override {
    OutboxFixture::SetUp();
    Prepare({{"TGMUX_MAX_UPLOAD", "1MiB"}});
    token_ = owner_["access_token"].get<std::string>();
  }

  // The raw request line and headers of an upload to Ann's account.
  std::string Head(const std::string& extra_headers, bool authorized = true) {
    return "POST /v1/accounts/" + account_ + "/messages HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
           (authorized ? "Authorization: Bearer " + token_ + "\r\n" : std::string()) +
           "Content-Type: multipart/form-data; boundary=b\r\n" + extra_headers + "\r\n";
  }
  static int Status(const std::string& raw) {
    return raw.size() > 12 && raw.rfind("HTTP/1.1 ", 0) == 0 ? std::stoi(raw.substr(9, 3)) : 0;
  }
  HttpResponse Upload(const MultipartBody& form) {
    return http().Request("POST", "/v1/accounts/" + account_ + "/messages", form.body,
                          {{"Content-Type", form.content_type}});
  }
  // Files in the media spool (uploads waiting for their entry).
  int Spooled() {
    int count = 0;
    for (const auto& dir : {"outbox", "sending"}) {
      std::error_code ec;
      for (auto it = std::filesystem::recursive_directory_iterator(data_dir_ / "media" / dir, ec);
           it != std::filesystem::recursive_directory_iterator(); ++it) {
        if (it->is_regular_file()) ++count;
      }
    }
    return count;
  }

  std::string token_;
};

TEST_F(MediaUploadLimitsTest, AnAnnouncedLengthOverTheLimitIsRefusedBeforeTheBodyIsSent) {
  // Only the headers go out: an answer proves the server did not wait for the body.
  std::string raw = http().Raw(Head("Content-Length: 2097152\r\n"));
  EXPECT_EQ(Status(raw), 413) << raw;
  EXPECT_NE(raw.find("1 MiB"), std::string::npos) << raw;
}

TEST_F(MediaUploadLimitsTest, ExpectContinueOverTheLimitGetsNoContinueButA413) {
  std::string raw = http().Raw(Head("Content-Length: 5000000\r\nExpect: 100-continue\r\n"));
  EXPECT_EQ(Status(raw), 413) << raw;
  EXPECT_EQ(raw.find("100 Continue"), std::string::npos) << raw;
}

TEST_F(MediaUploadLimitsTest, ExpectContinueWithinTheLimitIsInvitedAndServed) {
  auto form = BuildMultipart({{"to", "@bob"}, {"type", "album"}}, {{"file", "a.txt", "text/plain", "hello"}});
  std::string head = "POST /v1/accounts/" + account_ + "/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " +
                     token_ + "\r\nContent-Type: " + form.content_type + "\r\nContent-Length: " +
                     std::to_string(form.body.size()) + "\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n";
  // The client may send the body right after the headers (as curl does after a
  // short wait): the server's 100 comes first, then the answer.
  std::string raw = http().Raw(head + form.body);
  EXPECT_EQ(raw.rfind("HTTP/1.1 100 Continue", 0), 0u) << raw;
  EXPECT_NE(raw.find("HTTP/1.1 400"), std::string::npos) << raw;  // type=album is refused, but read
}

TEST_F(MediaUploadLimitsTest, AChunkedBodyOverTheLimitIsCutOffWith413) {
  std::string chunk(64 * 1024, 'x');
  std::string body = "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.bin\"\r\n\r\n";
  std::string chunked;
  auto add = [&](const std::string& piece) {
    char size[32];
    std::snprintf(size, sizeof size, "%zx\r\n", piece.size());
    chunked += size + piece + "\r\n";
  };
  add(body);
  for (int i = 0; i < 40; ++i) add(chunk);  // 2.5 MiB
  chunked += "0\r\n\r\n";
  std::string raw = http().Raw(Head("Transfer-Encoding: chunked\r\n") + chunked);
  EXPECT_EQ(Status(raw), 413) << raw.substr(0, 300);
  EXPECT_TRUE(WaitUntil([&] { return Spooled() == 0; }, std::chrono::seconds(5))) << "the partial upload is removed";
}

TEST_F(MediaUploadLimitsTest, OtherRoutesKeepTheirOneMegabyteLimit) {
  std::string big(1536 * 1024, 'a');
  auto answer = http().Request("POST", "/v1/webhooks", json{{"url", "http://127.0.0.1:9/" + big}}.dump());
  EXPECT_EQ(answer.status, 413) << answer.body.substr(0, 200);
  // The messages route itself takes JSON only up to 1 MiB: the upload limit is for files.
  auto json_send = Send({{"to", "@bob"}, {"text", big}});
  EXPECT_EQ(json_send.status, 413);
}

TEST_F(MediaUploadLimitsTest, AnUploadWithoutCredentialsIsRefusedBeforeItsBody) {
  std::string raw = http().Raw(Head("Content-Length: 900000\r\n", false));
  EXPECT_EQ(Status(raw), 401) << raw;
}

TEST_F(MediaUploadLimitsTest, MalformedAndIncompleteFormsAreRefusedNamingTheProblem) {
  auto two_files = Upload(BuildMultipart({{"to", "@bob"}}, {{"file", "a.txt", "text/plain", "a"},
                                                              {"file", "b.txt", "text/plain", "b"}}));
  EXPECT_EQ(two_files.status, 400) << two_files.body;
  EXPECT_NE(two_files.Json()["detail"].get<std::string>().find("given twice"), std::string::npos) << two_files.body;

  auto no_file = Upload(BuildMultipart({{"to", "@bob"}, {"text", "hi"}}, {}));
  EXPECT_EQ(no_file.status, 400) << no_file.body;

  auto bad_type = Upload(BuildMultipart({{"to", "@bob"}, {"type", "sticker"}}, {{"file", "a", "", "a"}}));
  EXPECT_EQ(bad_type.status, 400) << bad_type.body;
  EXPECT_NE(bad_type.Json()["detail"].get<std::string>().find("\"type\""), std::string::npos) << bad_type.body;

  auto wrong_part = Upload(BuildMultipart({{"to", "@bob"}}, {{"photo", "a.png", "image/png", "a"}}));
  EXPECT_EQ(wrong_part.status, 400) << wrong_part.body;

  auto empty_file = Upload(BuildMultipart({{"to", "@bob"}}, {{"file", "empty.txt", "text/plain", ""}}));
  EXPECT_EQ(empty_file.status, 400) << empty_file.body;
  EXPECT_NE(empty_file.body.find("empty"), std::string::npos) << empty_file.body;

  auto cut = http().Request("POST", "/v1/accounts/" + account_ + "/messages",
                            "--b\r\nContent-Disposition: form-data; name=\"to\"\r\n\r\n@bob",
                            {{"Content-Type", "multipart/form-data; boundary=b"}});
  EXPECT_EQ(cut.status, 400) << cut.body;
  EXPECT_NE(cut.body.find("closing boundary"), std::string::npos) << cut.body;

  auto no_boundary = http().Request("POST", "/v1/accounts/" + account_ + "/messages", "x",
                                    {{"Content-Type", "multipart/form-data"}});
  EXPECT_EQ(no_boundary.status, 400) << no_boundary.body;

  EXPECT_EQ(Spooled(), 0) << "refused uploads leave no file behind";
  EXPECT_TRUE(Received(kBob).empty());
}

// Found by fuzz/api_routes: a Latin-1 file name went into the outbox entry's
// JSON, whose writing threw: 500 instead of a refusal naming the part.
TEST_F(MediaUploadLimitsTest, FormTextThatIsNotUtf8IsRefusedNamingThePart) {
  auto detail = [](const HttpResponse& r) { return r.Json().value("detail", ""); };
  auto latin1_name = Upload(BuildMultipart({{"to", "@bob"}}, {{"file", "caf\xe9.jpg", "image/jpeg", "jpeg"}}));
  EXPECT_EQ(latin1_name.status, 400) << latin1_name.body;
  EXPECT_EQ(detail(latin1_name), "form part \"file\": its file name is not UTF-8");

  auto latin1_type = Upload(BuildMultipart({{"to", "@bob"}}, {{"file", "a.jpg", "image/jp\xe9g", "jpeg"}}));
  EXPECT_EQ(latin1_type.status, 400) << latin1_type.body;
  EXPECT_EQ(detail(latin1_type), "form part \"file\": its Content-Type is not UTF-8");

  auto latin1_text = Upload(BuildMultipart({{"to", "@bob"}, {"text", "caf\xe9"}}, {{"file", "a.txt", "text/plain", "a"}}));
  EXPECT_EQ(latin1_text.status, 400) << latin1_text.body;
  EXPECT_EQ(detail(latin1_text), "form field \"text\" is not UTF-8 text");

  EXPECT_EQ(Spooled(), 0) << "refused uploads leave no file behind";
  EXPECT_TRUE(Received(kBob).empty());
}

TEST_F(MediaUploadLimitsTest, AFileIdThisAccountDoesNotHaveIsNotFound) {
  auto answer = Send({{"to", "@bob"}, {"media", {{"type", "photo"}, {"file_id", "file_0123456789abcdef"}}}});
  EXPECT_EQ(answer.status, 404) << answer.body;
  auto no_source = Send({{"to", "@bob"}, {"media", {{"type", "photo"}}}});
  EXPECT_EQ(no_source.status, 400) << no_source.body;
  auto download = http().Get("/v1/accounts/" + account_ + "/files/file_0123456789abcdef");
  EXPECT_EQ(download.status, 404) << download.body;
}

}  // namespace
}  // namespace tgmux::testing
