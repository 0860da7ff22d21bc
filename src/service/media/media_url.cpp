#include "service/media/media_url.h"

#include <cctype>
#include <stdexcept>

namespace tgmux::service {
namespace {

constexpr std::size_t kMaxUrl = 8192;

[[noreturn]] void Bad(const std::string& why) { throw std::invalid_argument(why); }

std::string Lower(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// The scheme of an absolute URL ("http", "ftp"), or "" when `text` has none.
std::string SchemeOf(const std::string& text) {
  auto colon = text.find(':');
  if (colon == std::string::npos || colon == 0) return "";
  for (std::size_t i = 0; i < colon; ++i) {
    char c = text[i];
    bool ok = std::isalpha(static_cast<unsigned char>(c)) ||
              (i > 0 && (std::isdigit(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.'));
    if (!ok) return "";
  }
  return Lower(text.substr(0, colon));
}

bool HostCharsOk(const std::string& host, bool bracketed) {
  for (char c : host) {
    bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_' ||
              (bracketed && c == ':');
    if (!ok) return false;
  }
  return !host.empty();
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

std::string PercentDecode(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && HexValue(text[i + 1]) >= 0 && HexValue(text[i + 2]) >= 0) {
      out += static_cast<char>(HexValue(text[i + 1]) * 16 + HexValue(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

// The value of `name=` among a header's ;-separated parameters, unquoted.
std::optional<std::string> Parameter(const std::string& header, const std::string& name) {
  std::string lower = Lower(header);
  std::size_t at = 0;
  while ((at = lower.find(name, at)) != std::string::npos) {
    bool starts = at == 0 || lower[at - 1] == ';' || lower[at - 1] == ' ' || lower[at - 1] == '\t';
    std::size_t eq = at + name.size();
    while (eq < lower.size() && lower[eq] == ' ') ++eq;
    if (!starts || eq >= lower.size() || lower[eq] != '=') {
      at += name.size();
      continue;
    }
    std::size_t begin = eq + 1;
    while (begin < header.size() && header[begin] == ' ') ++begin;
    if (begin < header.size() && header[begin] == '"') {
      std::string value;
      for (std::size_t i = begin + 1; i < header.size() && header[i] != '"'; ++i) {
        if (header[i] == '\\' && i + 1 < header.size()) ++i;
        value += header[i];
      }
      return value;
    }
    auto end = header.find(';', begin);
    std::string value = header.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.pop_back();
    return value;
  }
  return std::nullopt;
}

}  // namespace

std::string MediaUrl::Text() const { return std::string(tls ? "https://" : "http://") + authority + target; }

std::string MediaUrl::HostHeader() const {
  bool default_port = port == (tls ? "443" : "80");
  std::string shown = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return default_port ? shown : shown + ":" + port;
}

MediaUrl ParseMediaUrl(const std::string& text) {
  std::string scheme = SchemeOf(text);
  if (scheme != "http" && scheme != "https") Bad("only http and https URLs");
  if (text.size() > kMaxUrl) Bad("the URL is longer than 8192 characters");
  for (char c : text) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) Bad("not a valid URL (spaces or control characters)");
  }
  MediaUrl url;
  url.tls = scheme == "https";
  std::size_t start = scheme.size() + 1;
  if (text.compare(start, 2, "//") != 0) Bad("not a valid URL");
  start += 2;
  auto end = text.find_first_of("/?#", start);
  url.authority = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
  std::string rest = end == std::string::npos ? "" : text.substr(end);
  rest = rest.substr(0, rest.find('#'));
  url.target = rest.empty() || rest.front() != '/' ? "/" + rest : rest;
  if (url.authority.find('@') != std::string::npos) Bad("a URL with a user name or password is not accepted");
  std::string host = url.authority;
  bool bracketed = !host.empty() && host.front() == '[';
  auto close = bracketed ? host.find(']') : std::string::npos;
  if (bracketed && close == std::string::npos) Bad("not a valid URL");
  auto colon = host.find(':', bracketed ? close : 0);
  if (colon != std::string::npos) {
    url.port = host.substr(colon + 1);
    host = host.substr(0, colon);
    if (url.port.empty() || url.port.size() > 5 || url.port.find_first_not_of("0123456789") != std::string::npos ||
        std::stoi(url.port) == 0 || std::stoi(url.port) > 65535) {
      Bad("not a valid URL (the port)");
    }
  } else {
    url.port = url.tls ? "443" : "80";
  }
  if (bracketed) {
    if (host.back() != ']') Bad("not a valid URL");
    host = host.substr(1, host.size() - 2);
  }
  if (!HostCharsOk(host, bracketed)) Bad("not a valid URL (the host)");
  url.host = Lower(host);
  return url;
}

std::string ResolveLocation(const MediaUrl& base, const std::string& location) {
  if (!SchemeOf(location).empty()) return location;
  std::string scheme = base.tls ? "https:" : "http:";
  if (location.rfind("//", 0) == 0) return scheme + location;
  std::string origin = scheme + "//" + base.authority;
  if (!location.empty() && location.front() == '/') return origin + location;
  std::string path = base.target.substr(0, base.target.find('?'));
  if (location.empty()) return origin + base.target;
  if (location.front() == '?') return origin + path + location;
  return origin + path.substr(0, path.rfind('/') + 1) + location;
}

std::string DispositionFileName(const std::string& header) {
  if (auto extended = Parameter(header, "filename*")) {
    // charset'language'percent-encoded
    auto quote = extended->find('\'');
    auto second = quote == std::string::npos ? std::string::npos : extended->find('\'', quote + 1);
    if (second != std::string::npos) {
      std::string name = PercentDecode(extended->substr(second + 1));
      if (!name.empty()) return name;
    }
  }
  return Parameter(header, "filename").value_or("");
}

std::string PathFileName(const MediaUrl& url) {
  std::string path = url.target.substr(0, url.target.find('?'));
  return PercentDecode(path.substr(path.rfind('/') + 1));
}

std::string SizeText(std::uint64_t bytes) {
  if (bytes >= (1ull << 30) && bytes % (1ull << 30) == 0) return std::to_string(bytes >> 30) + " GiB";
  if (bytes >= (1ull << 20) && bytes % (1ull << 20) == 0) return std::to_string(bytes >> 20) + " MiB";
  if (bytes >= (1ull << 10) && bytes % (1ull << 10) == 0) return std::to_string(bytes >> 10) + " KiB";
  return std::to_string(bytes) + " bytes";
}

}  // namespace tgmux::service
