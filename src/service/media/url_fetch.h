// Fetching a file to send by its URL ("media": {"url": ...}; docs/architecture.md,
// Media). Off unless TGMUX_MEDIA_FETCH=on.
//
// A fetch may only reach public addresses (address_policy.h). The host is
// resolved once; when ANY of its addresses is refused, the whole URL is
// refused (rather than picking the allowed ones: a name that points inside is
// not trusted for the rest either). The connection then goes to exactly the
// addresses that were checked, never through a second lookup, so a DNS answer
// that changes in between (rebinding) cannot steer it elsewhere. Redirects
// (at most 5) are checked the same way, hop by hop.
//
// http and https (TLS with SNI and certificate verification against the
// system's authorities). The body streams straight into a sealed file in the
// spool directory, 64 KiB at a time: memory stays flat. A Content-Length over
// the limit (TGMUX_MAX_UPLOAD) is refused before any of the body is read, a
// chunked body as soon as it passes the limit. One deadline
// (TGMUX_MEDIA_FETCH_TIMEOUT) bounds the whole fetch.
//
// Blocking (the HTTP worker pool calls it); thread-safe. At most
// kMaxConcurrent fetches run at once, so that slow servers cannot hold every
// worker of the HTTP server; one more is refused with flood_wait (429).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>

#include "config/config.h"
#include "service/media/address_policy.h"
#include "service/media/staged_file.h"

namespace tgmux::service {

class MediaFetcher {
 public:
  static constexpr int kMaxConcurrent = 2;

  // Logs a warning when an allow-list (tests only) is set.
  MediaFetcher(const config::Config& config, std::filesystem::path spool_dir);

  bool enabled() const { return enabled_; }

  // The file at `url`, sealed in the spool directory. `file_name` ("" for
  // none) names it; otherwise the answer's Content-Disposition, the last
  // segment of the (final) URL's path, or "file". Throws Error(invalid_request)
  // with a message that starts "media.url: " and says why: fetching is off,
  // not an http(s) URL, a refused address (also after a redirect), too many
  // redirects, a status other than 200, too large, empty, no answer in time,
  // the connection or TLS failed. Error(flood_wait) when kMaxConcurrent
  // fetches are under way already.
  StagedFile Fetch(const std::string& url, const std::string& file_name) const;

  struct Limits {
    std::uint64_t max_bytes = 0;
    std::chrono::milliseconds timeout{0};
    int max_redirects = 5;
  };

 private:
  bool enabled_;
  Limits limits_;
  AddressPolicy policy_;
  std::filesystem::path spool_dir_;
  mutable std::atomic<int> in_flight_{0};
};

}  // namespace tgmux::service
