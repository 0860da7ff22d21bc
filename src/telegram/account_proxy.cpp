// AccountClient: the client's proxy (addProxy / disableProxy) and pingProxy.
#include <nlohmann/json.hpp>

#include "telegram/account_client.h"
#include "telegram/typed_answer.h"

namespace tgmux::telegram {
namespace {

using nlohmann::json;

json ProxyJson(const ProxyUrl& proxy) {
  json type;
  switch (proxy.kind) {
    case ProxyKind::kSocks5:
      type = {{"@type", "proxyTypeSocks5"}, {"username", proxy.username}, {"password", proxy.password}};
      break;
    case ProxyKind::kHttp:
      type = {{"@type", "proxyTypeHttp"}, {"username", proxy.username}, {"password", proxy.password},
              {"http_only", false}};
      break;
    case ProxyKind::kMtproto:
      type = {{"@type", "proxyTypeMtproto"}, {"secret", proxy.secret}};
      break;
  }
  return {{"@type", "proxy"}, {"server", proxy.host}, {"port", proxy.port}, {"type", std::move(type)}};
}

// A proxy TDLib refuses is bad input; any other failure keeps its mapping.
Error AsInputError(const Error& error) {
  if (error.code() != ErrorCode::kTelegramError) return error;
  return Error(ErrorCode::kInvalidRequest, std::string("Telegram refuses the proxy: ") + error.what());
}

}  // namespace

void AccountClient::SetProxy(const std::optional<ProxyUrl>& proxy, Done done) {
  json request = proxy ? json{{"@type", "addProxy"}, {"proxy", ProxyJson(*proxy)}, {"enable", true}, {"comment", "tgmux"}}
                       : json{{"@type", "disableProxy"}};
  hub_.Send(client_id_, std::move(request), [done = std::move(done)](Result<json> answer) {
    if (!done) return;
    if (!answer.ok()) return done(AsInputError(answer.error()));
    done(Ok{});
  });
}

void AccountClient::PingProxy(const ProxyUrl& proxy, std::function<void(Result<double>)> done) {
  json request = {{"@type", "pingProxy"}, {"proxy", ProxyJson(proxy)}};
  hub_.Send(client_id_, std::move(request), Typed<double>(std::move(done), [](const json& answer) -> Result<double> {
              if (answer.value("@type", "") != "seconds") return UnexpectedAnswer("pingProxy");
              return answer.value("seconds", 0.0);
            }));
}

void AccountClient::PingTelegram(std::chrono::milliseconds deadline, std::function<void(Result<double>)> done) {
  json request = {{"@type", "pingProxy"}, {"proxy", nullptr}};
  hub_.Send(
      client_id_, std::move(request),
      Typed<double>(std::move(done),
                    [](const json& answer) -> Result<double> {
                      if (answer.value("@type", "") != "seconds") return UnexpectedAnswer("pingProxy");
                      return answer.value("seconds", 0.0);
                    }),
      deadline);
}

}  // namespace tgmux::telegram
