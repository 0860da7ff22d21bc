// Accounts by phone number: lookups through the keyed digest, and the digests
// of accounts linked before digests existed.
#include <spdlog/spdlog.h>

#include "service/accounts/accounts.h"

namespace tgmux::service {

std::vector<store::Account> AccountService::FindByPhone(const std::string& tenant_id, const std::string& phone) {
  auto digest = phone_digests_.OfTyped(phone);
  if (!digest) throw Error(ErrorCode::kInvalidPhone, "phone must be an international number such as +15550001122");
  return infra_.store().FindAccountsByPhoneDigest(tenant_id, *digest);
}

void AccountService::BackfillPhoneDigests(const std::vector<store::Account>& accounts) {
  const auto& envelope = infra_.envelope();
  int from_sealed = 0;
  for (const auto& account : accounts) {
    if (!account.phone_digest.empty()) continue;
    std::string digest;
    try {
      if (!account.phone_sealed.empty()) {
        auto data_key = envelope.UnwrapDataKey(account.wrapped_data_key, account.id);
        digest = phone_digests_.OfReported(envelope.Decrypt(data_key, account.id, "phone", account.phone_sealed));
      }
    } catch (const crypto::DecryptError&) {
      // Start reports the keys that do not open; Telegram's report may still come.
    }
    if (digest.empty()) {
      std::lock_guard lock(mutex_);
      digest_when_ready_.insert(account.id);
      continue;
    }
    infra_.store().SetAccountPhoneDigest(account.id, digest);
    rows_.Invalidate();
    ++from_sealed;
  }
  if (from_sealed > 0) spdlog::info("accounts: phone digest of {} account(s) made from their sealed phone", from_sealed);
}

void AccountService::DigestFromTelegram(const std::string& account_id) {
  std::shared_ptr<telegram::AccountClient> client;
  {
    std::lock_guard lock(mutex_);
    if (digest_when_ready_.erase(account_id) == 0) return;
    auto it = live_.find(account_id);
    if (it != live_.end()) client = it->second.client;
  }
  if (!client) return;
  client->GetMe([this, account_id](telegram::Result<telegram::Me> me) {
    if (!me.ok()) {
      std::lock_guard lock(mutex_);
      digest_when_ready_.insert(account_id);  // the next Ready asks again
      return;
    }
    std::string digest = phone_digests_.OfReported(me.value().phone);
    if (digest.empty()) {
      spdlog::warn("account {}: no phone number from Telegram; it cannot be found by number", account_id);
      return;
    }
    background_.Post([this, account_id, digest] {
      infra_.store().SetAccountPhoneDigest(account_id, digest);
      rows_.Invalidate();
      spdlog::info("account {}: phone digest made from Telegram's report", account_id);
    });
  });
}

}  // namespace tgmux::service
