// The dashboard's files (issue 16): the page, its modules and styles, and the
// UI library's modules from web/node_modules, as served at "/" and "/ui/...".
// Built into the binary; for UI development they can be read from a folder on
// every request instead (TGMUX_WEB_DIR), so that an edit shows on reload.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>

namespace tgmux::web {

struct Asset {
  std::string content_type;
  std::string etag;  // quoted, as sent
  std::string body;
};

class Assets {
 public:
  // The files built into the binary.
  static Assets Embedded();
  // Reads `web_dir` (the repository's web/ folder) on every Find.
  static Assets FromFolder(std::filesystem::path web_dir);

  // The file served at `path` ("/", "/ui/app.mjs"); nullopt when there is none.
  std::optional<Asset> Find(const std::string& path) const;
  // True when the page itself is there (a binary built without web/ has none).
  bool HasPage() const { return Find("/").has_value(); }

 private:
  std::map<std::string, Asset> embedded_;
  std::optional<std::filesystem::path> folder_;
};

// Where a served path comes from inside web/: "/" is index.html, "/ui/x" is x,
// and the UI library's modules are in node_modules. nullopt for paths that
// are not the dashboard's ("/ui/../x", dot files, other folders).
std::optional<std::string> SourceOf(const std::string& path);

// Ready to serve: its content type from the name, the UI library's bare
// imports ("preact") made relative (browsers resolve no bare names without an
// import map, and the page's policy allows no inline import map), its ETag.
Asset Prepare(const std::string& path, std::string body);

}  // namespace tgmux::web
