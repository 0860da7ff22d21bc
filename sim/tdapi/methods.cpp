#include "sim/tdapi/methods.h"

#include <string>
#include <unordered_set>

namespace tgsim {
namespace {

using NameSet = std::unordered_set<std::string_view>;

const NameSet& KnownMethods() {
  static const NameSet names = {
#include "sim/tdapi/method_names.inc"
  };
  return names;
}

}  // namespace

bool IsKnownMethod(std::string_view name) { return KnownMethods().contains(name); }

bool IsSynchronousMethod(std::string_view name) {
  static const NameSet names = {
      "searchQuote", "getTextEntities", "parseTextEntities", "parseMarkdown",
      "getMarkdownText", "searchStringsByPrefix", "checkQuickReplyShortcutName",
      "getCountryFlagEmoji", "getFileMimeType", "getFileExtension", "cleanFileName",
      "getLanguagePackString", "getPhoneNumberInfoSync", "getChatFolderDefaultIconName",
      "getJsonValue", "getJsonString", "getThemeParametersJsonString", "getPushReceiverId",
      "setLogStream", "getLogStream", "setLogVerbosityLevel", "getLogVerbosityLevel",
      "getLogTags", "setLogTagVerbosityLevel", "getLogTagVerbosityLevel", "addLogMessage",
      "testReturnError"};
  return names.contains(name);
}

bool IsAuthenticationMethod(std::string_view name) {
  static const NameSet names = {
      "setTdlibParameters", "getAuthorizationState", "setAuthenticationPhoneNumber",
      "checkAuthenticationPremiumPurchase", "setAuthenticationPremiumPurchaseTransaction",
      "sendAuthenticationFirebaseSms", "reportAuthenticationCodeMissing",
      "setAuthenticationEmailAddress", "resendAuthenticationCode",
      "checkAuthenticationEmailCode", "checkAuthenticationCode", "registerUser",
      "requestQrCodeAuthentication", "getAuthenticationPasskeyParameters",
      "checkAuthenticationPasskey", "checkAuthenticationWebToken",
      "resetAuthenticationEmailAddress", "checkAuthenticationPassword",
      "requestAuthenticationPasswordRecovery", "checkAuthenticationPasswordRecoveryCode",
      "recoverAuthenticationPassword", "deleteAccount", "logOut", "close", "destroy",
      "checkAuthenticationBotToken"};
  return names.contains(name);
}

bool IsPreauthenticationMethod(std::string_view name) {
  static const NameSet names = {
      "getOption", "setOption", "getInternalLink", "getInternalLinkType",
      "getLanguagePackInfo", "getLanguagePackStrings", "getLocalizationTargetInfo",
      "setCustomLanguagePack", "editCustomLanguagePackInfo", "setCustomLanguagePackString",
      "deleteLanguagePack", "addCustomServerLanguagePack", "synchronizeLanguagePack",
      "processPushNotification", "getStorageStatistics", "getStorageStatisticsFast",
      "getDatabaseStatistics", "setNetworkType", "getNetworkStatistics",
      "addNetworkStatistics", "resetNetworkStatistics", "setApplicationVerificationToken",
      "getCountries", "getCountryCode", "getPhoneNumberInfo", "getDeepLinkInfo",
      "getApplicationConfig", "saveApplicationLogEvent", "addProxy", "editProxy",
      "enableProxy", "disableProxy", "removeProxy", "getProxies", "pingProxy", "testNetwork"};
  return names.contains(name);
}

bool IsPreinitializationMethod(std::string_view name) {
  static const NameSet names = {"testCallEmpty", "testCallString", "testCallBytes",
                                "testCallVectorInt", "testCallVectorIntObject",
                                "testCallVectorString", "testCallVectorStringObject",
                                "testSquareInt", "testProxy", "testGetDifference",
                                "testNetwork", "setAlarm", "testUseUpdate"};
  return names.contains(name);
}

}  // namespace tgsim

namespace tgsim {

// Requests.cpp's CHECK_IS_USER() / CHECK_IS_BOT(), for the methods of 1.8.65.
bool IsUserOnlyMethod(std::string_view name) {
  static const NameSet names = {
#include "sim/tdapi/user_only_methods.inc"
  };
  return names.contains(name);
}

bool IsBotOnlyMethod(std::string_view name) {
  static const NameSet names = {
#include "sim/tdapi/bot_only_methods.inc"
  };
  return names.contains(name);
}

}  // namespace tgsim
