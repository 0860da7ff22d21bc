// End-to-end: media through the real tgmux and the simulator. Sending a photo
// and a document by upload (caption formatting included), re-sending by
// file_id (and another account's file_id refused), incoming files described in
// history and events and downloaded byte-identical, ranges, the headers that
// keep a file from running on tgmux's origin, the download cache's limit, and
// the spool left empty once entries end.
#include <csignal>
#include <filesystem>
#include <set>

#include "tests/support/media_files.h"
#include "tests/support/outbox_fixture.h"
#include "tests/support/wait.h"

namespace tgmux::testing {
namespace {

using nlohmann::json;

class MediaTest : public OutboxFixture {
 protected:
  HttpResponse Upload(const std::vector<std::pair<std::string, std::string>>& fields, const FormFile& file,
                      const std::string& query = "?wait=20") {
    auto form = BuildMultipart(fields, {file});
    return http().Request("POST", "/v1/accounts/" + account_ + "/messages" + query, form.body,
                          {{"Content-Type", form.content_type}});
  }
  // Bob sends Ann a file; returns the newest message of the chat as Ann's history shows it.
  json FromBob(const std::string& type, const std::string& file_name, const std::string& mime,
               const std::string& bytes, const std::string& caption = "") {
    auto sent = Control("POST", "/messages",
                        {{"from", kBob}, {"to", kAnn}, {"text", caption},
                         {"media", {{"type", type}, {"file_name", file_name}, {"mime_type", mime},
                                    {"data", Base64(bytes)}}}});
    EXPECT_EQ(sent.status, 201) << sent.body;
    json newest;
    EXPECT_TRUE(WaitUntil(
        [&] {
          auto page = http().Get(History() + "?limit=1");
          if (page.status != 200) return false;
          newest = page.Json()["items"][0];
          return newest.contains("media") && newest["message_id"] != last_seen_;
        },
        std::chrono::seconds(10)))
        << newest;
    last_seen_ = newest["message_id"];
    return newest;
  }
  std::string History() { return "/v1/accounts/" + account_ + "/chats/" + std::to_string(bob_id_) + "/messages"; }
  std::string FileUrl(const std::string& file_id) { return "/v1/accounts/" + account_ + "/files/" + file_id; }
  int SpooledFiles() {
    int count = 0;
    std::error_code ec;
    for (auto it = std::filesystem::recursive_directory_iterator(data_dir_ / "media", ec);
         it != std::filesystem::recursive_directory_iterator(); ++it) {
      if (it->is_regular_file()) ++count;
    }
    return count;
  }

  json last_seen_;
};

TEST_F(MediaTest, APhotoUploadArrivesAsAPhotoWithItsCaption) {
  Prepare();
  std::string png = PngBytes(640, 480, 50000);
  auto answer = Upload({{"to", "@bob"}, {"type", "photo"}, {"text", "our **new** office"}, {"parse_mode", "markdown"}},
                       {"file", "office.png", "image/png", png});
  ASSERT_EQ(answer.status, 200) << answer.body;
  auto entry = answer.Json();
  EXPECT_EQ(entry["state"], "sent") << entry;
  EXPECT_EQ(entry["media"]["type"], "photo") << entry;

  auto bob = Received(kBob);
  ASSERT_EQ(bob.size(), 1u) << bob;
  EXPECT_EQ(bob[0]["media"]["type"], "photo") << bob[0];
  EXPECT_EQ(bob[0]["text"], "our new office");
  EXPECT_EQ(bob[0]["entities"][0]["type"]["@type"], "textEntityTypeBold") << bob[0];
  EXPECT_EQ(bob[0]["media"]["sha256"], Sha256Hex(png)) << "Bob gets the very bytes uploaded";

  // Ann's own history describes it, with a file id she can use again.
  auto mine = http().Get(History() + "?limit=1").Json()["items"][0];
  EXPECT_EQ(mine["media"]["type"], "photo") << mine;
  EXPECT_EQ(mine["media"]["width"], 640) << mine;
  EXPECT_EQ(mine["text"], "our new office");
  EXPECT_TRUE(mine["media"]["file_id"].is_string()) << mine;
  EXPECT_TRUE(WaitUntil([&] { return SpooledFiles() == 0; }, std::chrono::seconds(5)))
      << "the sealed upload and its clear copy are gone once the entry is sent";
}

TEST_F(MediaTest, AnIdempotencyKeySendsAnUploadOnce) {
  Prepare();
  auto form = BuildMultipart({{"to", "@bob"}, {"text", "invoice"}}, {{"file", "invoice.pdf", "application/pdf",
                                                                     PatternBytes(20000, 5)}});
  auto send = [&] {
    return http().Request("POST", "/v1/accounts/" + account_ + "/messages?wait=20", form.body,
                          {{"Content-Type", form.content_type}, {"Idempotency-Key", "invoice-77"}});
  };
  auto first = send();
  auto again = send();
  ASSERT_EQ(first.status, 200) << first.body;
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(first.Json()["id"], again.Json()["id"]);
  EXPECT_EQ(Received(kBob).size(), 1u);
  EXPECT_TRUE(WaitUntil([&] { return SpooledFiles() == 0; }, std::chrono::seconds(5)))
      << "the second upload of the same key is not kept";
}

TEST_F(MediaTest, ACaptionIsEditedLikeAText) {
  Prepare();
  auto sent = Upload({{"to", "@bob"}, {"type", "photo"}, {"text", "draft"}}, {"file", "p.png", "image/png",
                                                                              PngBytes(50, 50, 500)});
  ASSERT_EQ(sent.status, 200) << sent.body;
  std::string url = History() + "/" + std::to_string(sent.Json()["message_id"].get<std::int64_t>());
  auto edited = http().Request("PATCH", url, json{{"caption", "**final** caption"}, {"parse_mode", "markdown"}}.dump());
  ASSERT_EQ(edited.status, 200) << edited.body;
  EXPECT_EQ(edited.Json()["text"], "final caption");
  EXPECT_EQ(edited.Json()["media"]["type"], "photo");
  EXPECT_TRUE(edited.Json()["media"]["file_id"].is_string()) << edited.body;
  EXPECT_TRUE(WaitUntil([&] { return Received(kBob)[0]["text"] == "final caption"; }, std::chrono::seconds(5)))
      << Received(kBob);
  auto both = http().Request("PATCH", url, json{{"caption", "a"}, {"text", "b"}}.dump());
  EXPECT_EQ(both.status, 400) << both.body;
  auto too_long = http().Request("PATCH", url, json{{"caption", std::string(1025, 'x')}}.dump());
  EXPECT_EQ(too_long.status, 400) << too_long.body;
  auto cleared = http().Request("PATCH", url, json{{"caption", ""}}.dump());
  EXPECT_EQ(cleared.status, 200) << cleared.body;
}

TEST_F(MediaTest, ADocumentKeepsItsNameTypeAndFormattedCaption) {
  Prepare();
  std::string pdf = "%PDF-1.4\n" + PatternBytes(120000, 7);
  auto answer = Upload({{"to", "@bob"}, {"caption", "<b>Q3</b> report"}, {"parse_mode", "html"}},
                       {"file", "report Q3.pdf", "application/pdf", pdf});
  ASSERT_EQ(answer.status, 200) << answer.body;
  EXPECT_EQ(answer.Json()["state"], "sent") << answer.body;
  EXPECT_EQ(answer.Json()["media"]["type"], "document") << "document is the default type";
  auto bob = Received(kBob);
  ASSERT_EQ(bob.size(), 1u) << bob;
  EXPECT_EQ(bob[0]["media"]["type"], "document") << bob[0];
  EXPECT_EQ(bob[0]["media"]["file_name"], "report Q3.pdf");
  EXPECT_EQ(bob[0]["media"]["mime_type"], "application/pdf");
  EXPECT_EQ(bob[0]["media"]["size"], pdf.size());
  EXPECT_EQ(bob[0]["media"]["sha256"], Sha256Hex(pdf));
  EXPECT_EQ(bob[0]["text"], "Q3 report");
  EXPECT_EQ(bob[0]["entities"][0]["length"], 2) << bob[0];
}

TEST_F(MediaTest, AnAlbumArrivesAsOneGroupInItsOrder) {
  Prepare();
  std::vector<FormFile> files = {{"file0", "a.png", "image/png", PngBytes(100, 80, 3000)},
                                 {"file1", "b.mp4", "video/mp4", PatternBytes(40000, 9)},
                                 {"file2", "c.jpg", "", PngBytes(60, 60, 2000)}};
  auto form = BuildMultipart({{"to", "@bob"}, {"type", "album"}, {"text", "the trip"}}, files);
  auto answer = http().Request("POST", "/v1/accounts/" + account_ + "/messages?wait=20", form.body,
                               {{"Content-Type", form.content_type}});
  ASSERT_EQ(answer.status, 200) << answer.body;
  auto entry = answer.Json();
  EXPECT_EQ(entry["state"], "sent") << entry;
  EXPECT_EQ(entry["media"]["type"], "album");
  ASSERT_EQ(entry["media"]["message_ids"].size(), 3u) << entry;
  EXPECT_EQ(entry["media"]["items"][1]["type"], "video") << entry;
  EXPECT_EQ(entry["message_id"], entry["media"]["message_ids"][0]);

  auto bob = Received(kBob);
  ASSERT_EQ(bob.size(), 3u) << bob;
  EXPECT_EQ(bob[0]["media"]["type"], "photo");
  EXPECT_EQ(bob[1]["media"]["type"], "video");
  EXPECT_EQ(bob[2]["media"]["type"], "photo") << "a name ending in .jpg is a photo";
  EXPECT_EQ(bob[1]["media"]["sha256"], Sha256Hex(files[1].bytes));
  EXPECT_EQ(bob[0]["text"], "the trip");
  EXPECT_NE(bob[0]["media_album_id"], "0");
  EXPECT_EQ(bob[0]["media_album_id"], bob[2]["media_album_id"]);

  auto upload = [&](const std::vector<FormFile>& parts) {
    auto body = BuildMultipart({{"to", "@bob"}, {"type", "album"}}, parts);
    return http().Request("POST", "/v1/accounts/" + account_ + "/messages", body.body,
                          {{"Content-Type", body.content_type}});
  };
  auto mixed = upload({{"file0", "a.png", "image/png", "png"}, {"file1", "b.pdf", "application/pdf", "pdf"}});
  EXPECT_EQ(mixed.status, 400) << mixed.body;
  EXPECT_NE(mixed.body.find("documents only"), std::string::npos) << mixed.body;
  auto single = upload({{"file0", "a.png", "image/png", "png"}});
  EXPECT_EQ(single.status, 400) << single.body;
  auto misnamed = upload({{"file0", "a.png", "image/png", "png"}, {"photo", "b.png", "image/png", "png"}});
  EXPECT_EQ(misnamed.status, 400) << misnamed.body;
  EXPECT_EQ(Received(kBob).size(), 3u) << "refused albums send nothing";
  auto documents = upload({{"file0", "a.pdf", "application/pdf", "1"}, {"file1", "b.txt", "text/plain", "2"}});
  ASSERT_EQ(documents.status, 202) << documents.body;
  EXPECT_EQ(Settled(documents.Json()["id"])["state"], "sent");
  EXPECT_EQ(Received(kBob).size(), 5u);
}

TEST_F(MediaTest, AnIncomingDocumentDownloadsByteIdenticalWithRangesAndSafeHeaders) {
  Prepare();
  std::string bytes = PatternBytes(300 * 1024 + 17, 42);
  auto message = FromBob("document", "data.bin", "application/octet-stream", bytes, "numbers");
  ASSERT_EQ(message["media"]["type"], "document") << message;
  EXPECT_EQ(message["media"]["size"], bytes.size());
  EXPECT_EQ(message["media"]["file_name"], "data.bin");
  EXPECT_EQ(message["text"], "numbers");
  std::string file_id = message["media"]["file_id"];

  auto whole = http().Get(FileUrl(file_id));
  ASSERT_EQ(whole.status, 200) << whole.body.substr(0, 300);
  EXPECT_EQ(Sha256Hex(whole.body), Sha256Hex(bytes));
  EXPECT_EQ(whole.Header("content-length"), std::to_string(bytes.size()));
  EXPECT_EQ(whole.Header("content-type"), "application/octet-stream");
  EXPECT_EQ(whole.Header("accept-ranges"), "bytes");
  EXPECT_EQ(whole.Header("x-content-type-options"), "nosniff");
  EXPECT_EQ(whole.Header("content-security-policy"), "sandbox");
  EXPECT_EQ(whole.Header("content-disposition").rfind("attachment; filename=\"data.bin\"", 0), 0u)
      << whole.Header("content-disposition");

  auto middle = http().Request("GET", FileUrl(file_id), "", {{"Range", "bytes=1000-1999"}});
  ASSERT_EQ(middle.status, 206);
  EXPECT_EQ(middle.body, bytes.substr(1000, 1000));
  EXPECT_EQ(middle.Header("content-range"), "bytes 1000-1999/" + std::to_string(bytes.size()));
  auto tail = http().Request("GET", FileUrl(file_id), "", {{"Range", "bytes=-10"}});
  ASSERT_EQ(tail.status, 206);
  EXPECT_EQ(tail.body, bytes.substr(bytes.size() - 10));
  auto open_ended = http().Request("GET", FileUrl(file_id), "", {{"Range", "bytes=307000-"}});
  ASSERT_EQ(open_ended.status, 206);
  EXPECT_EQ(open_ended.body, bytes.substr(307000));
  auto beyond = http().Request("GET", FileUrl(file_id), "", {{"Range", "bytes=999999999-"}});
  EXPECT_EQ(beyond.status, 416);
  EXPECT_EQ(beyond.Header("content-range"), "bytes */" + std::to_string(bytes.size()));

  // The event of the incoming message describes the file too, never its bytes.
  auto events = http().Get("/v1/events?types=message.received&limit=100").Json()["items"];
  bool described = false;
  for (const auto& event : events) {
    if (event["data"]["message"].value("message_id", json()) == message["message_id"]) {
      described = event["data"]["message"]["media"]["file_id"] == file_id;
    }
  }
  EXPECT_TRUE(described) << events;
}

TEST_F(MediaTest, AnUploadedHtmlFileIsNeverServedAsAPageOfTgmux) {
  Prepare();
  std::string html = "<html><script>alert(document.cookie)</script></html>";
  auto message = FromBob("document", "page.html", "text/html", html);
  std::string url = FileUrl(message["media"]["file_id"]) + "?inline=1";
  auto page = http().Get(url);
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_EQ(page.body, html);
  EXPECT_EQ(page.Header("content-disposition").rfind("attachment", 0), 0u) << "inline is only for images, audio, video";
  EXPECT_EQ(page.Header("content-security-policy"), "sandbox");
  EXPECT_EQ(page.Header("x-content-type-options"), "nosniff");

  auto photo = FromBob("photo", "cat.png", "image/png", PngBytes(32, 32, 2000));
  auto shown = http().Get(FileUrl(photo["media"]["file_id"]) + "?inline=1");
  ASSERT_EQ(shown.status, 200) << shown.body.substr(0, 200);
  EXPECT_EQ(shown.Header("content-disposition").rfind("inline", 0), 0u) << shown.Header("content-disposition");
}

TEST_F(MediaTest, AFileIdSendsTheFileAgainButOnlyFromItsOwnAccount) {
  Prepare();
  std::string bytes = PatternBytes(90000, 3);
  auto message = FromBob("document", "contract.pdf", "application/pdf", bytes);
  std::string file_id = message["media"]["file_id"];

  auto again = SendAndWait({{"to", kCarol}, {"media", {{"file_id", file_id}, {"caption", "as discussed"}}}});
  EXPECT_EQ(again["state"], "sent") << again;
  auto carol = Received(kCarol);
  ASSERT_EQ(carol.size(), 1u) << carol;
  EXPECT_EQ(carol[0]["media"]["sha256"], Sha256Hex(bytes));
  EXPECT_EQ(carol[0]["media"]["file_name"], "contract.pdf");
  EXPECT_EQ(carol[0]["text"], "as discussed");

  auto wrong_kind = Send({{"to", kCarol}, {"media", {{"type", "photo"}, {"file_id", file_id}}}});
  EXPECT_EQ(wrong_kind.status, 400) << wrong_kind.body;

  // Another account of the same tenant knows nothing of this file id.
  const std::string dan = "+15557007788";
  CreateUser(dan, "Dan");
  std::string other = Link(dan)["id"];
  auto refused = http().Request("POST", "/v1/accounts/" + other + "/messages",
                                json{{"to", kBob}, {"media", {{"file_id", file_id}}}}.dump());
  EXPECT_EQ(refused.status, 404) << refused.body;
  EXPECT_EQ(http().Get("/v1/accounts/" + other + "/files/" + file_id).status, 404);
}

// kill -9 while 100 queued media sends are being delivered: after the restart
// every entry ends sent or failed (the few in flight at the kill, as outcome
// unknown), none arrives twice, and no sealed file or clear copy is left.
TEST_F(MediaTest, AHundredQueuedMediaSendsSurviveKillMinusNine) {
  const Env fast = {{"TGMUX_OUTBOX_CHAT_INTERVAL", "0.001"}};
  Prepare(fast);
  constexpr int kCount = 100;
  SetDisabled(true);  // the queue fills before delivery starts
  std::vector<std::string> ids;
  for (int i = 0; i < kCount; ++i) {
    auto answer = Upload({{"to", i % 2 ? kCarol : "@bob"}, {"text", "m" + std::to_string(i)}},
                         {"file", "part" + std::to_string(i) + ".bin", "", PatternBytes(4096, 1000 + i)}, "");
    ASSERT_EQ(answer.status, 202) << answer.body;
    ids.push_back(answer.Json()["id"]);
  }
  EXPECT_EQ(SpooledFiles(), kCount) << "each queued upload waits sealed in the spool";
  SetDisabled(false);
  ASSERT_TRUE(WaitUntil([&] { return Received(kBob).size() >= 5; }, std::chrono::seconds(20)));
  gateway_->Stop(SIGKILL);
  std::size_t before_restart = Received(kBob).size() + Received(kCarol).size();
  ASSERT_LT(before_restart, static_cast<std::size_t>(kCount)) << "all sent before the kill";
  StartGateway(fast);

  std::set<int> sent, unknown;
  for (int i = 0; i < kCount; ++i) {
    auto entry = Settled(ids[i], std::chrono::seconds(30));
    if (entry["state"] == "sent") {
      sent.insert(i);
    } else {
      EXPECT_EQ(entry["error"]["code"], "telegram_unreachable") << entry;
      unknown.insert(i);
    }
  }
  EXPECT_LE(unknown.size(), 8u) << "more sends failed than can be in flight at once";
  std::multiset<int> seen;
  for (const auto* person : {kBob, kCarol}) {
    for (const auto& message : Received(person)) {
      std::string text = message["text"];
      int n = std::stoi(text.substr(1));
      seen.insert(n);
      EXPECT_EQ(message["media"]["sha256"], Sha256Hex(PatternBytes(4096, 1000 + n))) << text;
    }
  }
  for (int n : sent) EXPECT_EQ(seen.count(n), 1u) << "m" << n << " is sent but arrived " << seen.count(n) << " times";
  for (int n : unknown) EXPECT_LE(seen.count(n), 1u) << "m" << n << " arrived twice";
  EXPECT_TRUE(WaitUntil([&] { return SpooledFiles() == 0; }, std::chrono::seconds(5)))
      << SpooledFiles() << " files left in the spool";
}

TEST_F(MediaTest, TheDownloadCacheKeepsWithinItsLimit) {
  Prepare({{"TGMUX_FILE_CACHE", "1MiB"}});
  std::vector<std::string> ids;
  std::vector<std::string> contents;
  for (int i = 0; i < 3; ++i) {
    contents.push_back(PatternBytes(450 * 1024, 100 + i));
    ids.push_back(FromBob("document", "part" + std::to_string(i) + ".bin", "application/octet-stream",
                          contents.back())["media"]["file_id"]);
  }
  auto cached_bytes = [&] {
    std::uintmax_t total = 0;
    std::error_code ec;
    for (auto it = std::filesystem::recursive_directory_iterator(data_dir_ / "accounts" / account_, ec);
         it != std::filesystem::recursive_directory_iterator(); ++it) {
      if (it->is_regular_file() && it->path().string().find("/documents/") != std::string::npos) {
        total += it->file_size();
      }
    }
    return total;
  };
  for (int i = 0; i < 3; ++i) {
    auto got = http().Get(FileUrl(ids[i]));
    ASSERT_EQ(got.status, 200);
    EXPECT_EQ(Sha256Hex(got.body), Sha256Hex(contents[i]));
  }
  EXPECT_TRUE(WaitUntil([&] { return cached_bytes() <= (1u << 20); }, std::chrono::seconds(10)))
      << "the least recently used download is deleted: " << cached_bytes() << " bytes cached";
  // An evicted file downloads again when asked.
  auto again = http().Get(FileUrl(ids[0]));
  ASSERT_EQ(again.status, 200);
  EXPECT_EQ(Sha256Hex(again.body), Sha256Hex(contents[0]));
}

}  // namespace
}  // namespace tgmux::testing
