// HTTPS served by tgmux itself (TGMUX_TLS_CERT / TGMUX_TLS_KEY, PEM files):
// a server context with TLS 1.2 at least, loaded at start and again on
// SIGHUP. This file knows OpenSSL's context; the connections that use it
// live in http_server.cpp.
#pragma once

#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

namespace boost::asio::ssl {
class context;
}

namespace tgmux::api {

// A certificate or key that cannot be used: one line that names the setting
// (TGMUX_TLS_CERT or TGMUX_TLS_KEY), the file and what is wrong.
class TlsError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct TlsFiles {
  std::filesystem::path cert;  // PEM: the certificate, then its chain
  std::filesystem::path key;   // PEM: its private key (unencrypted)
  bool enabled() const { return !cert.empty(); }
};

// Reads both files into a new server context. Throws TlsError.
std::shared_ptr<boost::asio::ssl::context> LoadTlsContext(const TlsFiles& files);

// "CN=example.org, expires 2027-11-27" of the context's certificate, for logs.
std::string DescribeCertificate(boost::asio::ssl::context& context);

}  // namespace tgmux::api
