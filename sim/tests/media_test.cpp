// Files and media messages: uploads by local path, inputFileId and inputFileRemote,
// albums, downloads (synchronous and not), deleteFile and the control routes.
#include <filesystem>
#include <fstream>
#include <iterator>

#include "sim/cloud/files.h"
#include "sim/tests/sim_fixture.h"

namespace tgsim::testing {
namespace {

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// A PNG header with IHDR 3x2 and some payload: enough for the dimensions.
std::string PngBytes() {
  std::string bytes("\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\0\0\x03\0\0\0\x02\x08\x02\0\0\0", 29);
  return bytes + std::string(300, 'p');
}

json Caption(const std::string& text) { return {{"@type", "formattedText"}, {"text", text}}; }
json Local(const std::string& path) { return {{"@type", "inputFileLocal"}, {"path", path}}; }

class SimMedia : public SimTest {
 protected:
  void SetUp() override {
    SimTest::SetUp();
    dir_ = TempDir();
    alice_ = &LoggedIn("+15550601", "alice", dir_ + "/alice");
    bob_ = &LoggedIn("+15550602", "bob", dir_ + "/bob");
    alice_id_ = alice_->RequestOk({{"@type", "getMe"}})["id"];
    bob_id_ = bob_->RequestOk({{"@type", "getMe"}})["id"];
    alice_->RequestOk({{"@type", "searchPublicChat"}, {"username", "@bob"}});
  }

  std::string WriteFile(const std::string& name, const std::string& bytes) {
    std::string path = dir_ + "/" + name;
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }

  json Send(const json& content) {
    return alice_->RequestOk({{"@type", "sendMessage"}, {"chat_id", bob_id_}, {"input_message_content", content}});
  }

  json SendError(const json& content) {
    auto answer = alice_->Request({{"@type", "sendMessage"}, {"chat_id", bob_id_}, {"input_message_content", content}});
    EXPECT_TRUE(answer && TypeOf(*answer) == "error");
    return answer ? *answer : json();
  }

  json Succeeded(std::int64_t temp_id) {
    auto done = alice_->WaitFor([&](const json& o) {
      return TypeOf(o) == "updateMessageSendSucceeded" && o["old_message_id"] == temp_id;
    });
    EXPECT_TRUE(done);
    return done ? (*done)["message"] : json();
  }

  json Incoming() {
    auto update = bob_->WaitFor([](const json& o) {
      return TypeOf(o) == "updateNewMessage" && !o["message"]["is_outgoing"].get<bool>();
    });
    EXPECT_TRUE(update);
    return update ? (*update)["message"] : json();
  }

  std::string dir_;
  ScriptedClient* alice_ = nullptr;
  ScriptedClient* bob_ = nullptr;
  std::int64_t alice_id_ = 0, bob_id_ = 0;
};

json FileOf(const json& content) {
  std::string type = TypeOf(content);
  if (type == "messagePhoto") return content["photo"]["sizes"].back()["photo"];
  if (type == "messageDocument") return content["document"]["document"];
  if (type == "messageVideo") return content["video"]["video"];
  if (type == "messageVoiceNote") return content["voice_note"]["voice"];
  if (type == "messageAudio") return content["audio"]["audio"];
  return content["animation"]["animation"];
}

TEST_F(SimMedia, DocumentUploadShowsProgressThenSucceeds) {
  std::string bytes(1500 * 1024, 'd');
  std::string path = WriteFile("report.pdf", bytes);
  json pending = Send({{"@type", "inputMessageDocument"},
                       {"document", {{"@type", "inputDocument"}, {"document", Local(path)}}},
                       {"caption", Caption("the report")}});
  EXPECT_EQ(pending["sending_state"]["@type"], "messageSendingStatePending");
  json doc = pending["content"]["document"];
  EXPECT_EQ(doc["file_name"], "report.pdf");
  EXPECT_EQ(doc["mime_type"], "application/pdf");
  EXPECT_EQ(doc["document"]["local"]["path"], std::filesystem::canonical(path).string());
  EXPECT_EQ(doc["document"]["remote"]["id"], "");
  EXPECT_EQ(pending["content"]["caption"]["text"], "the report");
  int file_id = doc["document"]["id"];

  json sent = Succeeded(pending["id"]);
  // Progress came before: uploading with a growing uploaded_size, then remote ids.
  std::vector<std::int64_t> uploaded;
  bool remote_seen = false;
  for (const auto& o : alice_->log()) {
    if (TypeOf(o) != "updateFile" || o["file"]["id"] != file_id) continue;
    if (o["file"]["remote"]["is_uploading_active"]) uploaded.push_back(o["file"]["remote"]["uploaded_size"]);
    if (!o["file"]["remote"]["id"].get<std::string>().empty()) remote_seen = true;
  }
  ASSERT_GE(uploaded.size(), 3u);
  EXPECT_TRUE(std::is_sorted(uploaded.begin(), uploaded.end()));
  EXPECT_LT(uploaded.front(), static_cast<std::int64_t>(bytes.size()));
  EXPECT_TRUE(remote_seen);
  json file = sent["content"]["document"]["document"];
  EXPECT_EQ(file["id"], file_id);
  EXPECT_FALSE(file["remote"]["id"].get<std::string>().empty());
  EXPECT_TRUE(file["remote"]["is_uploading_completed"]);
  EXPECT_EQ(file["remote"]["uploaded_size"], bytes.size());

  json received = Incoming();
  json their = received["content"]["document"]["document"];
  EXPECT_EQ(received["content"]["caption"]["text"], "the report");
  EXPECT_EQ(their["local"]["path"], "");
  EXPECT_TRUE(their["local"]["can_be_downloaded"]);
  EXPECT_EQ(their["remote"]["id"], file["remote"]["id"]);
  EXPECT_EQ(their["remote"]["unique_id"], file["remote"]["unique_id"]);

  auto listed = sim_->Control("GET", "/users/+15550602/messages?with=%2B15550601");
  json media = listed.body["messages"].back()["media"];
  EXPECT_EQ(media["type"], "document");
  EXPECT_EQ(media["size"], bytes.size());
  EXPECT_EQ(listed.body["messages"].back()["text"], "the report");
  auto raw = sim_->Control("GET", "/files/" + media["unique_id"].get<std::string>());
  EXPECT_EQ(raw.status, 200);
  EXPECT_TRUE(raw.raw == bytes);
  EXPECT_EQ(sim_->Control("GET", "/files/AAAA").status, 404);
}

TEST_F(SimMedia, EveryKindArrivesWithItsContent) {
  std::string png = WriteFile("pic.png", PngBytes());
  json contents = {
      {{"@type", "inputMessagePhoto"}, {"photo", {{"@type", "inputPhoto"}, {"photo", Local(png)}}}},
      {{"@type", "inputMessageVideo"},
       {"video", {{"@type", "inputVideo"}, {"video", Local(WriteFile("clip.mp4", "video-bytes"))},
                  {"duration", 7}, {"width", 640}, {"height", 360}, {"supports_streaming", true}}}},
      {{"@type", "inputMessageVoiceNote"}, {"voice_note", Local(WriteFile("note.ogg", "voice-bytes"))},
       {"duration", 3}, {"waveform", "AAEC"}},
      {{"@type", "inputMessageAudio"},
       {"audio", {{"@type", "inputAudio"}, {"audio", Local(WriteFile("song.mp3", "audio-bytes"))},
                  {"duration", 200}, {"title", "Song"}, {"performer", "Band"}}}},
      {{"@type", "inputMessageAnimation"},
       {"animation", {{"@type", "inputAnimation"}, {"animation", Local(WriteFile("fun.mp4", "gif-bytes"))},
                      {"duration", 2}, {"width", 100}, {"height", 80}}}}};
  std::vector<std::string> types = {"messagePhoto", "messageVideo", "messageVoiceNote", "messageAudio",
                                    "messageAnimation"};
  for (std::size_t i = 0; i < contents.size(); ++i) {
    json content = contents[i];
    content["caption"] = Caption("c" + std::to_string(i));
    json pending = Send(content);
    json sent = Succeeded(pending["id"]);
    EXPECT_EQ(TypeOf(sent["content"]), types[i]);
    json received = Incoming();
    EXPECT_EQ(TypeOf(received["content"]), types[i]);
    EXPECT_EQ(received["content"]["caption"]["text"], "c" + std::to_string(i));
    EXPECT_FALSE(FileOf(received["content"])["remote"]["id"].get<std::string>().empty());
  }
  auto history = bob_->RequestOk({{"@type", "getChatHistory"}, {"chat_id", alice_id_}, {"limit", 1}});
  EXPECT_EQ(TypeOf(history["messages"][0]["content"]), "messageAnimation");
  auto listed = sim_->Control("GET", "/users/+15550602/messages?with=%2B15550601").body["messages"];
  ASSERT_EQ(listed.size(), 5u);
  EXPECT_EQ(listed[0]["media"]["type"], "photo");
  EXPECT_EQ(listed[0]["media"]["width"], 3);  // read from the PNG header
  EXPECT_EQ(listed[0]["media"]["height"], 2);
  EXPECT_EQ(listed[1]["media"]["duration"], 7);
  EXPECT_EQ(listed[2]["media"]["mime_type"], "audio/ogg");
  EXPECT_EQ(listed[3]["media"]["mime_type"], "audio/mpeg");
  auto got = bob_->RequestOk({{"@type", "getMessage"}, {"chat_id", alice_id_}, {"message_id", listed[1]["message_id"]}});
  EXPECT_EQ(got["content"]["video"]["duration"], 7);
  EXPECT_TRUE(got["content"]["video"]["supports_streaming"]);
  auto missing = bob_->Request({{"@type", "getMessage"}, {"chat_id", alice_id_}, {"message_id", 999 << 20}});
  EXPECT_EQ((*missing)["code"], 404);
  EXPECT_EQ((*missing)["message"], "Not Found");
}

TEST_F(SimMedia, DownloadsAreByteIdenticalAndDeletable) {
  std::string bytes;
  for (int i = 0; i < 700000; ++i) bytes.push_back(static_cast<char>(i * 7));
  auto sent = sim_->Control("POST", "/messages",
                            {{"from", "+15550601"}, {"to", "+15550602"}, {"text", "from control"},
                             {"media", {{"type", "document"}, {"file_name", "data.bin"},
                                        {"data", ""}}}});
  EXPECT_EQ(sent.status, 400);  // empty data
  std::string path = WriteFile("data.bin", bytes);
  json pending = Send({{"@type", "inputMessageDocument"}, {"document", {{"@type", "inputDocument"}, {"document", Local(path)}}}});
  Succeeded(pending["id"]);
  json received = Incoming();
  int file_id = FileOf(received["content"])["id"];

  auto sync = bob_->RequestOk({{"@type", "downloadFile"}, {"file_id", file_id}, {"priority", 1}, {"synchronous", true}}, 10);
  EXPECT_TRUE(sync["local"]["is_downloading_completed"]);
  std::string local = sync["local"]["path"];
  EXPECT_EQ(std::filesystem::path(local).parent_path().filename(), "documents");
  EXPECT_EQ(std::filesystem::path(local).filename(), "data.bin");
  EXPECT_TRUE(ReadAll(local) == bytes);
  EXPECT_TRUE(bob_->WaitFor([&](const json& o) {
    return TypeOf(o) == "updateFile" && o["file"]["id"] == file_id && o["file"]["local"]["is_downloading_active"];
  }));
  EXPECT_TRUE(bob_->WaitFor([&](const json& o) {  // the progress ended with the complete file
    return TypeOf(o) == "updateFile" && o["file"]["id"] == file_id && o["file"]["local"]["is_downloading_completed"];
  }));

  bob_->RequestOk({{"@type", "deleteFile"}, {"file_id", file_id}});
  EXPECT_FALSE(std::filesystem::exists(local));
  auto after = bob_->RequestOk({{"@type", "getFile"}, {"file_id", file_id}});
  EXPECT_EQ(after["local"]["path"], "");
  EXPECT_TRUE(after["local"]["can_be_downloaded"]);

  auto async = bob_->RequestOk({{"@type", "downloadFile"}, {"file_id", file_id}, {"priority", 32}, {"synchronous", false}});
  EXPECT_TRUE(async["local"]["is_downloading_active"]);
  EXPECT_FALSE(async["local"]["is_downloading_completed"]);
  auto done = bob_->WaitFor([&](const json& o) {
    return TypeOf(o) == "updateFile" && o["file"]["id"] == file_id && o["file"]["local"]["is_downloading_completed"];
  });
  ASSERT_TRUE(done);
  EXPECT_TRUE(ReadAll((*done)["file"]["local"]["path"]) == bytes);

  auto bad = bob_->Request({{"@type", "downloadFile"}, {"file_id", file_id}, {"priority", 0}});
  EXPECT_EQ((*bad)["message"], "Priority must be between 1 and 32");
  auto unknown = bob_->Request({{"@type", "downloadFile"}, {"file_id", 99999}, {"priority", 1}});
  EXPECT_EQ((*unknown)["message"], "File not found");
  auto no_file = bob_->Request({{"@type", "getFile"}, {"file_id", 99999}});
  EXPECT_EQ((*no_file)["code"], 404);
}

TEST_F(SimMedia, ControlMediaReachesTheRecipient) {
  std::string png = PngBytes();
  auto sent = sim_->Control("POST", "/messages",
                            {{"from", "+15550601"}, {"to", "+15550602"}, {"text", "look"},
                             {"media", {{"type", "photo"}, {"data", tgsim::Base64Encode(png)}}}});
  ASSERT_EQ(sent.status, 201) << sent.body.dump();
  json received = Incoming();
  EXPECT_EQ(received["content"]["caption"]["text"], "look");
  json size = received["content"]["photo"]["sizes"].back();
  EXPECT_EQ(size["type"], "x");
  EXPECT_EQ(size["width"], 3);
  auto file = bob_->RequestOk({{"@type", "downloadFile"}, {"file_id", size["photo"]["id"]}, {"priority", 1},
                               {"synchronous", true}});
  EXPECT_EQ(std::filesystem::path(file["local"]["path"].get<std::string>()).parent_path().filename(), "photos");
  EXPECT_TRUE(ReadAll(file["local"]["path"]) == png);
}

TEST_F(SimMedia, InputFileIdAndRemote) {
  std::string path = WriteFile("a.txt", "hello file");
  json pending = Send({{"@type", "inputMessageDocument"}, {"document", {{"@type", "inputDocument"}, {"document", Local(path)}}}});
  json sent = Succeeded(pending["id"]);
  json file = FileOf(sent["content"]);
  EXPECT_EQ(sent["content"]["document"]["mime_type"], "text/plain");
  // Again by file id: no new upload, the same remote file.
  json again = Send({{"@type", "inputMessageDocument"},
                     {"document", {{"@type", "inputDocument"}, {"document", {{"@type", "inputFileId"}, {"id", file["id"]}}}}}});
  json again_sent = Succeeded(again["id"]);
  EXPECT_EQ(FileOf(again_sent["content"])["remote"]["unique_id"], file["remote"]["unique_id"]);
  EXPECT_EQ(again_sent["content"]["document"]["file_name"], "a.txt");

  // Bob received it, so he may send it on by its remote id.
  Incoming();
  json remote = {{"@type", "inputFileRemote"}, {"id", file["remote"]["id"]}};
  bob_->RequestOk({{"@type", "searchPublicChat"}, {"username", "@alice"}});
  json forwarded = bob_->RequestOk({{"@type", "sendMessage"}, {"chat_id", alice_id_},
                                    {"input_message_content", {{"@type", "inputMessageDocument"},
                                                               {"document", {{"@type", "inputDocument"}, {"document", remote}}}}}});
  EXPECT_TRUE(bob_->WaitFor([&](const json& o) {
    return TypeOf(o) == "updateMessageSendSucceeded" && o["old_message_id"] == forwarded["id"];
  }));
  auto remote_file = bob_->RequestOk({{"@type", "getRemoteFile"}, {"remote_file_id", file["remote"]["id"]},
                                      {"file_type", {{"@type", "fileTypeDocument"}}}});
  EXPECT_EQ(remote_file["remote"]["unique_id"], file["remote"]["unique_id"]);
  auto as_photo = bob_->Request({{"@type", "getRemoteFile"}, {"remote_file_id", file["remote"]["id"]},
                                 {"file_type", {{"@type", "fileTypePhoto"}}}});
  EXPECT_EQ((*as_photo)["message"], "Can't use file of type Document as Photo");
  auto garbage = bob_->Request({{"@type", "getRemoteFile"}, {"remote_file_id", "not*base64"}});
  EXPECT_EQ((*garbage)["message"], "Wrong remote file identifier specified: Wrong character in the string");

  // Carol never had the file: TDLib cannot send it.
  ScriptedClient& carol = LoggedIn("+15550603", "carol", dir_ + "/carol");
  carol.RequestOk({{"@type", "searchPublicChat"}, {"username", "@bob"}});
  json tried = carol.RequestOk({{"@type", "sendMessage"}, {"chat_id", bob_id_},
                                {"input_message_content", {{"@type", "inputMessageDocument"},
                                                           {"document", {{"@type", "inputDocument"}, {"document", remote}}}}}});
  auto failed = carol.WaitForType("updateMessageSendFailed");
  ASSERT_TRUE(failed);
  EXPECT_EQ((*failed)["old_message_id"], tried["id"]);
  EXPECT_EQ((*failed)["error"]["message"], "Need full local (or generate, or inactive remote) location for upload");
  auto unknown_id = SendError({{"@type", "inputMessageDocument"},
                               {"document", {{"@type", "inputDocument"}, {"document", {{"@type", "inputFileId"}, {"id", 4242}}}}}});
  EXPECT_EQ(unknown_id["message"], "File not found");
}

TEST_F(SimMedia, LocalFileErrors) {
  auto missing = SendError({{"@type", "inputMessageDocument"},
                            {"document", {{"@type", "inputDocument"}, {"document", Local(dir_ + "/nope.pdf")}}}});
  EXPECT_EQ(missing["message"], "Can't find real file path");
  auto empty = SendError({{"@type", "inputMessageDocument"},
                          {"document", {{"@type", "inputDocument"}, {"document", Local(WriteFile("empty.txt", ""))}}}});
  EXPECT_EQ(empty["message"], "File must be non-empty");
  std::string huge = dir_ + "/huge.bin";
  std::filesystem::resize_file(WriteFile("huge.bin", "x"), (std::int64_t{4000} << 20) + 1);  // sparse
  auto too_big = SendError({{"@type", "inputMessageDocument"},
                            {"document", {{"@type", "inputDocument"}, {"document", Local(huge)}}}});
  EXPECT_EQ(too_big["message"], "File of size 4194304001 bytes is too big; the maximum size is 4194304000 bytes");
  auto directory = SendError({{"@type", "inputMessagePhoto"}, {"photo", {{"@type", "inputPhoto"}, {"photo", Local(dir_)}}}});
  EXPECT_EQ(directory["message"], "File must be a regular file");
  auto no_file = SendError({{"@type", "inputMessagePhoto"}, {"photo", {{"@type", "inputPhoto"}}}});
  EXPECT_EQ(no_file["message"], "InputFile is not specified");
  EXPECT_EQ(std::filesystem::remove(huge), true);
}

TEST_F(SimMedia, AlbumRules) {
  json photo = {{"@type", "inputMessagePhoto"},
                {"photo", {{"@type", "inputPhoto"}, {"photo", Local(WriteFile("p.png", PngBytes()))}}}};
  json video = {{"@type", "inputMessageVideo"},
                {"video", {{"@type", "inputVideo"}, {"video", Local(WriteFile("v.mp4", "vvv"))}}}};
  json document = {{"@type", "inputMessageDocument"},
                   {"document", {{"@type", "inputDocument"}, {"document", Local(WriteFile("d.txt", "ddd"))}}}};
  json voice = {{"@type", "inputMessageVoiceNote"}, {"voice_note", Local(WriteFile("n.ogg", "nnn"))}};
  auto album = [&](json contents) {
    return alice_->Request({{"@type", "sendMessageAlbum"}, {"chat_id", bob_id_}, {"input_message_contents", contents}});
  };
  EXPECT_EQ((*album(json::array()))["message"], "There are no messages to send");
  EXPECT_EQ((*album({photo, document}))["message"], "Document can't be mixed with other media types");
  EXPECT_EQ((*album({photo, voice}))["message"], "Invalid message content type");
  json eleven = json::array();
  for (int i = 0; i < 11; ++i) eleven.push_back(photo);
  EXPECT_EQ((*album(eleven))["message"], "Too many messages to send as an album");

  auto sent = album({photo, video});
  ASSERT_EQ(TypeOf(*sent), "messages");
  ASSERT_EQ((*sent)["messages"].size(), 2u);
  std::string album_id = (*sent)["messages"][0]["media_album_id"];
  EXPECT_NE(album_id, "0");
  EXPECT_EQ((*sent)["messages"][1]["media_album_id"], album_id);
  Succeeded((*sent)["messages"][0]["id"]);
  Succeeded((*sent)["messages"][1]["id"]);
  json first = Incoming(), second = Incoming();
  EXPECT_EQ(first["media_album_id"], second["media_album_id"]);
  EXPECT_NE(first["media_album_id"], "0");
  // One item is allowed, as in TDLib, and is not an album.
  auto single = album({document});
  EXPECT_EQ((*single)["messages"][0]["media_album_id"], "0");
}

TEST_F(SimMedia, CaptionLimitAndEdit) {
  std::string path = WriteFile("c.txt", "caption test");
  json pending = Send({{"@type", "inputMessageDocument"},
                       {"document", {{"@type", "inputDocument"}, {"document", Local(path)}}},
                       {"caption", Caption(std::string(1025, 'x'))}});
  auto failed = alice_->WaitForType("updateMessageSendFailed");
  ASSERT_TRUE(failed);
  EXPECT_EQ((*failed)["old_message_id"], pending["id"]);
  EXPECT_EQ((*failed)["error"]["message"], "Message caption is too long");

  json ok = Send({{"@type", "inputMessageDocument"},
                  {"document", {{"@type", "inputDocument"}, {"document", Local(path)}}},
                  {"caption", Caption("first")}});
  std::int64_t id = Succeeded(ok["id"])["id"];
  Incoming();
  auto edited = alice_->RequestOk({{"@type", "editMessageCaption"}, {"chat_id", bob_id_}, {"message_id", id},
                                   {"caption", Caption("second")}});
  EXPECT_EQ(edited["content"]["caption"]["text"], "second");
  auto content = bob_->WaitForType("updateMessageContent");
  ASSERT_TRUE(content);
  EXPECT_EQ((*content)["new_content"]["caption"]["text"], "second");
}

}  // namespace
}  // namespace tgsim::testing
