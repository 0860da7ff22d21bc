#include "web/assets.h"

#include <array>
#include <fstream>
#include <sstream>

#include "crypto/secrets.h"
#include "web/embedded.h"

namespace tgmux::web {
namespace {

// The UI library's modules: served name -> file under web/.
constexpr std::array<std::pair<const char*, const char*>, 3> kVendor = {{
    {"/ui/vendor/preact.mjs", "node_modules/preact/dist/preact.mjs"},
    {"/ui/vendor/hooks.mjs", "node_modules/preact/hooks/dist/hooks.mjs"},
    {"/ui/vendor/htm.mjs", "node_modules/htm/dist/htm.mjs"},
}};

constexpr std::array<std::pair<const char*, const char*>, 5> kTypes = {{
    {".mjs", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".html", "text/html; charset=utf-8"},
}};

bool EndsWith(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::optional<std::string> TypeOf(const std::string& path) {
  for (const auto& [extension, type] : kTypes) {
    if (EndsWith(path, extension)) return type;
  }
  return std::nullopt;
}

// A name inside web/: letters, digits, '-', '_', '.', not starting with '.'.
bool PlainName(std::string_view name) {
  if (name.empty() || name.front() == '.' || name == "node_modules") return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') return false;
  }
  return true;
}

void ReplaceAll(std::string& text, std::string_view from, std::string_view to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

}  // namespace

std::optional<std::string> SourceOf(const std::string& path) {
  if (path == "/") return "index.html";
  for (const auto& [served, source] : kVendor) {
    if (path == served) return source;
  }
  static constexpr std::string_view kPrefix = "/ui/";
  if (path.compare(0, kPrefix.size(), kPrefix) != 0 || EndsWith(path, ".html") || !TypeOf(path)) return std::nullopt;
  std::string rest = path.substr(kPrefix.size());
  auto slash = rest.find('/');
  if (slash == std::string::npos) return PlainName(rest) ? std::optional(rest) : std::nullopt;
  // One level of folders (web/pages/x.mjs), none of them the library's.
  std::string folder = rest.substr(0, slash), name = rest.substr(slash + 1);
  if (folder == "vendor" || !PlainName(folder) || !PlainName(name)) return std::nullopt;
  return rest;
}

Asset Prepare(const std::string& path, std::string body) {
  Asset asset;
  asset.content_type = TypeOf(path).value_or("text/html; charset=utf-8");
  if (path.compare(0, 11, "/ui/vendor/") == 0) {
    ReplaceAll(body, "from\"preact\"", "from\"./preact.mjs\"");
    ReplaceAll(body, "from \"preact\"", "from \"./preact.mjs\"");
  }
  asset.etag = "\"" + crypto::TokenDigest(body).substr(0, 20) + "\"";
  asset.body = std::move(body);
  return asset;
}

Assets Assets::Embedded() {
  Assets assets;
  for (std::size_t i = 0; i < kEmbeddedCount; ++i) {
    const auto& file = kEmbedded[i];
    assets.embedded_.emplace(file.path,
                             Prepare(file.path, std::string(reinterpret_cast<const char*>(file.data), file.size)));
  }
  return assets;
}

Assets Assets::FromFolder(std::filesystem::path web_dir) {
  Assets assets;
  assets.folder_ = std::move(web_dir);
  return assets;
}

std::optional<Asset> Assets::Find(const std::string& path) const {
  if (!folder_) {
    auto it = embedded_.find(path);
    if (it == embedded_.end()) return std::nullopt;
    return it->second;
  }
  auto source = SourceOf(path);
  if (!source) return std::nullopt;
  std::ifstream in(*folder_ / *source, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream body;
  body << in.rdbuf();
  return Prepare(path, body.str());
}

}  // namespace tgmux::web
