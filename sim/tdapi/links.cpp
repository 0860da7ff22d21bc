#include "sim/tdapi/links.h"

#include <cctype>
#include <charconv>
#include <optional>

namespace tgsim {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && Lower(s.substr(0, prefix.size())) == prefix;
}

struct ParsedUrl {
  bool https = false;
  std::string userinfo, host, query;
  int specified_port = 0;
  bool ipv6 = false;
};

// RFC 3986 characters that parse_url accepts in a host or userinfo; bytes >= 128 pass.
bool IsAllowedUrlPart(std::string_view part, bool allow_colon) {
  static const std::string_view kAllowed = ".-_!$,~*'();&+=";
  for (std::size_t i = 0; i < part.size(); ++i) {
    unsigned char c = part[i];
    if (std::isalnum(c) || kAllowed.find(c) != std::string_view::npos || c >= 128 ||
        (allow_colon && c == ':')) {
      continue;
    }
    if (c == '%' && i + 2 < part.size() && std::isxdigit(static_cast<unsigned char>(part[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(part[i + 2]))) {
      i += 2;
      continue;
    }
    return false;
  }
  return true;
}

// Splits "[userinfo@]host[:port]"; nullopt on a port TDLib rejects.
std::optional<int> SplitPort(std::string_view& userinfo_host) {
  std::size_t colon = userinfo_host.find_last_of(":]@");
  if (colon == std::string_view::npos || colon == 0 || userinfo_host[colon] != ':') return 0;
  std::string_view digits = userinfo_host.substr(colon + 1);
  while (digits.size() > 1 && digits[0] == '0') digits.remove_prefix(1);
  int port = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
  userinfo_host = userinfo_host.substr(0, colon);
  if (ec != std::errc() || end != digits.data() + digits.size() || port <= 0 || port > 65535) {
    return std::nullopt;
  }
  return port;
}

std::optional<ParsedUrl> ParseUrl(std::string_view url) {
  ParsedUrl out;
  std::size_t scheme_end = url.find_first_of(":/?#@[]");
  if (scheme_end != std::string_view::npos && url.substr(scheme_end, 3) == "://") {
    std::string scheme = Lower(url.substr(0, scheme_end));
    if (scheme != "http" && scheme != "https") return std::nullopt;
    out.https = scheme == "https";
    url.remove_prefix(scheme_end + 3);
  }
  std::size_t authority_end = std::min(url.find_first_of("/?#"), url.size());
  std::string_view userinfo_host = url.substr(0, authority_end);
  std::optional<int> port = SplitPort(userinfo_host);
  if (!port) return std::nullopt;
  out.specified_port = *port;
  std::size_t at = userinfo_host.rfind('@');
  std::string_view userinfo = at == std::string_view::npos ? "" : userinfo_host.substr(0, at);
  std::string_view host = userinfo_host.substr(at == std::string_view::npos ? 0 : at + 1);
  out.ipv6 = host.size() > 1 && host.front() == '[' && host.back() == ']';
  if (host.empty() || host == ".") return std::nullopt;
  out.host = Lower(host);
  if (!out.ipv6 && (!IsAllowedUrlPart(out.host, false) || !IsAllowedUrlPart(userinfo, true))) {
    return std::nullopt;
  }
  out.userinfo = std::string(userinfo);
  std::string_view query = url.substr(authority_end);
  while (!query.empty() && std::isspace(static_cast<unsigned char>(query.back()))) query.remove_suffix(1);
  if (query.empty() || query[0] != '/') out.query = "/";
  for (unsigned char c : query) {
    if (c > 0x20) {
      out.query += static_cast<char>(c);
      continue;
    }
    out.query += '%';
    out.query += "0123456789ABCDEF"[c / 16];
    out.query += "0123456789ABCDEF"[c % 16];
  }
  return out;
}

std::string TgLink(std::string_view scheme, const ParsedUrl& url, std::string_view rest) {
  if (StartsWithNoCase(rest, "http://") || url.https || !url.userinfo.empty() ||
      url.specified_port != 0 || url.ipv6) {
    return {};
  }
  for (char c : url.host) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' &&
        !(scheme == "tonsite" && c == '.')) {
      return {};
    }
  }
  std::string_view query = url.query;
  if (query.size() > 1 && query[1] == '?') query.remove_prefix(1);
  return std::string(scheme) + "://" + url.host + std::string(query);
}

}  // namespace

std::string CheckedLink(std::string_view link) {
  std::string_view scheme;
  for (std::string_view prefix : {"tg", "ton", "tonsite"}) {
    if (StartsWithNoCase(link, std::string(prefix) + ":")) scheme = prefix;
  }
  if (!scheme.empty()) {
    link.remove_prefix(scheme.size() + 1);
    if (link.substr(0, 2) == "//") link.remove_prefix(2);
  }
  std::optional<ParsedUrl> url = ParseUrl(link);
  if (!url) return {};
  if (!scheme.empty()) return TgLink(scheme, *url, link);
  if (url->host.find('.') == std::string::npos && !url->ipv6) return {};
  std::string out = url->https ? "https://" : "http://";
  if (!url->userinfo.empty()) out += url->userinfo + "@";
  out += url->host;
  if (url->specified_port > 0) out += ":" + std::to_string(url->specified_port);
  return out + url->query;
}

std::int64_t LinkUserId(std::string_view raw) {
  std::string lower = Lower(raw);
  std::string_view url = lower;
  if (url.substr(0, 3) != "tg:") return 0;
  url.remove_prefix(3);
  if (url.substr(0, 2) == "//") url.remove_prefix(2);
  if (url.substr(0, 4) != "user" || (url.size() > 4 && std::string_view("/?#").find(url[4]) ==
                                                           std::string_view::npos)) {
    return 0;
  }
  url.remove_prefix(4);
  if (!url.empty() && url[0] == '/') url.remove_prefix(1);
  if (url.empty() || url[0] != '?') return 0;
  url = url.substr(1, url.find('#') == std::string_view::npos ? url.npos : url.find('#') - 1);
  while (!url.empty()) {
    std::string_view parameter = url.substr(0, url.find('&'));
    url.remove_prefix(std::min(url.size(), parameter.size() + 1));
    std::size_t eq = parameter.find('=');
    if (parameter.substr(0, eq) != "id") continue;
    std::string_view value = eq == std::string_view::npos ? "" : parameter.substr(eq + 1);
    std::int64_t id = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), id);
    return ec == std::errc() && end == value.data() + value.size() && id > 0 ? id : 0;
  }
  return 0;
}

}  // namespace tgsim
