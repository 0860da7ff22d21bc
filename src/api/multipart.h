// multipart/form-data (RFC 7578) read as it arrives: the parser is fed the body
// in pieces of any size and hands each part's bytes on without keeping them,
// so an upload of any size passes through a bounded buffer.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace tgmux::api {

struct PartHeaders {
  std::string name;          // the form field (Content-Disposition name)
  std::string file_name;     // filename=..., "" for plain fields
  std::string content_type;  // "" when the part names none
  bool is_file = false;      // a filename parameter was present (even empty)
};

// Receives the parts in order: Begin, any number of Data pieces, End.
class PartSink {
 public:
  virtual ~PartSink() = default;
  virtual void Begin(const PartHeaders& headers) = 0;
  virtual void Data(std::string_view bytes) = 0;
  virtual void End() = 0;
};

// Throws Error(invalid_request) saying what is malformed: a missing boundary,
// a part without a name, part headers over 8 KiB, a body that ends before the
// closing boundary.
class MultipartParser {
 public:
  MultipartParser(std::string boundary, PartSink& sink);
  void Feed(std::string_view bytes);
  // The body ended: throws unless the closing boundary was seen.
  void Finish();

 private:
  enum class Stage { kPreamble, kAfterBoundary, kHeaders, kBody, kDone };
  void Step();
  bool Preamble();
  bool AfterBoundary();
  bool Headers();
  bool Body();

  const std::string delimiter_;  // "\r\n--" + boundary
  PartSink& sink_;
  Stage stage_ = Stage::kPreamble;
  std::string buffer_;
};

// The boundary of a "multipart/form-data; boundary=..." Content-Type, or
// nullopt when the type is something else.
std::optional<std::string> FormDataBoundary(std::string_view content_type);

}  // namespace tgmux::api
