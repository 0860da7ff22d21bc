#include "api/tls.h"

#include <utility>  // before Boost.Asio: see api/asio.h

#include <boost/asio/ssl/context.hpp>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>

namespace tgmux::api {
namespace {

namespace ssl = boost::asio::ssl;

// OpenSSL's reason for the last failure (its error queue emptied), or `fallback`.
std::string OpenSslReason(const std::string& fallback) {
  unsigned long code = 0, last = 0;
  while ((code = ::ERR_get_error()) != 0) last = code;
  if (last == 0) return fallback;
  const char* reason = ::ERR_reason_error_string(last);
  return reason ? reason : fallback;
}

[[noreturn]] void Fail(const char* setting, const std::filesystem::path& path, const std::string& what) {
  throw TlsError(std::string(setting) + "=\"" + path.string() + "\": " + what);
}

// Readable as a file at all: a clearer reason than OpenSSL's for the usual mistakes.
void CheckReadable(const char* setting, const std::filesystem::path& path) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (!file) Fail(setting, path, std::string("cannot be read (") + std::strerror(errno) + ")");
  std::fclose(file);
}

}  // namespace

std::shared_ptr<ssl::context> LoadTlsContext(const TlsFiles& files) {
  CheckReadable("TGMUX_TLS_CERT", files.cert);
  CheckReadable("TGMUX_TLS_KEY", files.key);
  auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
  SSL_CTX* native = context->native_handle();
  ::SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
  ::SSL_CTX_set_options(native, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  ::ERR_clear_error();
  if (::SSL_CTX_use_certificate_chain_file(native, files.cert.c_str()) != 1) {
    Fail("TGMUX_TLS_CERT", files.cert, "not a PEM certificate (" + OpenSslReason("unreadable") + ")");
  }
  // Read apart from the context, so that a key that is not one and a key of
  // another certificate get different messages.
  std::FILE* file = std::fopen(files.key.c_str(), "rb");
  EVP_PKEY* key = file ? ::PEM_read_PrivateKey(file, nullptr, nullptr, const_cast<char*>("")) : nullptr;
  if (file) std::fclose(file);
  if (!key) {
    Fail("TGMUX_TLS_KEY", files.key, "not an unencrypted PEM private key (" + OpenSslReason("unreadable") + ")");
  }
  const int used = ::SSL_CTX_use_PrivateKey(native, key);
  ::EVP_PKEY_free(key);
  if (used != 1 || ::SSL_CTX_check_private_key(native) != 1) {
    Fail("TGMUX_TLS_KEY", files.key, "does not match the certificate of TGMUX_TLS_CERT (" +
                                         OpenSslReason("mismatch") + ")");
  }
  return context;
}

std::string DescribeCertificate(ssl::context& context) {
  X509* cert = ::SSL_CTX_get0_certificate(context.native_handle());
  if (!cert) return "no certificate";
  char subject[256] = {0};
  ::X509_NAME_oneline(::X509_get_subject_name(cert), subject, sizeof subject);
  std::tm expiry{};
  std::string until = "?";
  if (::ASN1_TIME_to_tm(::X509_get0_notAfter(cert), &expiry) == 1) {
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S UTC", &expiry);
    until = text;
  }
  return std::string(subject) + ", valid until " + until;
}

}  // namespace tgmux::api
