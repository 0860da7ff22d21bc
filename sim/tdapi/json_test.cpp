#include "sim/tdapi/json.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>

namespace tgsim {
namespace {

std::string NlohmannDump(const Json& value) {
  return value.dump(-1, ' ', /*ensure_ascii=*/true, Json::error_handler_t::replace);
}

// Dump writes objects, arrays, integers and ASCII strings itself: what reaches td_receive
// must stay byte for byte what nlohmann wrote.
TEST(SimJsonDump, WritesWhatNlohmannWritesForEveryCharacterAndNumber) {
  for (int byte = 0; byte < 256; ++byte) {
    std::string text = "a" + std::string(1, static_cast<char>(byte)) + "b";
    Json object = {{text, text}};
    EXPECT_EQ(Dump(object), NlohmannDump(object)) << "byte " << byte;
  }
  Json values = Json::array({
      "", "plain", "tab\there", "quote\" and \\ backslash", "\x01\x1f\x7f", "Привет", "😀 emoji",
      "bad \xff utf-8", "cut \xd0", std::numeric_limits<std::int64_t>::min(),
      std::numeric_limits<std::int64_t>::max(), std::numeric_limits<std::uint64_t>::max(), -1, 0, 0.0,
      -0.0, 1.5, 1e300, 1e-7, std::nan(""), std::numeric_limits<double>::infinity(), true, false, nullptr,
      Json::object(), Json::array(), Json::array({Json::object(), Json::array({1, "x"})})});
  for (const auto& value : values) EXPECT_EQ(Dump(value), NlohmannDump(value)) << NlohmannDump(value);
  EXPECT_EQ(Dump(values), NlohmannDump(values));
}

TEST(SimJsonDump, DumpWithWritesTheGivenTextInTheMembersPlace) {
  Json message = {{"@type", "message"}, {"id", 7}, {"text", "hi \"you\""}};
  Json update = {{"@type", "updateChatLastMessage"}, {"chat_id", 5}, {"last_message", nullptr}, {"positions", Json::array({1})}};
  std::string written = DumpWith(update, "last_message", Dump(message));
  update["last_message"] = message;
  EXPECT_EQ(written, Dump(update));
}

Json RandomValue(std::mt19937_64& random, int depth) {
  switch (random() % (depth > 4 ? 5 : 7)) {
    case 0: return static_cast<std::int64_t>(random());
    case 1: return static_cast<std::uint64_t>(random());
    case 2: return std::ldexp(static_cast<double>(random() % 100000) - 50000, static_cast<int>(random() % 80) - 40);
    case 3: {
      std::string text;
      for (auto n = random() % 12; n > 0; --n) text += static_cast<char>(random() % 256);
      return text;
    }
    case 4: return random() % 3 == 0 ? Json(nullptr) : Json(random() % 2 == 0);
    case 5: {
      Json array = Json::array();
      for (auto n = random() % 5; n > 0; --n) array.push_back(RandomValue(random, depth + 1));
      return array;
    }
    default: {
      Json object = Json::object();
      for (auto n = random() % 5; n > 0; --n) {
        object[std::string(1, static_cast<char>('a' + random() % 26))] = RandomValue(random, depth + 1);
      }
      return object;
    }
  }
}

TEST(SimJsonDump, WritesWhatNlohmannWritesForRandomTrees) {
  std::mt19937_64 random(20261128);
  for (int i = 0; i < 3000; ++i) {
    Json value = RandomValue(random, 0);
    ASSERT_EQ(Dump(value), NlohmannDump(value)) << "tree " << i;
  }
}

}  // namespace
}  // namespace tgsim
