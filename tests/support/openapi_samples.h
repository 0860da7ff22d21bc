// Answers of tgmux recorded for validation against its OpenAPI document: a
// client that keeps what it was answered, every answer of the end-to-end suite
// kept for one check after it (ctest openapi_answers), and the check of a list
// of answers by tests/openapi/validate.mjs (ajv, JSON Schema 2020-12) under node.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/http_client.h"

namespace tgmux::testing {

struct Sample {
  std::string method;
  std::string path;  // as requested, without the query
  int status = 0;
  std::string content_type;
  std::string body;
};

class SampleRecorder {
 public:
  explicit SampleRecorder(tgmux::HttpClient client) : client_(std::move(client)) {}

  // Sends the request (a JSON body unless null), keeps the answer, and returns
  // its body as JSON (null when it is not JSON).
  nlohmann::json Call(const std::string& method, const std::string& target, const nlohmann::json& body = nullptr);
  const std::vector<Sample>& samples() const { return samples_; }

 private:
  tgmux::HttpClient client_;
  std::vector<Sample> samples_;
};

// Under ctest (TGMUX_TEST_ARTIFACTS set), keeps every answer `client` gets in
// the suite's answers directory (one file per test process), for
// OpenApiSuite.EveryAnswerOfTheSuiteMatchesTheDocument; otherwise does nothing.
// TgmuxServer records the clients it hands out.
void RecordForSuite(tgmux::HttpClient& client);
// Where the suite's answers are kept: beside the test artifacts, not among
// them, since they hold tokens and keys (scripts/scan-secrets checks those).
std::filesystem::path SuiteAnswersDir();
// Every answer kept so far, from all the suite's processes.
std::vector<Sample> ReadSuiteAnswers();

struct Validation {
  int exit_status = -1;  // 0 when every answer matches
  std::string output;    // one line per mismatch, and a summary
};

// Checks `samples` against `document` (the /openapi.json served). The answers
// (tokens and keys among them) go to the validator through a private temporary
// file, removed after, never into the kept test artifacts. `undocumented`:
// what an answer for a path the document does not have must be. kNotFound: a
// 404 problem (a test that asked tgmux only); kSkipped: not checked (the whole
// suite's answers, among them pages for browsers).
enum class UndocumentedPaths { kNotFound, kSkipped };
Validation ValidateSamples(const nlohmann::json& document, const std::vector<Sample>& samples,
                           UndocumentedPaths undocumented = UndocumentedPaths::kNotFound);

}  // namespace tgmux::testing
