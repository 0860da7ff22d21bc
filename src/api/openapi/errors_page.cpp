#include <string>

#include "api/openapi/document.h"
#include "common/error.h"

namespace tgmux::api::openapi {
namespace {

// The summaries are tgmux's own text, but they quote `code` and <id> placeholders.
std::string Escaped(std::string_view text) {
  std::string out;
  bool in_code = false;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '`': out += in_code ? "</code>" : "<code>"; in_code = !in_code; break;
      default: out += c;
    }
  }
  if (in_code) out += "</code>";
  return out;
}

}  // namespace

std::string ErrorsPage() {
  std::string page =
      "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>tgmux error codes</title>\n"
      "<style>body{font:16px/1.5 system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#1b1f24}"
      "table{border-collapse:collapse;width:100%}th,td{text-align:left;vertical-align:top;padding:.5rem;"
      "border-bottom:1px solid #d0d7de}code{background:#f3f4f6;padding:0 .2rem;border-radius:3px}"
      "tr:target{background:#fff8c5}</style>\n</head>\n<body>\n<h1>tgmux error codes</h1>\n"
      "<p>Every error is an <code>application/problem+json</code> answer (RFC 9457) with a stable "
      "<code>code</code>; its <code>type</code> points here, at <code>/docs/errors#&lt;code&gt;</code>. "
      "The whole API is described at <a href=\"/docs\">/docs</a> (<a href=\"/openapi.json\">/openapi.json</a>).</p>\n"
      "<table>\n<thead><tr><th>code</th><th>HTTP status</th><th>meaning</th></tr></thead>\n<tbody>\n";
  for (auto code : AllErrorCodes()) {
    std::string name(CodeName(code));
    page += "<tr id=\"" + name + "\"><td><a href=\"#" + name + "\"><code>" + name + "</code></a></td><td>" +
            std::to_string(HttpStatus(code)) + "</td><td>" + Escaped(CodeSummary(code)) + "</td></tr>\n";
  }
  page += "</tbody>\n</table>\n</body>\n</html>\n";
  return page;
}

}  // namespace tgmux::api::openapi
