#include "api/multipart.h"

#include <gtest/gtest.h>

#include <vector>

#include "common/error.h"

namespace tgmux::api {
namespace {

struct Part {
  PartHeaders headers;
  std::string data;
  bool ended = false;
};

struct Collect : PartSink {
  std::vector<Part> parts;
  std::size_t largest_piece = 0;
  void Begin(const PartHeaders& h) override { parts.push_back({h, "", false}); }
  void Data(std::string_view b) override {
    parts.back().data.append(b);
    largest_piece = std::max(largest_piece, b.size());
  }
  void End() override { parts.back().ended = true; }
};

const std::string kBody =
    "preamble to ignore\r\n"
    "--XyZ\r\n"
    "Content-Disposition: form-data; name=\"to\"\r\n\r\n"
    "@alice\r\n"
    "--XyZ\r\n"
    "Content-Disposition: form-data; name=\"file\"; filename=\"C:\\\\dir\\\\report \\\"q3\\\".pdf\"\r\n"
    "Content-Type: application/pdf\r\n\r\n"
    "%PDF\r\n--XyYnot a boundary\r\n\r\n"
    "--XyZ--\r\n"
    "epilogue";

std::vector<Part> ParseInPieces(const std::string& body, std::size_t piece) {
  Collect sink;
  MultipartParser parser("XyZ", sink);
  for (std::size_t at = 0; at < body.size(); at += piece) parser.Feed(std::string_view(body).substr(at, piece));
  parser.Finish();
  return sink.parts;
}

TEST(Multipart, ReadsFieldsAndFilesWhateverTheSizeOfThePieces) {
  for (std::size_t piece : {1u, 2u, 3u, 7u, 64u, 4096u}) {
    auto parts = ParseInPieces(kBody, piece);
    ASSERT_EQ(parts.size(), 2u) << piece;
    EXPECT_EQ(parts[0].headers.name, "to");
    EXPECT_FALSE(parts[0].headers.is_file);
    EXPECT_EQ(parts[0].data, "@alice");
    EXPECT_EQ(parts[1].headers.name, "file");
    EXPECT_TRUE(parts[1].headers.is_file);
    EXPECT_EQ(parts[1].headers.file_name, "report \"q3\".pdf");  // path dropped, quotes unescaped
    EXPECT_EQ(parts[1].headers.content_type, "application/pdf");
    EXPECT_EQ(parts[1].data, "%PDF\r\n--XyYnot a boundary\r\n");  // a near-boundary is data
    EXPECT_TRUE(parts[1].ended);
  }
}

TEST(Multipart, HandsLargePartsOnWithoutHoldingThem) {
  std::string payload(1 << 20, 'a');
  std::string body = "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\"\r\n\r\n" + payload +
                     "\r\n--b--\r\n";
  Collect sink;
  MultipartParser parser("b", sink);
  for (std::size_t at = 0; at < body.size(); at += 65536) parser.Feed(std::string_view(body).substr(at, 65536));
  parser.Finish();
  ASSERT_EQ(sink.parts.size(), 1u);
  EXPECT_EQ(sink.parts[0].data.size(), payload.size());
  EXPECT_LE(sink.largest_piece, 65536u + 8);
}

TEST(Multipart, RefusesWhatIsMalformed) {
  auto fails = [](const std::string& body) {
    Collect sink;
    MultipartParser parser("b", sink);
    try {
      parser.Feed(body);
      parser.Finish();
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kInvalidRequest);
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_NE(fails("--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\nno end"), "");
  EXPECT_NE(fails("--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--"), "");
  EXPECT_NE(fails("--b\r\n" + std::string(9000, 'h') + "\r\n\r\nx\r\n--b--"), "");
  EXPECT_NE(fails(std::string(9000, 'p')), "");
  EXPECT_EQ(fails("--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n1\r\n--b--"), "");
}

TEST(Multipart, FindsTheBoundaryOfFormData) {
  EXPECT_EQ(FormDataBoundary("multipart/form-data; boundary=----abc").value(), "----abc");
  EXPECT_EQ(FormDataBoundary("Multipart/Form-Data; charset=utf-8; boundary=\"a b\"").value(), "a b");
  EXPECT_FALSE(FormDataBoundary("application/json").has_value());
  EXPECT_THROW(FormDataBoundary("multipart/form-data"), Error);
}

// Found by fuzz/multipart: the limits on padding after a boundary, on the
// preamble and on a part's headers refused a body sent in small pieces that they
// let through in one piece.
TEST(Multipart, LimitsDoNotDependOnHowTheBodyIsCut) {
  const std::string part = "Content-Disposition: form-data; name=\"x\"\r\n\r\nv\r\n--XyZ--";
  const std::vector<std::string> bodies = {
      "--XyZ" + std::string(80, ' ') + "\r\n" + part,                              // padding over 70
      std::string(9000, 'p') + "\r\n--XyZ\r\n" + part,                            // preamble over 8 KiB
      "--XyZ\r\nX-Pad: " + std::string(8190, 'h') + "\r\n" + part,                // headers over 8 KiB
      "--XyZ" + std::string(70, ' ') + "\r\n" + part,                               // padding of 70: fine
  };
  for (std::size_t i = 0; i < bodies.size(); ++i) {
    for (std::size_t piece : {1u, 5u, 100u, 100000u}) {
      bool accepted = true;
      try {
        ParseInPieces(bodies[i], piece);
      } catch (const Error&) {
        accepted = false;
      }
      EXPECT_EQ(accepted, i == 3) << "body " << i << " in pieces of " << piece;
    }
  }
}

}  // namespace
}  // namespace tgmux::api
