// Typed values the TDLib adapter hands to the layers above (no JSON).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tgmux::telegram {

// How a login code is delivered, or can be delivered next.
struct CodeInfo {
  // TDLib's authenticationCodeType in snake case: "telegram_message", "sms",
  // "sms_word", "sms_phrase", "call", "flash_call", "missed_call", "fragment",
  // "firebase_android", "firebase_ios".
  std::string type;
  int length = 0;                  // digits in the code; 0 when the type has none
  std::optional<std::string> next_type;  // what ResendCode would use; nullopt: cannot resend
  int timeout = 0;                 // seconds until ResendCode is allowed
};

// One account's TDLib authorization state (tdlib-facts §5.1).
struct AuthState {
  enum class Kind {
    kNone,  // nothing received yet
    kWaitParameters,
    kWaitPhoneNumber,
    kWaitPremiumPurchase,
    kWaitEmailAddress,
    kWaitEmailCode,
    kWaitCode,
    kWaitOtherDeviceConfirmation,
    kWaitRegistration,
    kWaitPassword,
    kReady,
    kLoggingOut,
    kClosing,
    kClosed,
    kUnknown,  // a state this version of tgmux does not know
  };

  Kind kind = Kind::kNone;
  std::optional<CodeInfo> code;  // kWaitCode
  std::string qr_link;           // kWaitOtherDeviceConfirmation: "tg://login?token=..."
  std::string password_hint;     // kWaitPassword
  bool has_recovery_email = false;  // kWaitPassword
  std::string terms_of_service;  // kWaitRegistration: plain text
};

// Stable snake-case name of a kind ("wait_phone_number"), for logs and metrics.
std::string_view KindName(AuthState::Kind kind);

// The logged-in Telegram user (getMe).
struct Me {
  std::int64_t user_id = 0;
  std::string first_name;
  std::string last_name;
  std::string username;  // primary active username, "" if none
  std::string phone;     // digits as Telegram reports them (no '+'); never log unmasked
};

// Why an account's TDLib client reached Closed.
enum class ClosedReason {
  kClosed,     // close (ours or process shutdown): the session is kept on disk
  kLoggedOut,  // our LogOut: the session is gone and the directory emptied
  kDestroyed,  // our Destroy: local data deleted without telling Telegram
  kRevoked,    // LoggingOut without our request: terminated elsewhere, banned,
               // deactivated; the directory is wiped, a new login is needed
};

std::string_view ReasonName(ClosedReason reason);

// TDLib's connectionState: how far the client is from talking to Telegram.
enum class ConnectionState { kWaitingForNetwork, kConnectingToProxy, kConnecting, kUpdating, kReady };
// "waiting_for_network", "connecting_to_proxy", "connecting", "updating", "ready".
std::string_view ConnectionStateName(ConnectionState state);

// TDLib parameters from the configuration (the same for every account).
struct TdParameters {
  std::int32_t api_id = 0;
  std::string api_hash;
  std::string device_model = "tgmux";
  std::string system_version;  // "" lets TDLib detect it
  std::string application_version = "0.1";
  std::string system_language_code = "en";
  bool use_test_dc = false;
};

}  // namespace tgmux::telegram
