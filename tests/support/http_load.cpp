#include "tests/support/http_load.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <random>
#include <regex>
#include <stdexcept>

#include "tests/support/wait.h"

namespace tgmux::testing {
namespace {

namespace fs = std::filesystem;

constexpr const char* kNginx = "/usr/sbin/nginx";
constexpr const char* kWrk = "/usr/bin/wrk";

void WriteText(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

// One worker like the bar in DESIGN.md; no access log; keep-alive connections
// that last the whole run, as tgmux's do.
std::string NginxConfig(const fs::path& dir, int port) {
  std::string d = dir.string();
  std::string config = geteuid() == 0 ? "user root;\n" : "";
  config += "worker_processes 1;\ndaemon off;\npid " + d + "/nginx.pid;\nerror_log " + d + "/error.log warn;\n" +
            "events { worker_connections 4096; }\nhttp {\n  access_log off;\n  default_type application/json;\n" +
            "  keepalive_requests 100000000;\n";
  for (const char* temp : {"client_body", "proxy", "fastcgi", "uwsgi", "scgi"}) {
    config += std::string("  ") + temp + "_temp_path " + d + "/" + temp + ";\n";
  }
  config += "  server {\n    listen 127.0.0.1:" + std::to_string(port) + ";\n    root " + d + "/www;\n  }\n}\n";
  return config;
}

}  // namespace

int FreeLoopbackPort() {
  // Below the kernel's ephemeral range: a port the kernel hands to an outgoing
  // connection (thousands in a test run) could take it between a server's
  // stop and its restart on the same address. Picked at random, so that
  // tests running side by side seldom pick the same one; bound to check.
  int low = 32768, high = 60999;
  std::ifstream("/proc/sys/net/ipv4/ip_local_port_range") >> low >> high;
  const int first = std::max(1024, low - 12000), last = std::max(first, low - 1);
  std::mt19937 random{std::random_device{}()};
  std::uniform_int_distribution<int> pick(first, last);
  for (int attempt = 0; attempt < 100; ++attempt) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) break;
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(static_cast<std::uint16_t>(pick(random)));
    const bool free = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    ::close(fd);
    if (free) return ntohs(address.sin_port);
  }
  throw std::runtime_error("no free loopback port");
}

NginxServer::NginxServer(const std::map<std::string, std::string>& files) {
  fs::create_directories(dir_.path() / "www");
  for (const auto& [name, body] : files) WriteText(dir_.path() / "www" / name, body);
}

NginxServer::~NginxServer() {
  if (process_) process_->Stop(SIGQUIT, std::chrono::seconds(5));
}

bool NginxServer::Start() {
  port_ = FreeLoopbackPort();
  const fs::path config = dir_.path() / "nginx.conf";
  WriteText(config, NginxConfig(dir_.path(), port_));
  process_ = std::make_unique<Process>(
      std::vector<std::string>{kNginx, "-p", dir_.path().string(), "-c", config.string(), "-e",
                               (dir_.path() / "error.log").string()},
      std::map<std::string, std::string>{}, dir_.path());
  tgmux::HttpClient client("127.0.0.1", port_);
  return WaitUntil([&] { return client.Get("/").status != 0 || !process_->Running(); }, std::chrono::seconds(10)) &&
         process_->Running();
}

std::string NginxServer::ErrorLog() const { return ReadFile(dir_.path() / "error.log"); }

WrkResult RunWrk(const std::string& url, const WrkOptions& options) {
  TempDir logs;
  std::vector<std::string> argv = {kWrk, "-t", std::to_string(options.threads), "-c",
                                   std::to_string(options.connections), "-d", std::to_string(options.seconds) + "s"};
  for (const auto& [name, value] : options.headers) {
    argv.push_back("-H");
    argv.push_back(name + ": " + value);
  }
  if (!options.script.empty()) {
    std::ofstream(logs.path() / "script.lua") << options.script;
    argv.push_back("-s");
    argv.push_back((logs.path() / "script.lua").string());
  }
  argv.push_back(url);
  Process wrk(argv, {}, logs.path());
  WrkResult result;
  if (wrk.Wait(std::chrono::seconds(options.seconds + 30)) != 0) {
    result.output = wrk.Stdout() + wrk.Stderr();
    return result;
  }
  result.output = wrk.Stdout();
  std::smatch match;
  if (std::regex_search(result.output, match, std::regex(R"(Requests/sec:\s+([0-9.]+))"))) {
    result.requests_per_s = std::stod(match[1]);
  }
  if (std::regex_search(result.output, match, std::regex(R"(([0-9]+) requests in)"))) {
    result.requests = std::stol(match[1]);
  }
  if (std::regex_search(result.output, match, std::regex(R"(Non-2xx or 3xx responses:\s+([0-9]+))"))) {
    result.non_2xx += std::stol(match[1]);
  }
  if (std::regex_search(result.output, match,
                        std::regex(R"(Socket errors: connect ([0-9]+), read ([0-9]+), write ([0-9]+), timeout ([0-9]+))"))) {
    for (int i = 1; i <= 4; ++i) result.non_2xx += std::stol(match[i]);
  }
  return result;
}

}  // namespace tgmux::testing
