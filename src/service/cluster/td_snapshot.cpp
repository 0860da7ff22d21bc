#include "service/cluster/td_snapshot.h"

#include <cstdint>
#include <fstream>
#include <iterator>
#include <map>
#include <system_error>

namespace tgmux::service::cluster {
namespace {

// "tgmux-td/1\n", then per file: name length (4 bytes), name, size (8 bytes),
// contents; lengths little-endian.
constexpr std::string_view kMagic = "tgmux-td/1\n";

void PutNumber(std::string& out, std::uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool done() const { return in_.empty(); }
  std::uint64_t Number(int bytes) {
    Need(static_cast<std::size_t>(bytes));
    std::uint64_t value = 0;
    for (int i = 0; i < bytes; ++i) value |= static_cast<std::uint64_t>(static_cast<unsigned char>(in_[i])) << (8 * i);
    in_.remove_prefix(static_cast<std::size_t>(bytes));
    return value;
  }
  std::string_view Bytes(std::uint64_t size) {
    Need(size);
    auto out = in_.substr(0, size);
    in_.remove_prefix(size);
    return out;
  }

 private:
  void Need(std::uint64_t size) const {
    if (in_.size() < size) throw SnapshotError("the TDLib snapshot is cut short");
  }
  std::string_view in_;
};

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw SnapshotError("cannot read " + path.string());
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A plain file name: nothing that leaves the directory.
bool PlainName(std::string_view name) {
  return !name.empty() && name != "." && name != ".." && name.find('/') == std::string_view::npos &&
         name.find('\0') == std::string_view::npos;
}

}  // namespace

std::string PackTdDirectory(const std::filesystem::path& dir) {
  std::map<std::string, std::filesystem::path> files;  // by name: the same bytes for the same directory
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.is_regular_file()) files[entry.path().filename().string()] = entry.path();
  }
  if (files.empty()) return "";
  std::string out(kMagic);
  for (const auto& [name, path] : files) {
    std::string contents = ReadFile(path);
    PutNumber(out, name.size(), 4);
    out += name;
    PutNumber(out, contents.size(), 8);
    out += contents;
  }
  return out;
}

void UnpackTdDirectory(std::string_view packed, const std::filesystem::path& dir) {
  if (packed.substr(0, kMagic.size()) != kMagic) throw SnapshotError("not a TDLib snapshot");
  Reader reader(packed.substr(kMagic.size()));
  std::map<std::string, std::string_view> files;
  while (!reader.done()) {
    std::string name(reader.Bytes(reader.Number(4)));
    if (!PlainName(name)) throw SnapshotError("the TDLib snapshot names a file outside its directory");
    files[name] = reader.Bytes(reader.Number(8));
  }
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.is_regular_file() && !files.count(entry.path().filename().string())) {
      std::filesystem::remove(entry.path(), ec);
    }
  }
  for (const auto& [name, contents] : files) {
    // Written beside, then renamed over: a file is never half there.
    auto path = dir / name;
    auto part = dir / (name + ".part");
    {
      std::ofstream out(part, std::ios::binary | std::ios::trunc);
      out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
      if (!out.flush()) throw SnapshotError("cannot write " + part.string());
    }
    std::filesystem::rename(part, path, ec);
    if (ec) throw SnapshotError("cannot write " + path.string() + ": " + ec.message());
  }
}

}  // namespace tgmux::service::cluster
