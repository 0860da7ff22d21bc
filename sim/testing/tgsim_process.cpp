#include "sim/testing/tgsim_process.h"

#include "sim/testing/control_connection.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <stdexcept>

namespace tgsim::testing {

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
  return ControlConnection(port_).Call(method, path, body);  // one call, then closed
}

}  // namespace tgsim::testing
