// The OpenAPI document against everything the end-to-end suite was answered
// (issue 21): every test's tgmux clients keep their answers
// (tests/support/openapi_samples.h, RecordForSuite), and after the whole suite
// this check validates each against the schema of its route and status in the
// document a tgmux serves with every compatibility surface on. A test run
// alone checks what that test was answered.
//
// ctest runs it as `openapi_answers`, after every other test (it cleans up the
// `artifacts` fixture); the discovered tests leave it out (CMakeLists.txt).
#include <gtest/gtest.h>

#include "tests/support/openapi_samples.h"
#include "tests/support/process.h"
#include "tests/support/tgmux_server.h"

namespace tgmux::testing {
namespace {

TEST(OpenApiSuite, EveryAnswerOfTheSuiteMatchesTheDocument) {
  auto samples = ReadSuiteAnswers();
  std::error_code ignored;
  std::filesystem::remove_all(SuiteAnswersDir(), ignored);  // they hold tokens: kept no longer than needed
  if (samples.empty()) GTEST_SKIP() << "no answers were kept: run it with the suite (ctest), after other tests";

  // The document does not depend on the store: SQLite, so that this check needs
  // nothing the suite may be stopping beside it (its PostgreSQL).
  TempDir dir;
  auto data = dir.path() / "data";
  TgmuxServer gateway({{"TGMUX_COMPAT", "personal-accounts,user-api,multi-profile"},
                       {"TGMUX_STORE", "sqlite:" + (data / "tgmux.db").string()}},
                      data);
  ASSERT_TRUE(gateway.Start()) << gateway.process().Stderr();
  auto served = gateway.Anonymous().Get("/openapi.json");
  ASSERT_EQ(served.status, 200) << served.body;

  auto result = ValidateSamples(served.Json(), samples, UndocumentedPaths::kSkipped);
  EXPECT_EQ(result.exit_status, 0) << result.output;
  std::cout << result.output;
}

}  // namespace
}  // namespace tgmux::testing
