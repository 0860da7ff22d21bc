// Proxies per client: addProxy/editProxy/enableProxy/disableProxy/removeProxy/getProxies/
// pingProxy with 1.8.65's addedProxy objects, and a proxy the control API cuts off.
#include "sim/tests/sim_fixture.h"

namespace tgsim::testing {
namespace {

json Socks(const std::string& server, int port) {
  return {{"@type", "proxy"}, {"server", server}, {"port", port},
          {"type", {{"@type", "proxyTypeSocks5"}, {"username", "u"}, {"password", "p"}}}};
}

bool IsState(const json& o, const std::string& state) {
  return TypeOf(o) == "updateConnectionState" && o["state"]["@type"] == state;
}

class SimProxy : public SimTest {};

TEST_F(SimProxy, ListEditRemoveAndValidation) {
  ScriptedClient& client = StartedClient();  // proxies work before authorization
  auto added = client.RequestOk({{"@type", "addProxy"}, {"proxy", Socks("10.0.0.1", 1080)}, {"comment", "home"}});
  EXPECT_EQ(added["@type"], "addedProxy");
  EXPECT_EQ(added["id"], 2);  // TDLib's ids start at 2
  EXPECT_FALSE(added["is_enabled"]);
  EXPECT_EQ(added["comment"], "home");
  auto same = client.RequestOk({{"@type", "addProxy"}, {"proxy", Socks("10.0.0.1", 1080)}});
  EXPECT_EQ(same["id"], 2);
  json mtproto = {{"@type", "proxy"}, {"server", "mt.example"}, {"port", 443},
                  {"type", {{"@type", "proxyTypeMtproto"}, {"secret", "00112233445566778899AABBCCDDEEFF"}}}};
  auto mt = client.RequestOk({{"@type", "addProxy"}, {"proxy", mtproto}});
  EXPECT_EQ(mt["id"], 3);
  EXPECT_EQ(mt["proxy"]["type"]["secret"], "00112233445566778899aabbccddeeff");
  auto list = client.RequestOk({{"@type", "getProxies"}});
  EXPECT_EQ(list["@type"], "addedProxies");
  EXPECT_EQ(list["proxies"].size(), 2u);
  auto edited = client.RequestOk({{"@type", "editProxy"}, {"proxy_id", 3}, {"proxy", Socks("10.0.0.2", 1081)}});
  EXPECT_EQ(edited["id"], 3);
  EXPECT_EQ(edited["proxy"]["server"], "10.0.0.2");
  client.RequestOk({{"@type", "removeProxy"}, {"proxy_id", 3}});
  EXPECT_EQ(client.RequestOk({{"@type", "getProxies"}})["proxies"].size(), 1u);

  auto error = [&](json request) { return (*client.Request(std::move(request)))["message"].get<std::string>(); };
  EXPECT_EQ(error({{"@type", "addProxy"}}), "Proxy must be non-empty");
  EXPECT_EQ(error({{"@type", "addProxy"}, {"proxy", Socks("", 1080)}}), "Server name must be non-empty");
  EXPECT_EQ(error({{"@type", "addProxy"}, {"proxy", Socks("h", 0)}}), "Wrong port number");
  EXPECT_EQ(error({{"@type", "addProxy"}, {"proxy", Socks("h", 70000)}}), "Wrong port number");
  mtproto["type"]["secret"] = "abcd";
  EXPECT_EQ(error({{"@type", "addProxy"}, {"proxy", mtproto}}), "Wrong proxy secret");
  mtproto["type"]["secret"] = "not a secret!";
  EXPECT_EQ(error({{"@type", "addProxy"}, {"proxy", mtproto}}), "Wrong proxy secret");
  EXPECT_EQ(error({{"@type", "enableProxy"}, {"proxy_id", 9}}), "Unknown proxy identifier");
  EXPECT_EQ(error({{"@type", "removeProxy"}, {"proxy_id", 9}}), "Unknown proxy identifier");
  EXPECT_EQ(error({{"@type", "editProxy"}, {"proxy_id", 9}, {"proxy", Socks("h", 1)}}), "Proxy not found");
}

TEST_F(SimProxy, UnreachableProxyHoldsOnlyThatClient) {
  ScriptedClient& alice = LoggedIn("+15550701", "alice");
  ScriptedClient& bob = LoggedIn("+15550702", "bob");
  auto added = alice.RequestOk({{"@type", "addProxy"}, {"proxy", Socks("10.9.9.9", 1080)}, {"enable", true}});
  EXPECT_TRUE(added["is_enabled"]);
  auto option = alice.WaitFor([](const json& o) { return TypeOf(o) == "updateOption" && o["name"] == "enabled_proxy_id"; });
  ASSERT_TRUE(option);
  EXPECT_EQ((*option)["value"]["value"], "2");
  EXPECT_TRUE(alice.WaitFor([](const json& o) { return IsState(o, "connectionStateReady"); }));

  ASSERT_EQ(sim_->Control("POST", "/proxies", {{"server", "10.9.9.9"}, {"port", 1080}, {"reachable", false}}).status, 204);
  EXPECT_TRUE(alice.WaitFor([](const json& o) { return IsState(o, "connectionStateConnectingToProxy"); }));
  alice.Send({{"@type", "searchPublicChat"}, {"username", "@bob"}, {"@extra", "held"}});
  auto ping = alice.Request({{"@type", "pingProxy"}, {"proxy", Socks("10.9.9.9", 1080)}});
  EXPECT_EQ((*ping)["message"], "Connection timeout expired");
  bob.RequestOk({{"@type", "getMe"}});  // other clients are not affected
  EXPECT_FALSE(alice.WaitFor([](const json& o) { return o.value("@extra", json()) == "held"; }, 0.3));

  ASSERT_EQ(sim_->Control("POST", "/proxies", {{"server", "10.9.9.9"}, {"port", 1080}, {"reachable", true}}).status, 204);
  EXPECT_TRUE(alice.WaitFor([](const json& o) { return IsState(o, "connectionStateReady"); }));
  auto answer = alice.WaitFor([](const json& o) { return o.value("@extra", json()) == "held"; });
  ASSERT_TRUE(answer);
  EXPECT_EQ((*answer)["@type"], "chat");
  auto pong = alice.RequestOk({{"@type", "pingProxy"}, {"proxy", Socks("10.9.9.9", 1080)}});
  EXPECT_EQ(pong["@type"], "seconds");
  EXPECT_GT(alice.RequestOk({{"@type", "getProxies"}})["proxies"][0]["last_used_date"].get<int>(), 0);

  // Cut off again, then disabling the proxy connects directly and answers what waited.
  sim_->Control("POST", "/proxies", {{"server", "10.9.9.9"}, {"port", 1080}, {"reachable", false}});
  EXPECT_TRUE(alice.WaitFor([](const json& o) { return IsState(o, "connectionStateConnectingToProxy"); }));
  alice.Send({{"@type", "searchPublicChat"}, {"username", "@bob"}, {"@extra", "held2"}});
  EXPECT_FALSE(alice.WaitFor([](const json& o) { return o.value("@extra", json()) == "held2"; }, 0.3));
  alice.RequestOk({{"@type", "disableProxy"}});
  auto empty = alice.WaitFor([](const json& o) {
    return TypeOf(o) == "updateOption" && o["name"] == "enabled_proxy_id" && o["value"]["@type"] == "optionValueEmpty";
  });
  EXPECT_TRUE(empty);
  EXPECT_TRUE(alice.WaitFor([](const json& o) { return IsState(o, "connectionStateReady"); }));
  EXPECT_TRUE(alice.WaitFor([](const json& o) { return o.value("@extra", json()) == "held2"; }));
}

}  // namespace
}  // namespace tgsim::testing
