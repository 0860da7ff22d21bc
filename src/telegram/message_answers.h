// Internal to telegram/: what the sends and edits of AccountClient share
// (account_messages.cpp, account_media.cpp, account_bot.cpp).
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "telegram/chat_cache.h"
#include "telegram/messages.h"
#include "telegram/result.h"

namespace tgmux::telegram {

// TDLib's message object to a Message with the sender described from `chats`;
// an answer of another kind is an error naming `method`.
std::function<Result<Message>(const nlohmann::json&)> MessageParser(std::shared_ptr<const ChatCache> chats,
                                                                    std::string method);
// An inputMessageText with this text.
nlohmann::json InputText(const FormattedText& text);
// reply_to and options of a sendMessage or sendMessageAlbum request.
void AddSendOptions(nlohmann::json& request, std::int64_t reply_to_message_id, bool silent);

}  // namespace tgmux::telegram
