#include "sim/testing/tgsim_process.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <stdexcept>

namespace tgsim::testing {

HttpResult HttpRequest(int port, const std::string& method, const std::string& target,
                       const std::string& body) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    throw std::runtime_error("cannot connect to tgsim control API");
  }
  std::string request = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" +
                        "Content-Type: application/json\r\nContent-Length: " +
                        std::to_string(body.size()) + "\r\n\r\n" + body;
  ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
  std::string response;
  char chunk[8192];
  for (ssize_t n; (n = ::recv(fd, chunk, sizeof chunk, 0)) > 0;) response.append(chunk, n);
  ::close(fd);
  HttpResult result;
  if (response.size() > 12) result.status = std::stoi(response.substr(9, 3));
  auto head_end = response.find("\r\n\r\n");
  std::string payload = head_end == std::string::npos ? "" : response.substr(head_end + 4);
  if (!payload.empty()) result.body = nlohmann::json::parse(payload, nullptr, false);
  result.raw = std::move(payload);
  return result;
}

TgsimProcess::TgsimProcess(const std::string& binary, std::vector<std::string> extra_args) {
  int out[2];
  if (::pipe(out) != 0) throw std::runtime_error("pipe failed");
  pid_ = ::fork();
  if (pid_ == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);  // never outlive the test process
    ::dup2(out[1], STDOUT_FILENO);
    // Keep none of the parent's descriptors: a pipe held open here would keep, e.g., a
    // death test's parent waiting for EOF long after the test process died.
    for (int fd = 3; fd < 4096; ++fd) ::close(fd);
    std::vector<std::string> args = {binary, "--port", "0"};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    std::vector<char*> argv;
    for (auto& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    ::execv(binary.c_str(), argv.data());
    ::_exit(127);
  }
  ::close(out[1]);
  std::string line;
  char c;
  while (::read(out[0], &c, 1) == 1 && c != '\n') line += c;
  ::close(out[0]);
  const std::string prefix = "tgsim listening on 127.0.0.1:";
  if (line.rfind(prefix, 0) != 0) throw std::runtime_error("tgsim did not start: '" + line + "'");
  port_ = std::stoi(line.substr(prefix.size()));
}

TgsimProcess::~TgsimProcess() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  int status = 0;
  ::waitpid(pid_, &status, 0);
}

HttpResult TgsimProcess::Control(const std::string& method, const std::string& path,
                                 const nlohmann::json& body) const {
  return HttpRequest(port_, method, "/control" + path, body.is_null() ? "" : body.dump());
}

}  // namespace tgsim::testing
