// multipart/form-data bodies (src/api/multipart.h): FormDataBoundary on a
// Content-Type, then MultipartParser fed the body in pieces whose sizes come
// from the input. The parts' events must come in order (Begin, Data..., End)
// and the bytes handed on must not depend on how the body was cut.
//
// Input: the Content-Type line, '\n', one byte of piece-size seed, the body.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "api/multipart.h"
#include "common/error.h"
#include "fuzz/check.h"

namespace {

using tgmux::api::PartHeaders;

class Recorder : public tgmux::api::PartSink {
 public:
  void Begin(const PartHeaders& headers) override {
    FUZZ_CHECK(!open_);
    FUZZ_CHECK(!headers.name.empty());
    open_ = true;
    log_ += "B" + headers.name + "\n" + headers.file_name + "\n" + headers.content_type + "\n";
  }
  void Data(std::string_view bytes) override {
    FUZZ_CHECK(open_);
    log_.append(bytes);
  }
  void End() override {
    FUZZ_CHECK(open_);
    open_ = false;
    log_ += "E";
  }
  const std::string& log() const { return log_; }
  bool open() const { return open_; }

 private:
  bool open_ = false;
  std::string log_;
};

// What the parser made of the body fed in pieces of `piece` bytes (cycling
// through a few sizes from the seed), and whether it accepted it.
bool Run(const std::string& boundary, std::string_view body, unsigned seed, std::string& log) {
  Recorder sink;
  bool ok = true;
  try {
    tgmux::api::MultipartParser parser(boundary, sink);
    std::size_t sizes[4] = {seed % 7 + 1u, seed % 61 + 1u, 1, seed + 1u};
    std::size_t turn = 0;
    while (!body.empty()) {
      std::size_t take = std::min(body.size(), sizes[turn++ % 4]);
      parser.Feed(body.substr(0, take));
      body.remove_prefix(take);
    }
    parser.Finish();
    FUZZ_CHECK(!sink.open());
  } catch (const tgmux::Error& e) {
    FUZZ_CHECK(e.code() == tgmux::ErrorCode::kInvalidRequest);
    ok = false;
  }
  log = sink.log();
  return ok;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto newline = input.find('\n');
  if (newline == std::string_view::npos || newline + 1 >= input.size()) return 0;
  std::optional<std::string> boundary;
  try {
    boundary = tgmux::api::FormDataBoundary(input.substr(0, newline));
  } catch (const tgmux::Error& e) {
    FUZZ_CHECK(e.code() == tgmux::ErrorCode::kInvalidRequest);  // no boundary, or one too long
    return 0;
  }
  if (!boundary) return 0;
  FUZZ_CHECK(!boundary->empty() && boundary->size() <= 70);
  unsigned seed = static_cast<unsigned char>(input[newline + 1]);
  std::string_view body = input.substr(newline + 2);
  std::string whole_log, pieces_log;
  bool whole = Run(*boundary, body, 0xffffffu, whole_log);
  bool pieces = Run(*boundary, body, seed, pieces_log);
  // The same body is accepted or refused whatever its pieces; accepted, it gives the same parts.
  FUZZ_CHECK(whole == pieces);
  if (whole) FUZZ_CHECK(whole_log == pieces_log);
  return 0;
}
