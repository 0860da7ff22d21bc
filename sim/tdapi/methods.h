#pragma once
// Classification of TDLib methods, as Td.cpp gates them (tdlib-facts §1.5, §3).
#include <string_view>

namespace tgsim {

bool IsKnownMethod(std::string_view name);        // any function of td_api.tl 1.8.65
bool IsSynchronousMethod(std::string_view name);  // answered before any state check
bool IsAuthenticationMethod(std::string_view name);
bool IsPreauthenticationMethod(std::string_view name);
bool IsPreinitializationMethod(std::string_view name);  // test methods allowed before init
bool IsUserOnlyMethod(std::string_view name);  // bots get "The method is not available to bots"
bool IsBotOnlyMethod(std::string_view name);   // users get "Only bots can use the method"

}  // namespace tgsim
