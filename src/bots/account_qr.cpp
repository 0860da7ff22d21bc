// The `accounts` feature's QR code (docs/bots.md): the image with the link as
// text, edited in place when Telegram renews the link.
#include <spdlog/spdlog.h>

#include <filesystem>
#include <fstream>
#include <utility>

#include "api/qr_render.h"
#include "bots/bot_runtime.h"
#include "bots/wording.h"
#include "common/time.h"

namespace tgmux::bots {

using telegram::Message;

void BotRuntime::ShowQr(Conversation& c, const std::string& link, std::int64_t expires_at) {
  if (c.step != Step::kQr || link.empty()) return;
  QrShown& shown = qr_[c.user_id];
  if (link == shown.link || link == shown.pending) return;
  if (shown.sending) {
    shown.pending = link;  // edited in once the photo is there
    return;
  }
  const auto dir = services_.infra.config().data_dir / "bots" / bot_.id / "qr";
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  const auto path = dir / (std::to_string(c.user_id) + "-" + std::to_string(UnixMillis()) + ".png");
  {
    std::ofstream out(path, std::ios::binary);
    out << api::QrPng(link);
  }
  const std::string caption =
      "Scan this with Telegram on a device where you are already signed in: Settings > Devices > Link Desktop "
      "Device. It renews itself until " +
      When(expires_at) + ".\n\nOr open this link on that device: " + link;
  telegram::MediaToSend photo{telegram::MediaKind::kPhoto, path.string(), "", 0, 0, 0};
  auto markup = Markup::Inline({{Button::Callback("Use my phone number instead", "acct:cancel")}});
  shown.sending = true;
  const std::int64_t user_id = c.user_id;
  const std::int64_t message_id = c.qr_message_id;
  sender_->Enqueue(
      user_id,
      [user_id, message_id, photo, caption, markup](telegram::AccountClient& client,
                                                    telegram::AccountClient::MessageDone sent) {
        telegram::FormattedText text{caption, {}};
        if (message_id == 0) return client.SendBotPhoto(user_id, photo, text, markup, std::move(sent));
        client.EditBotPhoto(user_id, message_id, photo, text, markup, std::move(sent));
      },
      [weak = weak_from_this(), user_id, link, path, expires_at](telegram::Result<Message> result) {
        std::error_code ignored;
        std::filesystem::remove(path, ignored);
        auto self = weak.lock();
        if (!self) return;
        QrShown& now = self->qr_[user_id];
        now.sending = false;
        if (!result.ok()) {
          spdlog::warn("bot {}: the QR code was not shown: {}", self->bot_.id, result.error().what());
          return;
        }
        now.link = link;
        Conversation& c = self->Of(user_id);
        if (c.step != Step::kQr) return;
        if (c.qr_message_id == 0) {
          c.qr_message_id = result.value().message_id;
          self->Save(c);
        }
        if (!now.pending.empty()) {
          std::string next = std::exchange(now.pending, "");
          self->ShowQr(c, next, expires_at);
        }
      });
}

}  // namespace tgmux::bots
