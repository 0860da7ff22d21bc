#include "sim/tdapi/request.h"

#include <gtest/gtest.h>

namespace tgsim {
namespace {

// Found by fuzz/tgsim_request: nlohmann reports a number beyond double as
// out_of_range, not parse_error, and it escaped ParseRequest.
TEST(SimRequest, ANumberOutOfRangeIsAParseErrorNotACrash) {
  for (const char* raw : {R"({"@type":"getOption","name":1e400})", "1e400", R"({"@type":"sendMessage","chat_id":-1e999})"}) {
    ParsedRequest parsed = ParseRequest(raw);
    ASSERT_TRUE(parsed.error) << raw;
    EXPECT_EQ((*parsed.error)["code"], 400) << raw;
    EXPECT_EQ((*parsed.error)["message"].get<std::string>().rfind("Failed to parse request as JSON object", 0), 0u)
        << raw;
  }
}

}  // namespace
}  // namespace tgsim
