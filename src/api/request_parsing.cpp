#include "api/request_parsing.h"

#include <random>

namespace tgmux::api {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string PercentDecode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%' && i + 2 < text.size()) {
      int hi = HexValue(text[i + 1]), lo = HexValue(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += (plus_is_space && c == '+') ? ' ' : c;
  }
  return out;
}

void SplitTarget(std::string_view target, std::string& path, std::map<std::string, std::string>& query) {
  auto question = target.find('?');
  path = PercentDecode(target.substr(0, question), false);
  if (question == std::string_view::npos) return;
  std::string_view rest = target.substr(question + 1);
  while (!rest.empty()) {
    auto amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    auto eq = pair.find('=');
    std::string key = PercentDecode(pair.substr(0, eq), true);
    std::string value = eq == std::string_view::npos ? "" : PercentDecode(pair.substr(eq + 1), true);
    if (!key.empty()) query.emplace(std::move(key), std::move(value));
    if (amp == std::string_view::npos) break;
    rest = rest.substr(amp + 1);
  }
}

std::string ToLower(std::string_view text) {
  std::string out(text);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

Response PayloadTooLarge(std::size_t limit) {
  std::string size = limit % (1 << 20) == 0 ? std::to_string(limit >> 20) + " MiB" : std::to_string(limit) + " bytes";
  return Response::Problem(Error(ErrorCode::kPayloadTooLarge, "the request body is over " + size +
                                                                  ", the most this route accepts"),
                           "");
}

Response ProblemForStatus(int status) {
  if (status == 413) return PayloadTooLarge(1 << 20);
  Response r = Response::Problem(Error(ErrorCode::kInvalidRequest, status == 431 ? "request headers are too large"
                                                                                 : "malformed HTTP request"),
                                 "");
  auto body = nlohmann::json::parse(r.body);
  body["status"] = status;
  r.status = status;
  r.body = body.dump();
  return r;
}

RequestIds::RequestIds() {
  std::random_device device;
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%06x", device() & 0xffffff);
  prefix_ = buffer;
}

std::string RequestIds::Next() { return "req_" + prefix_ + "-" + std::to_string(++counter_); }

std::string RequestIds::Accept(const std::string& offered) {
  if (offered.empty() || offered.size() > 64) return Next();
  for (char c : offered) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') return Next();
  }
  return offered;
}

}  // namespace tgmux::api
