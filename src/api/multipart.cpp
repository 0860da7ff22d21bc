#include "api/multipart.h"

#include "api/request_parsing.h"
#include "common/error.h"

namespace tgmux::api {
namespace {

constexpr std::size_t kMaxHeaders = 8 * 1024;
constexpr std::size_t kMaxBoundary = 70;  // RFC 2046

[[noreturn]] void Malformed(const std::string& why) {
  throw Error(ErrorCode::kInvalidRequest, "the multipart/form-data body is malformed: " + why);
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The value of `key` among "; key=value" parameters (quoted or not).
std::optional<std::string> Parameter(std::string_view header, std::string_view key) {
  std::size_t at = header.find(';');
  while (at != std::string_view::npos) {
    std::string_view rest = Trim(header.substr(at + 1));
    std::size_t eq = rest.find('=');
    if (eq == std::string_view::npos) return std::nullopt;
    std::string name = ToLower(Trim(rest.substr(0, eq)));
    rest = Trim(rest.substr(eq + 1));
    std::string value;
    std::size_t end = 0;
    if (!rest.empty() && rest.front() == '"') {
      for (end = 1; end < rest.size() && rest[end] != '"'; ++end) {
        if (rest[end] == '\\' && end + 1 < rest.size()) ++end;
        value += rest[end];
      }
      ++end;
    } else {
      end = std::min(rest.find(';'), rest.size());
      value = std::string(Trim(rest.substr(0, end)));
    }
    if (name == key) return value;
    std::size_t next = rest.find(';', std::min(end, rest.size()));
    if (next == std::string_view::npos) return std::nullopt;
    at = header.size() - rest.size() + next;
  }
  return std::nullopt;
}

PartHeaders ParseHeaders(std::string_view block) {
  PartHeaders headers;
  bool disposition = false;
  while (!block.empty()) {
    std::size_t eol = block.find("\r\n");
    std::string_view line = block.substr(0, eol);
    block = eol == std::string_view::npos ? std::string_view() : block.substr(eol + 2);
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) Malformed("a part header line has no ':'");
    std::string name = ToLower(Trim(line.substr(0, colon)));
    std::string_view value = Trim(line.substr(colon + 1));
    if (name == "content-disposition") {
      if (ToLower(value.substr(0, value.find(';'))) != "form-data") Malformed("a part is not form-data");
      disposition = true;
      headers.name = Parameter(value, "name").value_or("");
      if (auto file = Parameter(value, "filename")) {
        headers.is_file = true;
        // Only the last path component: browsers on some systems send a path.
        std::size_t slash = file->find_last_of("/\\");
        headers.file_name = slash == std::string::npos ? *file : file->substr(slash + 1);
      }
    } else if (name == "content-type") {
      headers.content_type = std::string(value);
    }
  }
  if (!disposition || headers.name.empty()) Malformed("a part has no Content-Disposition with a name");
  return headers;
}

}  // namespace

MultipartParser::MultipartParser(std::string boundary, PartSink& sink)
    : delimiter_("\r\n--" + std::move(boundary)), sink_(sink) {}

void MultipartParser::Feed(std::string_view bytes) {
  if (stage_ == Stage::kDone) return;  // the epilogue is ignored
  buffer_.append(bytes);
  Step();
}

void MultipartParser::Finish() {
  if (stage_ != Stage::kDone) Malformed("the body ends before the closing boundary");
}

void MultipartParser::Step() {
  for (;;) {
    bool progressed = false;
    switch (stage_) {
      case Stage::kPreamble: progressed = Preamble(); break;
      case Stage::kAfterBoundary: progressed = AfterBoundary(); break;
      case Stage::kHeaders: progressed = Headers(); break;
      case Stage::kBody: progressed = Body(); break;
      case Stage::kDone: buffer_.clear(); return;
    }
    if (!progressed) return;
  }
}

bool MultipartParser::Preamble() {
  // The first boundary may open the body without the CRLF before it.
  std::string_view first = std::string_view(delimiter_).substr(2);
  if (buffer_.size() >= first.size() && buffer_.compare(0, first.size(), first) == 0) {
    buffer_.erase(0, first.size());
  } else if (std::size_t at = buffer_.find(delimiter_); at != std::string::npos) {
    if (at > kMaxHeaders) Malformed("no boundary in the first 8 KiB");
    buffer_.erase(0, at + delimiter_.size());
  } else {
    // Each limit is checked the same whether what it bounds came in one piece or many.
    if (buffer_.size() >= kMaxHeaders + delimiter_.size()) Malformed("no boundary in the first 8 KiB");
    return false;
  }
  stage_ = Stage::kAfterBoundary;
  return true;
}

bool MultipartParser::AfterBoundary() {
  if (buffer_.size() < 2) return false;
  if (buffer_.compare(0, 2, "--") == 0) {
    stage_ = Stage::kDone;
    return true;
  }
  // Transport padding (spaces, tabs) may follow a boundary before its CRLF.
  std::size_t eol = buffer_.find("\r\n");
  if (eol == std::string::npos) {
    if (buffer_.size() >= kMaxBoundary + 2) Malformed("a boundary line does not end");
    return false;
  }
  if (eol > kMaxBoundary) Malformed("a boundary line does not end");
  if (!Trim(std::string_view(buffer_).substr(0, eol)).empty()) Malformed("a boundary line has extra text");
  buffer_.erase(0, eol + 2);
  stage_ = Stage::kHeaders;
  return true;
}

bool MultipartParser::Headers() {
  std::size_t end = buffer_.find("\r\n\r\n");
  if (end == std::string::npos) {
    if (buffer_.size() >= kMaxHeaders + 4) Malformed("a part's headers exceed 8 KiB");
    return false;
  }
  if (end > kMaxHeaders) Malformed("a part's headers exceed 8 KiB");
  PartHeaders headers = ParseHeaders(std::string_view(buffer_).substr(0, end));
  buffer_.erase(0, end + 4);
  sink_.Begin(headers);
  stage_ = Stage::kBody;
  return true;
}

bool MultipartParser::Body() {
  std::size_t at = buffer_.find(delimiter_);
  if (at == std::string::npos) {
    // Everything but a tail that could be the start of the delimiter.
    if (buffer_.size() >= delimiter_.size()) {
      std::size_t safe = buffer_.size() - (delimiter_.size() - 1);
      sink_.Data(std::string_view(buffer_).substr(0, safe));
      buffer_.erase(0, safe);
    }
    return false;
  }
  if (at > 0) sink_.Data(std::string_view(buffer_).substr(0, at));
  sink_.End();
  buffer_.erase(0, at + delimiter_.size());
  stage_ = Stage::kAfterBoundary;
  return true;
}

std::optional<std::string> FormDataBoundary(std::string_view content_type) {
  std::string type = ToLower(Trim(content_type.substr(0, content_type.find(';'))));
  if (type != "multipart/form-data") return std::nullopt;
  auto boundary = Parameter(content_type, "boundary");
  if (!boundary || boundary->empty() || boundary->size() > kMaxBoundary) {
    throw Error(ErrorCode::kInvalidRequest, "multipart/form-data needs a boundary parameter of 1 to 70 characters");
  }
  return boundary;
}

}  // namespace tgmux::api
