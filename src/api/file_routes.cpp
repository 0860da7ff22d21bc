// /v1/accounts/{id}/files/{file_id}: an account's file, downloaded through
// TDLib on first request, with ranges (players seek) and served so that it
// can never run as a page of tgmux's origin (the dashboard's).
#include <filesystem>

#include "api/routes.h"
#include "api/views.h"

namespace tgmux::api {
namespace {

const Access kRead = Access::AtLeast(service::Role::kOperator);

struct ByteRange {
  std::uint64_t first = 0;
  std::uint64_t last = 0;  // inclusive
};

// One "bytes=a-b", "bytes=a-" or "bytes=-n" range of a file of `size` bytes:
// nullopt when the header asks for nothing this file has (or several ranges,
// which are not served: the whole file is then sent instead, as RFC 9110 allows).
std::optional<ByteRange> ParseRange(const std::string& header, std::uint64_t size, bool& satisfiable) {
  satisfiable = true;
  if (header.rfind("bytes=", 0) != 0 || header.find(',') != std::string::npos) return std::nullopt;
  std::string spec = header.substr(6);
  auto dash = spec.find('-');
  if (dash == std::string::npos) return std::nullopt;
  auto number = [](const std::string& text) -> std::optional<std::uint64_t> {
    if (text.empty() || text.size() > 19 || text.find_first_not_of("0123456789") != std::string::npos) {
      return std::nullopt;
    }
    return std::stoull(text);
  };
  auto first = number(spec.substr(0, dash));
  auto last = number(spec.substr(dash + 1));
  if (!first && !last) return std::nullopt;
  if (!first) {  // the last n bytes
    if (*last == 0 || size == 0) return satisfiable = false, std::nullopt;
    return ByteRange{size - std::min(*last, size), size - 1};
  }
  if (*first >= size || (last && *last < *first)) return satisfiable = false, std::nullopt;
  return ByteRange{*first, std::min(last.value_or(size - 1), size - 1)};
}

bool PlaysInline(const service::DownloadedMedia& media) {
  for (const char* prefix : {"image/", "audio/", "video/"}) {
    if (media.mime_type.rfind(prefix, 0) == 0) return true;
  }
  return false;
}

// attachment; filename="plain ascii"; filename*=UTF-8''percent-encoded (RFC 6266).
std::string Disposition(const std::string& kind, const std::string& file_name) {
  std::string ascii, encoded;
  for (unsigned char c : file_name) {
    ascii += (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') ? static_cast<char>(c) : '_';
    if (std::isalnum(c) || c == '.' || c == '-' || c == '_') {
      encoded += static_cast<char>(c);
    } else {
      char buffer[4];
      std::snprintf(buffer, sizeof buffer, "%%%02X", c);
      encoded += buffer;
    }
  }
  std::string out = kind;
  if (!file_name.empty()) out += "; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
  return out;
}

Response FileResponse(const Request& r, const service::DownloadedMedia& media) {
  std::error_code ec;
  std::uint64_t size = std::filesystem::file_size(media.path, ec);
  if (ec) throw Error(ErrorCode::kInternal, "the downloaded file is missing");
  Response response;
  response.content_type = media.mime_type.empty() ? "application/octet-stream" : media.mime_type;
  bool show_inline = QueryBool(r, "inline", false) && PlaysInline(media);
  response.headers = {{"Accept-Ranges", "bytes"},
                      {"X-Content-Type-Options", "nosniff"},
                      {"Content-Security-Policy", "sandbox"},
                      {"Cache-Control", "private, max-age=3600"},
                      {"Content-Disposition", Disposition(show_inline ? "inline" : "attachment", media.file_name)}};
  response.file = Response::FileRange{media.path, 0, size};
  std::string range_header = r.Header("range");
  if (range_header.empty()) return response;
  bool satisfiable = true;
  auto range = ParseRange(range_header, size, satisfiable);
  if (!satisfiable) {
    Response refused = Response::Problem(
        Error(ErrorCode::kInvalidRequest, "the Range header asks for bytes this file does not have"), r.path);
    refused.status = 416;
    refused.headers.emplace_back("Content-Range", "bytes */" + std::to_string(size));
    return refused;
  }
  if (!range) return response;
  response.status = 206;
  response.file->offset = range->first;
  response.file->length = range->last - range->first + 1;
  response.headers.emplace_back("Content-Range", "bytes " + std::to_string(range->first) + "-" +
                                                     std::to_string(range->last) + "/" + std::to_string(size));
  return response;
}

}  // namespace

void RegisterFileRoutes(Router& router, service::Services& s) {
  router.Add("GET", "/v1/accounts/{id}/files/{file_id}", kRead, [&s](const Request& r, const Reply& reply) {
    s.downloads.Download(TenantOf(r), r.params.at("id"), r.params.at("file_id"),
                         [r, reply](telegram::Result<service::DownloadedMedia> got) {
                           if (!got.ok()) return reply.Fail(got.error(), r.path);
                           try {
                             reply(FileResponse(r, got.value()));
                           } catch (const Error& e) {
                             reply.Fail(e, r.path);
                           }
                         });
  });
}

}  // namespace tgmux::api
