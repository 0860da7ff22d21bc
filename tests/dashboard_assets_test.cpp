// End-to-end: how the dashboard's files are served (docs/dashboard.md): the
// page at "/", its files under "/ui/", the UI library's modules made loadable
// without an import map, the page's security headers, revalidation by ETag,
// nothing else of the folder, and TGMUX_WEB_DIR for editing without a rebuild.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>

#include "tests/support/tgmux_server.h"

namespace tgmux::testing {
namespace {

void Write(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

class DashboardAssetsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    web_ = dir_.path() / "web";
    Write(web_ / "index.html", "<!doctype html><title>tgmux</title><script type=\"module\" src=\"/ui/app.mjs\"></script>");
    Write(web_ / "app.mjs", "import { render } from './vendor/preact.mjs';\n");
    Write(web_ / "style.css", "body { margin: 0 }\n");
    Write(web_ / "pages" / "accounts.mjs", "export const page = 'accounts';\n");
    Write(web_ / ".draft.mjs", "secret draft\n");
    Write(web_ / "package.json", "{}\n");
    Write(web_ / "node_modules/preact/dist/preact.mjs", "export var options={};\n");
    Write(web_ / "node_modules/preact/hooks/dist/hooks.mjs", "import{options as n}from\"preact\";export var h=1;\n");
    Write(web_ / "node_modules/htm/dist/htm.mjs", "export default function(){}\n");
    server_ = std::make_unique<TgmuxServer>(std::map<std::string, std::string>{{"TGMUX_WEB_DIR", web_.string()}});
    ASSERT_TRUE(server_->Start()) << server_->process().Stderr();
  }
  HttpResponse Get(const std::string& path, std::map<std::string, std::string> headers = {}) {
    return server_->Anonymous().Request("GET", path, "", std::move(headers));
  }

  TempDir dir_;
  std::filesystem::path web_;
  std::unique_ptr<TgmuxServer> server_;
};

TEST_F(DashboardAssetsTest, ThePageComesWithAPolicyThatAllowsNothingInlineNorFraming) {
  auto page = Get("/");
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_EQ(page.Header("content-type"), "text/html; charset=utf-8");
  EXPECT_NE(page.body.find("/ui/app.mjs"), std::string::npos);
  auto csp = page.Header("content-security-policy");
  EXPECT_NE(csp.find("script-src 'self';"), std::string::npos) << csp;
  EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos) << csp;
  EXPECT_EQ(csp.find("unsafe-eval"), std::string::npos) << csp;
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << csp;
  EXPECT_EQ(page.Header("x-frame-options"), "DENY");
  EXPECT_EQ(page.Header("x-content-type-options"), "nosniff");
  EXPECT_EQ(page.Header("referrer-policy"), "no-referrer");
  EXPECT_EQ(Get("/").Header("etag"), page.Header("etag"));
  // Always revalidated, cheaply.
  EXPECT_EQ(page.Header("cache-control"), "no-cache");
  auto again = Get("/", {{"If-None-Match", page.Header("etag")}});
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
}

TEST_F(DashboardAssetsTest, ModulesStylesAndTheLibraryAreServedWithTheirTypes) {
  auto app = Get("/ui/app.mjs");
  ASSERT_EQ(app.status, 200);
  EXPECT_EQ(app.Header("content-type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(Get("/ui/style.css").Header("content-type"), "text/css; charset=utf-8");
  EXPECT_EQ(Get("/ui/pages/accounts.mjs").status, 200);
  EXPECT_EQ(Get("/ui/vendor/preact.mjs").status, 200);
  EXPECT_EQ(Get("/ui/vendor/htm.mjs").status, 200);
  // The hooks module imports "preact" by its bare name, which a browser
  // cannot resolve without an import map: it is served importing the file.
  auto hooks = Get("/ui/vendor/hooks.mjs");
  ASSERT_EQ(hooks.status, 200);
  EXPECT_NE(hooks.body.find("from\"./preact.mjs\""), std::string::npos) << hooks.body;
  EXPECT_EQ(hooks.body.find("from\"preact\""), std::string::npos) << hooks.body;
}

TEST_F(DashboardAssetsTest, NothingElseOfTheFolderIsServed) {
  for (const char* path : {"/ui/.draft.mjs", "/ui/package.json", "/ui/node_modules/htm/dist/htm.mjs",
                           "/ui/vendor/../app.mjs", "/ui/%2e%2e/app.mjs", "/ui/%2e%2e/%2e%2e/etc/passwd", "/ui/index.html",
                           "/ui/vendor/other.mjs", "/ui/missing.mjs", "/index.html"}) {
    EXPECT_EQ(Get(path).status, 404) << path;
  }
}

TEST_F(DashboardAssetsTest, FromAFolderAnEditShowsOnTheNextRequest) {
  auto before = Get("/ui/app.mjs");
  Write(web_ / "app.mjs", "console.log('edited');\n");
  auto after = Get("/ui/app.mjs");
  EXPECT_EQ(after.body, "console.log('edited');\n");
  EXPECT_NE(after.Header("etag"), before.Header("etag"));
}

TEST(DashboardAssetsConfig, AWebFolderWithoutThePageStopsTgmuxNamingTheSetting) {
  TempDir empty;
  auto [status, err] = RunTgmux({{"TGMUX_WEB_DIR", empty.path().string()}});
  EXPECT_EQ(status, 2);
  EXPECT_NE(err.find("TGMUX_WEB_DIR"), std::string::npos) << err;
  EXPECT_NE(err.find("index.html"), std::string::npos) << err;
}

}  // namespace
}  // namespace tgmux::testing

namespace tgmux::testing {
namespace {

// The modules `source` (served at `url`) imports, as served paths.
std::vector<std::string> Imports(const std::string& url, const std::string& source) {
  static const std::regex kImport(R"re((?:\bfrom|\bimport)\s*\(?\s*["'](\.{1,2}/[^"']+)["'])re");
  std::vector<std::string> out;
  std::string base = url.substr(0, url.rfind('/') + 1);
  for (std::sregex_iterator it(source.begin(), source.end(), kImport), end; it != end; ++it) {
    auto resolved = std::filesystem::path(base + (*it)[1].str()).lexically_normal().generic_string();
    out.push_back(resolved);
  }
  return out;
}

TEST(DashboardBuiltIn, ThePageAndEveryModuleItImportsAreServedFromTheBinary) {
  TgmuxServer server;  // no TGMUX_WEB_DIR: the copy built in
  ASSERT_TRUE(server.Start()) << server.process().Stderr();
  auto page = server.Anonymous().Get("/");
  ASSERT_EQ(page.status, 200) << page.body;
  // Nothing inline: the policy would block it, and the page would not work.
  EXPECT_EQ(std::regex_search(page.body, std::regex(R"(<script(?![^>]*\bsrc=)[^>]*>)")), false) << page.body;
  EXPECT_EQ(std::regex_search(page.body, std::regex(R"(\s(style|on[a-z]+)=)")), false) << page.body;
  std::smatch entry;
  ASSERT_TRUE(std::regex_search(page.body, entry, std::regex(R"re(<script type="module" src="([^"]+)")re")))
      << page.body;
  std::smatch css;
  ASSERT_TRUE(std::regex_search(page.body, css, std::regex(R"re(<link rel="stylesheet" href="([^"]+)")re")));
  EXPECT_EQ(server.Anonymous().Get(css[1].str()).Header("content-type"), "text/css; charset=utf-8");

  std::set<std::string> seen;
  std::vector<std::string> queue = {entry[1].str()};
  while (!queue.empty()) {
    auto url = queue.back();
    queue.pop_back();
    if (!seen.insert(url).second) continue;
    auto module = server.Anonymous().Get(url);
    ASSERT_EQ(module.status, 200) << url << " is imported but not served";
    EXPECT_EQ(module.Header("content-type"), "text/javascript; charset=utf-8") << url;
    for (auto& imported : Imports(url, module.body)) queue.push_back(imported);
  }
  EXPECT_TRUE(seen.count("/ui/vendor/preact.mjs")) << "the page renders with the UI library";
  EXPECT_TRUE(seen.count("/ui/vendor/hooks.mjs"));
  EXPECT_GE(seen.size(), 5u);
}

}  // namespace
}  // namespace tgmux::testing
