// The media requests tgmux sends are valid TDLib 1.8.65 requests (checked
// against the pinned schema), and media contents parse into what the API shows.
#include "telegram/media_json.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "sim/conformance/conformance_test_support.h"

namespace tgmux::telegram {
namespace {

using nlohmann::json;
using tgsim::conformance::testing::PinnedSchema;

TEST(MediaJson, EveryKindMakesAValidSendRequestFromALocalOrARemoteFile) {
  for (auto kind : {MediaKind::kPhoto, MediaKind::kDocument, MediaKind::kVideo, MediaKind::kVoice,
                    MediaKind::kAudio, MediaKind::kAnimation}) {
    for (bool remote : {false, true}) {
      MediaToSend media;
      media.kind = kind;
      (remote ? media.remote_id : media.local_path) = remote ? "BQACAgIAAxk" : "/tmp/a.bin";
      media.width = 640;
      media.height = 480;
      media.duration = 3;
      json request = {{"@type", "sendMessage"},
                      {"chat_id", 777000},
                      {"input_message_content", InputMediaContent(media, {"caption", {{"bold", 0, 7}}})},
                      {"@extra", 1}};
      EXPECT_EQ(PinnedSchema().ValidateRequest(request), std::vector<std::string>{})
          << MediaKindName(kind) << " " << request.dump();
    }
  }
  json album = {{"@type", "sendMessageAlbum"}, {"chat_id", 777000}, {"@extra", 2},
                {"input_message_contents", {InputMediaContent({MediaKind::kPhoto, "/tmp/a.png", ""}, {}),
                                            InputMediaContent({MediaKind::kVideo, "/tmp/b.mp4", ""}, {})}}};
  EXPECT_EQ(PinnedSchema().ValidateRequest(album), std::vector<std::string>{}) << album.dump();
  json remote_file = {{"@type", "getRemoteFile"}, {"remote_file_id", "BQACAgIAAxk"},
                      {"file_type", {{"@type", std::string(FileTypeOf(MediaKind::kVoice))}}}, {"@extra", 3}};
  EXPECT_EQ(PinnedSchema().ValidateRequest(remote_file), std::vector<std::string>{}) << remote_file.dump();
}

json File(int id, std::int64_t size, const std::string& remote, const std::string& unique) {
  return {{"@type", "file"}, {"id", id}, {"size", size}, {"expected_size", size},
          {"remote", {{"@type", "remoteFile"}, {"id", remote}, {"unique_id", unique}}}};
}

TEST(MediaJson, ContentsParseIntoTheFileTheyCarry) {
  json document = {{"@type", "messageDocument"},
                   {"document", {{"@type", "document"}, {"file_name", "q3.pdf"}, {"mime_type", "application/pdf"},
                                 {"document", File(5, 1234, "BQAD", "AgAD")}}},
                   {"caption", {{"@type", "formattedText"}, {"text", "Q3"}, {"entities", json::array()}}}};
  auto parsed = ParseMediaContent(document).value();
  EXPECT_EQ(parsed.kind, MediaKind::kDocument);
  EXPECT_EQ(parsed.file_name, "q3.pdf");
  EXPECT_EQ(parsed.mime_type, "application/pdf");
  EXPECT_EQ(parsed.size, 1234);
  EXPECT_EQ(parsed.remote_id, "BQAD");
  EXPECT_EQ(parsed.unique_id, "AgAD");
  EXPECT_EQ(MediaCaption(document).text, "Q3");

  // A photo stands for its largest size.
  json photo = {{"@type", "messagePhoto"},
                {"photo", {{"@type", "photo"}, {"sizes", {{{"@type", "photoSize"}, {"type", "m"}, {"width", 320},
                                                          {"height", 240}, {"photo", File(6, 900, "s", "us")}},
                                                         {{"@type", "photoSize"}, {"type", "x"}, {"width", 1280},
                                                          {"height", 960}, {"photo", File(7, 9000, "x", "ux")}}}}}}};
  auto big = ParseMediaContent(photo).value();
  EXPECT_EQ(big.kind, MediaKind::kPhoto);
  EXPECT_EQ(big.width, 1280);
  EXPECT_EQ(big.remote_id, "x");
  EXPECT_EQ(big.size, 9000);

  json voice = {{"@type", "messageVoiceNote"},
                {"voice_note", {{"@type", "voiceNote"}, {"duration", 7}, {"mime_type", "audio/ogg"},
                                {"voice", File(8, 300, "v", "uv")}}}};
  EXPECT_EQ(ParseMediaContent(voice).value().duration, 7);
  EXPECT_FALSE(ParseMediaContent({{"@type", "messageSticker"}}).has_value());
  EXPECT_FALSE(ParseMediaContent({{"@type", "messageText"}}).has_value());
}

}  // namespace
}  // namespace tgmux::telegram
