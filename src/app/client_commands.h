// Command-line clients of a running tgmux: `tgmux login` (interactive, in a
// terminal) and `tgmux accounts`.
#pragma once

#include <string>

namespace tgmux::app {

struct ClientOptions {
  std::string url = "http://127.0.0.1:8080";  // TGMUX_URL or --url
  std::string phone;                          // --phone: skip the prompt
  bool qr = false;                            // --qr: log in by QR code
  std::string token;                          // --token or TGMUX_TOKEN: access token or API key
};

int LoginCommand(const ClientOptions& options);
int AccountsCommand(const ClientOptions& options);

}  // namespace tgmux::app
