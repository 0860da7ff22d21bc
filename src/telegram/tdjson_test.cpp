#include "telegram/tdjson.h"
#include "tests/support/build_paths.h"

#include <gtest/gtest.h>

namespace tgmux::telegram {
namespace {

std::string LoadError(const std::string& path) {
  try {
    LoadTdJson(path);
  } catch (const TdJsonLoadError& e) {
    return e.what();
  }
  return "";
}

TEST(TelegramTdJson, MissingFileIsOneClearLine) {
  std::string error = LoadError("/nonexistent/libtdjson.so");
  EXPECT_NE(error.find("cannot load libtdjson /nonexistent/libtdjson.so"), std::string::npos) << error;
  EXPECT_EQ(error.find('\n'), std::string::npos);
}

TEST(TelegramTdJson, LibraryWithoutTheFunctionsNamesTheMissingOne) {
  std::string error = LoadError("libm.so.6");
  EXPECT_NE(error.find("lacks td_create_client_id"), std::string::npos) << error;
}

TEST(TelegramTdJson, RealLibraryLoadsAndAnswersSynchronousRequests) {
  auto td = LoadTdJson(TGMUX_TDJSON_DEFAULT, 0);
  EXPECT_NE(td->Execute(R"({"@type":"getLogVerbosityLevel"})").find("\"verbosity_level\":0"), std::string::npos);
}

}  // namespace
}  // namespace tgmux::telegram
