// The deployment files (deploy/, docs/deployment.md): what an installed tgmux and its image
// need at run time, that `make install` gives a tgmux that runs from its prefix, and that the
// systemd unit is valid and hardened.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "tests/support/build_paths.h"
#include "tests/support/process.h"
#include "tests/support/tgmux_server.h"
#include "tests/support/wait.h"

namespace tgmux::testing {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

struct Ran {
  int status;
  std::string out;
  std::string err;
};

// Runs a program found on the usual PATH (Process runs argv[0] as a path).
Ran RunCommand(std::vector<std::string> argv) {
  if (argv[0].find('/') == std::string::npos) {
    for (const char* dir : {"/usr/local/bin", "/usr/bin", "/bin", "/usr/sbin", "/sbin"}) {
      if (fs::exists(fs::path(dir) / argv[0])) {
        argv[0] = (fs::path(dir) / argv[0]).string();
        break;
      }
    }
  }
  TempDir logs;
  Process process(std::move(argv), {}, logs.path());
  int status = process.Wait(120s);
  if (status == -1) status = process.Stop(SIGKILL);
  return {status, process.Stdout(), process.Stderr()};
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

// The Debian packages of the shared libraries `file` loads, as ldd resolves them.
std::set<std::string> PackagesLoadedBy(const fs::path& file) {
  auto ldd = RunCommand({"ldd", file.string()});
  EXPECT_EQ(ldd.status, 0) << ldd.err;
  std::set<std::string> packages;
  std::regex resolved(R"(=> (/\S+) \()");
  for (const auto& line : Lines(ldd.out)) {
    std::smatch match;
    if (!std::regex_search(line, match, resolved)) continue;
    // With /usr merged, dpkg knows some libraries by their /lib name only.
    std::string path = fs::canonical(match[1].str()).string();
    auto owner = RunCommand({"dpkg", "-S", path});
    if (owner.status != 0 && path.starts_with("/usr/")) owner = RunCommand({"dpkg", "-S", path.substr(4)});
    EXPECT_EQ(owner.status, 0) << path << " belongs to no package: " << owner.err;
    if (owner.status != 0) continue;
    auto package = owner.out.substr(0, owner.out.find(':'));
    packages.insert(package);
  }
  return packages;
}

fs::path SourceDir() { return TGMUX_SOURCE_DIR; }
fs::path BuildDir() { return fs::path(TGMUX_BINARY).parent_path(); }

// Every library tgmux and libtdjson load comes with `scripts/install-deps --runtime` (the image's
// runtime stage): from a package it names, or one of their dependencies.
TEST(Deploy, RuntimePackagesCoverEveryLibraryTgmuxLoads) {
  auto listed = RunCommand({(SourceDir() / "scripts/install-deps").string(), "--list-runtime"});
  ASSERT_EQ(listed.status, 0) << listed.err;
  // What apt installs for that list: the packages and everything they depend on.
  std::vector<std::string> argv = {"apt-cache", "depends", "--recurse", "--no-recommends", "--no-suggests",
                                   "--no-conflicts", "--no-breaks", "--no-replaces", "--no-enhances"};
  auto listed_packages = Lines(listed.out);
  argv.insert(argv.end(), listed_packages.begin(), listed_packages.end());
  auto closure = RunCommand(argv);
  ASSERT_EQ(closure.status, 0) << closure.err;
  std::set<std::string> runtime;
  for (const auto& line : Lines(closure.out)) {
    if (line[0] != ' ') runtime.insert(line);
  }
  ASSERT_TRUE(runtime.count("libsodium23") && runtime.count("libc6")) << closure.out;
  auto needed = PackagesLoadedBy(TGMUX_BINARY);
  auto tdjson = PackagesLoadedBy(TGMUX_TDJSON_DEFAULT);
  needed.insert(tdjson.begin(), tdjson.end());
  EXPECT_TRUE(needed.count("libsodium23")) << "ldd's answer was not read";
  for (const auto& package : needed) {
    EXPECT_TRUE(runtime.count(package)) << package << " is loaded by tgmux but neither in scripts/install-deps' "
                                        << "RUNTIME list nor a dependency of one (the image would not start)";
  }
}

// `make install` copies tgmux and the pinned libtdjson into a prefix; the installed tgmux
// loads that copy without being told where it is, and serves.
// The installed copies are removed even where the suite keeps test folders (the binaries are
// large, and the secrets scan of those folders is for what tgmux writes).
struct InstallPrefix {
  TempDir dir;
  ~InstallPrefix() {
    std::error_code ignored;
    fs::remove_all(dir.path() / "bin", ignored);
    fs::remove_all(dir.path() / "lib", ignored);
  }
  const fs::path& path() const { return dir.path(); }
};

TEST(Deploy, InstalledTgmuxLoadsTheLibtdjsonBesideIt) {
  InstallPrefix prefix;
  auto install = RunCommand({"cmake", "--install", BuildDir().string(), "--prefix", prefix.path().string()});
  ASSERT_EQ(install.status, 0) << install.out << install.err;
  fs::path installed_tdjson = prefix.path() / "lib/tgmux/libtdjson.so";
  ASSERT_TRUE(fs::is_regular_file(installed_tdjson));
  ASSERT_TRUE(fs::is_regular_file(prefix.path() / "bin/tgsim"));

  TgmuxServer server;
  server.SetBinary(prefix.path() / "bin/tgmux");
  ASSERT_TRUE(server.Start()) << server.process().Stderr();
  auto ready = server.Anonymous().Get("/readyz");
  ASSERT_EQ(ready.status, 200) << ready.body;
  EXPECT_EQ(ready.Json()["tdlib"]["loaded"], true) << ready.body;
  // The library mapped into the process is the installed copy, not the build tree's.
  std::string maps;
  ASSERT_TRUE(WaitUntil([&] {
    maps = ReadFile("/proc/" + std::to_string(server.process().pid()) + "/maps");
    return maps.find("libtdjson.so") != std::string::npos;
  }, 10s));
  EXPECT_NE(maps.find(fs::canonical(installed_tdjson).string()), std::string::npos);
  EXPECT_EQ(maps.find(fs::canonical(TGMUX_TDJSON_DEFAULT).string()), std::string::npos);
}

// The unit file as systemd reads it: no unknown key or value, and an exposure level of
// `systemd-analyze security` at most 2.0 ("OK").
TEST(Deploy, SystemdUnitIsValidAndHardened) {
  TempDir dir;
  std::ifstream in(SourceDir() / "deploy/systemd/tgmux.service");
  ASSERT_TRUE(in);
  std::stringstream unit;
  unit << in.rdbuf();
  // verify checks that ExecStart's program exists: point it at this build's.
  std::string text = std::regex_replace(unit.str(), std::regex("/opt/tgmux/bin/tgmux"), TGMUX_BINARY);
  fs::path copy = dir.path() / "tgmux.service";
  std::ofstream(copy) << text;

  auto verify = RunCommand({"systemd-analyze", "verify", copy.string()});
  EXPECT_EQ(verify.status, 0) << verify.err;
  EXPECT_EQ(verify.out + verify.err, "") << "systemd-analyze verify complained";

  auto security = RunCommand({"systemd-analyze", "security", "--offline=true", "--no-pager", "--threshold=20", copy.string()});
  EXPECT_EQ(security.status, 0) << security.out << security.err;
  EXPECT_NE(security.out.find("Overall exposure level for tgmux.service"), std::string::npos) << security.out;
}

// The three-node compose file: each node its own service, address for the
// others (TGMUX_NODE_URL on its own service name), data volume and port, and
// one master key for all, required from deploy/.env.
TEST(Deploy, ClusterComposeGivesEachNodeItsOwnAddressVolumeAndPort) {
  std::ifstream in(SourceDir() / "deploy/docker-compose.cluster.yml");
  ASSERT_TRUE(in) << "deploy/docker-compose.cluster.yml";
  struct Node {
    std::string url, volume, port;
  };
  std::map<std::string, Node> nodes;
  std::string service, line, text;
  const std::regex service_line(R"(^  ([\w-]+):\s*$)");
  const std::regex url_line(R"(^\s+TGMUX_NODE_URL: (\S+)\s*$)");
  const std::regex volume_line(R"(^\s+- (\S+):/var/lib/tgmux\s*$)");
  const std::regex port_line(R"(^\s+- "127\.0\.0\.1:(\d+):8080"\s*$)");
  std::smatch m;
  while (std::getline(in, line)) {
    text += line + "\n";
    if (std::regex_match(line, m, service_line)) service = m[1].str().rfind("tgmux-", 0) == 0 ? m[1].str() : "";
    if (line.rfind("  ", 0) != 0 && !line.empty()) service.clear();  // a top-level key ends the services
    if (service.empty()) continue;
    if (std::regex_match(line, m, url_line)) nodes[service].url = m[1];
    if (std::regex_match(line, m, volume_line)) nodes[service].volume = m[1];
    if (std::regex_match(line, m, port_line)) nodes[service].port = m[1];
  }
  ASSERT_EQ(nodes.size(), 3u) << text;
  std::set<std::string> volumes, ports;
  for (const auto& [name, node] : nodes) {
    EXPECT_EQ(node.url, "http://" + name + ":8080") << name;
    EXPECT_EQ(node.volume, name + "-data") << name;
    volumes.insert(node.volume);
    ports.insert(node.port);
  }
  EXPECT_EQ(volumes.size(), 3u);
  EXPECT_EQ(ports.size(), 3u);
  EXPECT_NE(text.find("TGMUX_MASTER_KEY: ${TGMUX_MASTER_KEY:?"), std::string::npos) << "one key for all, required";
}

}  // namespace
}  // namespace tgmux::testing
