// A TDLib directory as bytes and back (docs/cluster.md, Snapshots). Taken
// only from a closed client: copying a directory TDLib has open is unsafe
// (TDLib facts §9). With TDLib's databases off, the session is the files at
// the top of the directory (td.binlog); downloaded files in its folders are
// left out and fetched again where needed.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>

namespace tgmux::service::cluster {

class SnapshotError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The regular files at the top of `dir`, names and contents; "" when there
// are none (or no directory). Throws SnapshotError when one cannot be read.
std::string PackTdDirectory(const std::filesystem::path& dir);
// Makes `dir` hold exactly the packed files at its top (other top-level files
// are removed; folders stay). Throws SnapshotError for bytes PackTdDirectory
// did not make, or when a file cannot be written.
void UnpackTdDirectory(std::string_view packed, const std::filesystem::path& dir);

}  // namespace tgmux::service::cluster
