// tdlib-facts §10 items 1–4 and §1: the C interface and the JSON rules.
#include <dlfcn.h>

#include <chrono>
#include <cstdlib>
#include <thread>

#include "sim/tests/sim_fixture.h"
#include "tests/support/build_paths.h"

namespace tgsim::testing {
namespace {

class SimAbi : public SimTest {};

TEST_F(SimAbi, ClientIdsIncreaseByOneAndAreNeverReused) {
  ScriptedClient& first = StartedClient();
  first.RequestOk({{"@type", "close"}});
  ASSERT_TRUE(first.WaitForAuthState("authorizationStateClosed"));
  ScriptedClient& second = NewClient();
  ScriptedClient& third = NewClient();
  EXPECT_GT(first.id(), 0);
  EXPECT_EQ(second.id(), first.id() + 1);
  EXPECT_EQ(third.id(), second.id() + 1);
  // The closed id stays dead: it answers, but only "Request aborted".
  auto answer = first.Request({{"@type", "getAuthorizationState"}});
  ASSERT_TRUE(answer);
  EXPECT_EQ((*answer)["code"], 500);
  EXPECT_EQ((*answer)["message"], "Request aborted");
}

TEST_F(SimAbi, NothingBeforeFirstSendThenThreeInitialUpdates) {
  ScriptedClient& client = NewClient();
  EXPECT_TRUE(client.Collect(0.3).empty());
  auto state = client.Request({{"@type", "getAuthorizationState"}});
  ASSERT_TRUE(state);
  EXPECT_EQ(TypeOf(*state), "authorizationStateWaitTdlibParameters");
  const auto& log = client.log();
  ASSERT_EQ(log.size(), 4u);
  EXPECT_EQ(log[0]["name"], "version");
  EXPECT_EQ(log[0]["value"]["value"], "1.8.65");
  EXPECT_EQ(log[1]["name"], "commit_hash");
  EXPECT_EQ(StateOf(log[2]), "authorizationStateWaitTdlibParameters");
}

TEST_F(SimAbi, UnknownClientIdsAnswerInvalidInstance) {
  TdJsonLibrary& lib = SimLibrary();
  int future = lib.CreateClientId() + 1000;
  lib.Send(future, R"({"@type":"getMe","@extra":"e"})");
  auto reply = lib.Next(future, 2);
  ASSERT_TRUE(reply);
  EXPECT_EQ((*reply)["message"], "Invalid TDLib instance specified");
  EXPECT_EQ((*reply)["@extra"], "e");
  EXPECT_EQ((*reply)["@client_id"], future);
  lib.Send(0, R"({"@type":"getMe"})");
  auto zero = lib.Next(0, 2);
  ASSERT_TRUE(zero);
  EXPECT_EQ((*zero)["code"], 400);
  EXPECT_FALSE(zero->contains("@client_id"));  // no @client_id for id 0
  lib.Send(-5, R"({"@type":"getMe"})");
  auto negative = lib.Next(-5, 2);
  ASSERT_TRUE(negative);
  EXPECT_EQ((*negative)["@client_id"], -5);
}

TEST_F(SimAbi, ConcurrentReceiveAbortsLoudly) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        // Both threads keep receiving until their calls overlap: whichever
        // enters second must abort. No guess at when the other thread started.
        std::thread other([] {
          for (;;) SimLibrary().Receive(1.0);
        });
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (std::chrono::steady_clock::now() < deadline) SimLibrary().Receive(0.05);
        std::_Exit(0);  // the calls never overlapped without an abort: the death test fails
      },
      "Receive must not be called simultaneously from two different threads");
}

TEST_F(SimAbi, ReturnedStringSurvivesOtherThreads) {
  TdJsonLibrary& lib = SimLibrary();
  ScriptedClient& client = NewClient();
  client.Send({{"@type", "getAuthorizationState"}});
  const char* received = nullptr;
  for (int i = 0; i < 50 && received == nullptr; ++i) received = lib.Receive(0.1);
  ASSERT_NE(received, nullptr);
  std::string copy = received;
  // Buffers are per thread: another thread's td_execute must not clobber ours.
  std::thread([&] { lib.Execute(R"({"@type":"getLogVerbosityLevel"})"); }).join();
  EXPECT_EQ(std::string(received), copy);
}

TEST_F(SimAbi, ExtraEchoedOnceWithClientIdLast) {
  ScriptedClient& client = NewClient();
  for (const json& extra : {json("s"), json(42), json::object({{"a", json::array({1, 2})}}), json(nullptr)}) {
    json request = {{"@type", "getAuthorizationState"}, {"@extra", extra}};
    client.Send(request);
    auto reply = client.WaitForType("authorizationStateWaitTdlibParameters");
    ASSERT_TRUE(reply);
    EXPECT_EQ((*reply)["@extra"], extra);
    EXPECT_EQ((*reply)["@client_id"], client.id());
  }
  auto requests = 0;
  for (const auto& o : client.log()) requests += o.contains("@extra");
  EXPECT_EQ(requests, 4);  // exactly one answer per request, updates carry none
}

TEST_F(SimAbi, NonAsciiEscapedAndInt64AsStrings) {
  ScriptedClient& alice = LoggedIn("+15550101", "Alice");
  CreateUser("+15550102", "Bob");
  auto sent = sim_->Control("POST", "/messages",
                            {{"from", "+15550102"}, {"to", "+15550101"}, {"text", "\xd0\x9f\xd1\x80\xd0\xb8 \xf0\x9f\x98\x80"}});
  ASSERT_EQ(sent.status, 201);
  auto update = alice.WaitForType("updateNewMessage");
  ASSERT_TRUE(update);
  EXPECT_EQ((*update)["message"]["content"]["text"]["text"], "\xd0\x9f\xd1\x80\xd0\xb8 \xf0\x9f\x98\x80");
  auto position = alice.WaitForType("updateChatLastMessage");
  ASSERT_TRUE(position);
  EXPECT_TRUE((*position)["positions"][0]["order"].is_string());
  EXPECT_FALSE((*update)["message"].contains("sending_state"));  // null objects are omitted
  EXPECT_EQ((*update)["message"]["media_album_id"], "0");
  // The raw text escapes non-ASCII (surrogate pairs for the emoji).
  std::string raw = update->dump(-1, ' ', true);
  EXPECT_NE(raw.find("\\u041f"), std::string::npos);
  EXPECT_NE(raw.find("\\ud83d\\ude00"), std::string::npos);
}

TEST_F(SimAbi, ParseErrorsUseTdlibMessages) {
  ScriptedClient& client = NewClient();
  struct Case { std::string raw, message; bool has_extra; };
  const std::vector<Case> cases = {
      {R"({"@type":"getAuthorizationState")", "Failed to parse request as JSON object: Unexpected string end", false},
      {R"({"@type":"getAuthorizationState"} x)", "Failed to parse request as JSON object: Expected string end", false},
      {R"([1])", "Expected a JSON object", false},
      {R"({"@extra":5})", "Failed to parse JSON object as TDLib request: Can't find field \"@type\"", true},
      {R"({"@type":"fooBar","@extra":5})", "Failed to parse JSON object as TDLib request: Unknown class \"fooBar\"", true},
      {R"({"@type":123,"@extra":5})", "Failed to parse JSON object as TDLib request: Unknown constructor 0x0000007b", true},
      {R"({"@type":null,"@extra":5})", "Failed to parse JSON object as TDLib request: Expected String or Integer, but receive Null", true},
  };
  for (const auto& c : cases) {
    client.SendRaw(c.raw);
    auto error = client.WaitForType("error");
    ASSERT_TRUE(error) << c.raw;
    EXPECT_EQ((*error)["code"], 400) << c.raw;
    EXPECT_EQ((*error)["message"], c.message) << c.raw;
    EXPECT_EQ(error->contains("@extra"), c.has_extra) << c.raw;
  }
}

TEST_F(SimAbi, MissingFieldsTakeDefaults) {
  ScriptedClient& client = NewClient();
  auto reply = client.Request({{"@type", "setTdlibParameters"}});
  ASSERT_TRUE(reply);
  EXPECT_EQ((*reply)["message"], "Valid api_id must be provided. Can be obtained at https://my.telegram.org");
  json no_device = Parameters(TempDir());
  no_device.erase("device_model");
  auto device = client.Request(no_device);
  EXPECT_EQ((*device)["message"], "Device model must be non-empty");
}

TEST_F(SimAbi, ExecuteRunsSynchronousMethods) {
  TdJsonLibrary& lib = SimLibrary();
  EXPECT_EQ(json::parse(lib.Execute(R"({"@type":"getOption","name":"version","@extra":1})")),
            json::parse(R"({"@type":"optionValueString","value":"1.8.65","@extra":1})"));
  EXPECT_EQ(json::parse(lib.Execute(R"({"@type":"getOption","name":"my_id"})"))["message"],
            "The option can't be get synchronously");
  EXPECT_EQ(json::parse(lib.Execute(R"({"@type":"getMe"})"))["message"],
            "The method can't be executed synchronously");
  EXPECT_EQ(json::parse(lib.Execute(R"({"@type":"setLogVerbosityLevel","new_verbosity_level":2000})"))["message"],
            "Wrong new verbosity level specified");
  lib.Execute(R"({"@type":"setLogVerbosityLevel","new_verbosity_level":1})");
  EXPECT_EQ(json::parse(lib.Execute(R"({"@type":"getLogVerbosityLevel"})"))["verbosity_level"], 1);
  auto markdown = json::parse(lib.Execute(
      R"j({"@type":"parseTextEntities","text":"*b* _i_ [x](http://a.com)","parse_mode":{"@type":"textParseModeMarkdown","version":2}})j"));
  EXPECT_EQ(markdown["text"], "b i x");
  ASSERT_EQ(markdown["entities"].size(), 3u);
  EXPECT_EQ(markdown["entities"][2]["type"]["url"], "http://a.com/");
  auto html = json::parse(lib.Execute(
      R"({"@type":"parseTextEntities","text":"<b>b</b> <i>i</i> <code>c</code>","parse_mode":{"@type":"textParseModeHTML"}})"));
  EXPECT_EQ(html["text"], "b i c");
  EXPECT_EQ(html["entities"][2]["offset"], 4);
  auto reserved = json::parse(lib.Execute(
      R"({"@type":"parseTextEntities","text":"a.b","parse_mode":{"@type":"textParseModeMarkdown","version":2}})"));
  EXPECT_EQ(reserved["code"], 400);
  auto parsed = json::parse(lib.Execute(
      "{\"@type\":\"parseMarkdown\",\"text\":{\"@type\":\"formattedText\",\"text\":\"**b** and __i__ `c` \xd0\x9f\"}}"));
  EXPECT_EQ(parsed["text"], "b and i c \xd0\x9f");
  EXPECT_EQ(parsed["entities"][1]["offset"], 6);
  EXPECT_EQ(parsed["entities"][2]["type"]["@type"], "textEntityTypeCode");
}

}  // namespace
}  // namespace tgsim::testing

namespace tgsim::testing {
namespace {

TEST_F(SimAbi, ExportsAllFourteenFunctionsAndTheLegacyInterface) {
  void* handle = ::dlopen(TDJSON_SIM_LIBRARY, RTLD_NOW | RTLD_LOCAL);
  ASSERT_NE(handle, nullptr);
  for (const char* name : {"td_create_client_id", "td_send", "td_receive", "td_execute",
                           "td_set_log_message_callback", "td_json_client_create", "td_json_client_send",
                           "td_json_client_receive", "td_json_client_execute", "td_json_client_destroy",
                           "td_set_log_file_path", "td_set_log_max_file_size", "td_set_log_verbosity_level",
                           "td_set_log_fatal_error_callback"}) {
    EXPECT_NE(::dlsym(handle, name), nullptr) << name;
  }
  auto create = reinterpret_cast<void* (*)()>(::dlsym(handle, "td_json_client_create"));
  auto send = reinterpret_cast<void (*)(void*, const char*)>(::dlsym(handle, "td_json_client_send"));
  auto receive = reinterpret_cast<const char* (*)(void*, double)>(::dlsym(handle, "td_json_client_receive"));
  auto destroy = reinterpret_cast<void (*)(void*)>(::dlsym(handle, "td_json_client_destroy"));
  void* client = create();
  send(client, R"({"@type":"getAuthorizationState","@extra":"legacy"})");
  json answer;
  for (int i = 0; i < 50 && !answer.contains("@extra"); ++i) {
    const char* line = receive(client, 0.1);
    if (line != nullptr) answer = json::parse(line);
  }
  EXPECT_EQ(answer.value("@type", ""), "authorizationStateWaitTdlibParameters");
  EXPECT_FALSE(answer.contains("@client_id"));  // the old interface has one queue per client
  destroy(client);
  ::dlclose(handle);
}

}  // namespace
}  // namespace tgsim::testing
