#include "api/views.h"

#include <charconv>

#include "common/time.h"
#include "service/watch/watch_settings.h"
#include "telegram/parse_mode.h"

namespace tgmux::api {

nlohmann::json Timestamp(std::int64_t unix_seconds) {
  if (unix_seconds == 0) return nullptr;
  return Rfc3339(unix_seconds);
}

std::string IdempotencyKey(const Request& request) {
  constexpr std::size_t kMaxKeyLength = 200;
  std::string key = request.Header("idempotency-key");
  if (key.size() > kMaxKeyLength) {
    throw Error(ErrorCode::kInvalidRequest, "the Idempotency-Key header is longer than 200 characters");
  }
  return key;
}

std::int64_t QueryInt(const Request& r, const std::string& name, std::int64_t fallback, std::int64_t min,
                      std::int64_t max) {
  auto it = r.query.find(name);
  if (it == r.query.end()) return fallback;
  std::int64_t value = 0;
  const std::string& text = it->second;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error == std::errc() && end == text.data() + text.size() && !text.empty() && value >= min && value <= max) {
    return value;
  }
  throw Error(ErrorCode::kInvalidRequest,
              name + " must be an integer from " + std::to_string(min) + " to " + std::to_string(max));
}

telegram::ParseMode ParseModeField(const nlohmann::json& body) {
  auto name = StringField(body, "parse_mode", false);
  if (!name) return telegram::ParseMode::kNone;
  auto mode = telegram::ParseModeFromName(*name);
  if (!mode) {
    throw Error(ErrorCode::kInvalidRequest, "field \"parse_mode\" must be \"markdown\", \"markdownv2\" or \"html\"");
  }
  return *mode;
}

bool QueryBool(const Request& r, const std::string& name, bool fallback) {
  auto it = r.query.find(name);
  if (it == r.query.end()) return fallback;
  if (it->second == "true" || it->second == "1") return true;
  if (it->second == "false" || it->second == "0") return false;
  throw Error(ErrorCode::kInvalidRequest, name + " must be true or false");
}

nlohmann::json AccountJson(const store::Account& a, std::int64_t flood_wait_until) {
  bool waiting = a.status == store::AccountStatus::kFloodWait && flood_wait_until > 0;
  return {
      {"id", a.id},
      {"status", std::string(store::AccountStatusName(a.status))},
      {"flood_wait_until", waiting ? Timestamp(flood_wait_until) : nullptr},
      {"telegram_user_id", a.telegram_user_id},
      {"username", a.username.empty() ? nlohmann::json(nullptr) : nlohmann::json(a.username)},
      {"display_name", a.display_name},
      {"phone_masked", a.phone_masked},
      {"method", std::string(store::LoginMethodName(a.method))},
      {"created_at", Timestamp(a.created_at)},
      {"updated_at", Timestamp(a.updated_at)},
      {"last_connected_at", Timestamp(a.last_connected_at)},
      {"last_error", a.last_error.empty() ? nlohmann::json(nullptr) : nlohmann::json(a.last_error)},
      {"accepts_private", a.accepts_private},
      {"accepts_groups", a.accepts_groups},
      {"accepts_channels", a.accepts_channels},
      {"proxy", a.proxy_masked.empty() ? nlohmann::json(nullptr) : nlohmann::json(a.proxy_masked)},
      {"owner_telegram_user_id",
       a.owner_telegram_user_id == 0 ? nlohmann::json(nullptr) : nlohmann::json(a.owner_telegram_user_id)},
      {"watch", service::watch::WatchView(a.watch)},
      {"pool", a.pool.empty() ? nlohmann::json(nullptr) : nlohmann::json(a.pool)},
      {"project_id", a.project_id.empty() ? nlohmann::json(nullptr) : nlohmann::json(a.project_id)},
      {"external_id", a.external_id.empty() ? nlohmann::json(nullptr) : nlohmann::json(a.external_id)},
  };
}

nlohmann::json LoginJson(const service::LoginView& l) {
  nlohmann::json out = {
      {"id", l.id},
      {"method", std::string(store::LoginMethodName(l.method))},
      {"state", std::string(service::LoginStateName(l.state))},
      {"created_at", Timestamp(l.created_at)},
      {"expires_at", Timestamp(l.expires_at)},
  };
  if (!l.phone_masked.empty()) out["phone_masked"] = l.phone_masked;
  if (l.code) {
    nlohmann::json code = {{"type", l.code->type}, {"length", l.code->length}};
    if (l.code->next_type) code["next_type"] = *l.code->next_type;
    if (l.code->timeout > 0) code["timeout"] = l.code->timeout;
    out["code"] = code;
    out["attempts_left"] = l.attempts_left;
  }
  if (!l.qr_link.empty()) out["qr"] = {{"link", l.qr_link}, {"expires_at", Timestamp(l.qr_expires_at)}};
  if (l.state == service::LoginState::kPasswordNeeded) out["password_hint"] = l.password_hint;
  if (l.account) out["account"] = AccountJson(*l.account);
  if (l.error) {
    out["error"] = l.error->details();  // e.g. the account_id of a conflict
    out["error"]["code"] = std::string(CodeName(l.error->code()));
    out["error"]["message"] = l.error->what();
  }
  return out;
}

std::optional<std::string> StringField(const nlohmann::json& body, const std::string& name, bool required) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) {
    if (required) throw Error(ErrorCode::kInvalidRequest, "field \"" + name + "\" is required");
    return std::nullopt;
  }
  if (!it->is_string()) throw Error(ErrorCode::kInvalidRequest, "field \"" + name + "\" must be a string");
  return it->get<std::string>();
}

std::optional<bool> BoolField(const nlohmann::json& body, const std::string& name) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return std::nullopt;
  if (!it->is_boolean()) throw Error(ErrorCode::kInvalidRequest, "field \"" + name + "\" must be true or false");
  return it->get<bool>();
}

const service::Principal& PrincipalOf(const Request& request) {
  if (!request.principal) throw Error(ErrorCode::kInternal, "no principal on a public route");
  return *request.principal;
}

Response NoStore(Response response) {
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

const std::string& TenantOf(const Request& request) { return PrincipalOf(request).tenant_id; }

nlohmann::json UserJson(const store::User& u) {
  return {{"id", u.id}, {"email", u.email}, {"role", u.role}, {"tenant_id", u.tenant_id},
          {"created_at", Timestamp(u.created_at)}};
}

nlohmann::json ApiKeyJson(const store::ApiKey& k) {
  return {{"id", k.id}, {"name", k.name}, {"role", k.role}, {"created_by", k.created_by},
          {"created_at", Timestamp(k.created_at)}, {"revoked_at", Timestamp(k.revoked_at)}};
}

nlohmann::json InviteJson(const store::Invite& i) {
  return {{"id", i.id}, {"email", i.email}, {"role", i.role}, {"created_by", i.created_by},
          {"created_at", Timestamp(i.created_at)}, {"expires_at", Timestamp(i.expires_at)},
          {"used_at", Timestamp(i.used_at)}};
}

nlohmann::json AuditJson(const store::AuditEntry& e) {
  auto detail = nlohmann::json::parse(e.detail, nullptr, false);
  return {{"seq", e.seq}, {"at", Timestamp(e.at)}, {"event", e.event}, {"actor", e.actor}, {"ip", e.ip},
          {"detail", detail.is_discarded() ? nlohmann::json::object() : detail}};
}

nlohmann::json WebhookJson(const store::Webhook& w) {
  auto or_null = [](const std::string& s) { return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s); };
  bool retrying = w.state == store::WebhookState::kActive && w.attempts > 0;
  return {
      {"id", w.id},
      {"url", w.url},
      {"types", w.types},
      {"account_ids", w.account_ids},
      {"state", std::string(store::WebhookStateName(w.state))},
      {"disabled_reason", or_null(w.disabled_reason)},
      {"delivered_count", w.delivered_count},
      {"delivered_seq", w.delivered_seq},
      {"failing_since", w.failing_since ? Timestamp(w.failing_since / 1000) : nullptr},
      {"attempts", w.attempts},
      {"next_attempt_at", retrying ? Timestamp(w.next_attempt_at / 1000) : nullptr},
      {"last_error", or_null(w.last_error)},
      {"created_at", Timestamp(w.created_at)},
  };
}

nlohmann::json OutboxJson(const store::OutboxEntry& e) {
  auto or_null = [](std::int64_t v) { return v == 0 ? nlohmann::json(nullptr) : nlohmann::json(v); };
  nlohmann::json out = {
      {"id", e.id},
      {"account_id", e.account_id},
      {"state", std::string(store::OutboxStateName(e.state))},
      {"to", e.to},
      {"chat_id", or_null(e.chat_id)},
      {"message_id", or_null(e.message_id)},
      {"date", Timestamp(e.message_date)},
      {"attempts", e.attempts},
      {"next_attempt_at", e.state == store::OutboxState::kQueued && e.next_attempt_at
                              ? Timestamp(e.next_attempt_at / 1000)
                              : nullptr},
      {"created_at", Timestamp(e.created_at)},
      {"updated_at", Timestamp(e.updated_at)},
      {"error", nullptr},
  };
  if (!e.error_code.empty()) out["error"] = {{"code", e.error_code}, {"message", e.error_message}};
  if (!e.media.empty()) {
    // What the entry sends, never its keys or where it waits.
    auto record = nlohmann::json::parse(e.media, nullptr, false);
    nlohmann::json media = {{"type", record.value("kind", "")}};
    if (record.contains("file_id")) media["file_id"] = record["file_id"];
    auto files = record.value("files", nlohmann::json::array());
    if (record.value("kind", "") == "album") {
      media["items"] = nlohmann::json::array();
      for (const auto& file : files) {
        media["items"].push_back({{"type", file.value("kind", "")}, {"file_name", file.value("file_name", "")},
                                  {"size", file.value("size", 0)}});
      }
      media["message_ids"] = record.value("message_ids", nlohmann::json::array());
    } else if (!files.empty()) {
      media["file_name"] = files[0].value("file_name", "");
      media["size"] = files[0].value("size", 0);
    }
    out["media"] = std::move(media);
  }
  return out;
}

}  // namespace tgmux::api
