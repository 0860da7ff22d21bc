// Configuration values (src/config/config.h): a TOML file and environment
// values. Load either returns a configuration or throws ConfigError naming the
// setting; anything else (a crash, another exception, a sanitizer report) is a
// bug.
//
// Input: the TOML file's text; after a line "%%", environment lines NAME=value
// (the names of config.cpp's table: TGMUX_*, TELEGRAM_*).
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "config/config.h"
#include "fuzz/check.h"

namespace {

// The TOML text as a file Load can open: an in-memory file, no disk.
class MemoryFile {
 public:
  MemoryFile() : fd_(memfd_create("fuzz.toml", 0)) { FUZZ_CHECK(fd_ >= 0); }
  ~MemoryFile() { close(fd_); }
  std::string Path(std::string_view text) {
    FUZZ_CHECK(ftruncate(fd_, 0) == 0);
    FUZZ_CHECK(pwrite(fd_, text.data(), text.size(), 0) == static_cast<ssize_t>(text.size()));
    return "/proc/self/fd/" + std::to_string(fd_);
  }

 private:
  int fd_;
};

std::map<std::string, std::string> Environment(std::string_view text) {
  std::map<std::string, std::string> env;
  while (!text.empty()) {
    auto newline = text.find('\n');
    std::string_view line = text.substr(0, newline);
    auto eq = line.find('=');
    if (eq != std::string_view::npos) env[std::string(line.substr(0, eq))] = std::string(line.substr(eq + 1));
    if (newline == std::string_view::npos) break;
    text.remove_prefix(newline + 1);
  }
  return env;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static MemoryFile file;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto split = input.find("\n%%\n");
  tgmux::config::Sources sources;
  std::string_view toml = input.substr(0, split);
  if (!toml.empty()) sources.toml_file = file.Path(toml);
  if (split != std::string_view::npos) sources.env = Environment(input.substr(split + 4));
  try {
    auto config = tgmux::config::Load(sources);
    (void)config.Listen();
    (void)config.DatabasePath();
  } catch (const tgmux::config::ConfigError& e) {
    FUZZ_CHECK(std::string_view(e.what()).find('\n') == std::string_view::npos);  // one line
  }
  return 0;
}
