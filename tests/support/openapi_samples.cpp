#include "tests/support/openapi_samples.h"

#include <stdlib.h>
#include <unistd.h>

#include <fstream>
#include <mutex>

#include "tests/support/build_paths.h"
#include "tests/support/process.h"

namespace tgmux::testing {

nlohmann::json SampleRecorder::Call(const std::string& method, const std::string& target, const nlohmann::json& body) {
  auto answer = client_.Request(method, target, body.is_null() ? "" : body.dump(),
                                body.is_null() ? std::map<std::string, std::string>{}
                                               : std::map<std::string, std::string>{{"Content-Type", "application/json"}});
  samples_.push_back({method, target.substr(0, target.find('?')), answer.status, answer.Header("content-type"), answer.body});
  auto parsed = nlohmann::json::parse(answer.body, nullptr, false);
  return parsed.is_discarded() ? nlohmann::json() : parsed;
}

namespace {

// Bodies past this size are not JSON anyone checks (downloads): kept cut short.
constexpr std::size_t kKeptBody = 64 * 1024;

class SuiteAnswers {
 public:
  void Keep(const std::string& method, const std::string& target, const HttpResponse& answer) {
    // An answer cut short (a test killed its tgmux while it wrote) is not what tgmux answers.
    const std::string length = answer.Header("content-length");
    if (!length.empty() && length != std::to_string(answer.body.size())) return;
    std::string type = answer.Header("content-type");
    bool json = type.find("json") != std::string::npos;
    nlohmann::json line = {{"method", method},
                           {"path", target.substr(0, target.find('?'))},
                           {"status", answer.status},
                           {"content_type", type},
                           {"body", json ? answer.body : answer.body.substr(0, kKeptBody)}};
    std::lock_guard lock(mutex_);
    if (!out_.is_open()) {
      std::filesystem::create_directories(SuiteAnswersDir());
      out_.open(SuiteAnswersDir() / (std::to_string(getpid()) + ".jsonl"), std::ios::app);
    }
    out_ << line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n' << std::flush;
  }

 private:
  std::mutex mutex_;
  std::ofstream out_;
};

}  // namespace

void RecordForSuite(tgmux::HttpClient& client) {
  if (!std::getenv("TGMUX_TEST_ARTIFACTS")) return;
  static SuiteAnswers* answers = new SuiteAnswers;  // kept to the process's end: clients outlive tests
  client.SetObserver([](const std::string& method, const std::string& target, const HttpResponse& answer) {
    answers->Keep(method, target, answer);
  });
}

std::filesystem::path SuiteAnswersDir() { return build_paths::kOpenApiAnswersDir; }

std::vector<Sample> ReadSuiteAnswers() {
  std::vector<Sample> samples;
  std::error_code missing;
  for (const auto& file : std::filesystem::directory_iterator(SuiteAnswersDir(), missing)) {
    std::ifstream in(file.path());
    for (std::string line; std::getline(in, line);) {
      auto s = nlohmann::json::parse(line, nullptr, false);
      if (s.is_discarded()) continue;  // a process killed while writing its last line
      samples.push_back({s["method"], s["path"], s["status"], s["content_type"], s["body"]});
    }
  }
  return samples;
}

Validation ValidateSamples(const nlohmann::json& document, const std::vector<Sample>& samples,
                           UndocumentedPaths undocumented) {
  nlohmann::json input = {{"document", document},
                          {"skip_undocumented_paths", undocumented == UndocumentedPaths::kSkipped},
                          {"samples", nlohmann::json::array()}};
  for (const auto& s : samples) {
    input["samples"].push_back({{"method", s.method}, {"path", s.path}, {"status", s.status},
                                {"content_type", s.content_type}, {"body", s.body}});
  }
  // The answers hold tokens and keys: they stay out of the kept test artifacts (scripts/scan-secrets).
  std::string private_dir = (std::filesystem::temp_directory_path() / "tgmux-openapi-XXXXXX").string();
  if (!mkdtemp(private_dir.data())) return {-1, "cannot make a temporary directory"};
  auto file = std::filesystem::path(private_dir) / "samples.json";
  std::ofstream(file) << input.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  auto script = std::filesystem::path(build_paths::kSourceDir) / "tests" / "openapi" / "validate.mjs";
  Validation result;
  {
    Process node({build_paths::kNode, script.string(), file.string()}, {}, private_dir);
    result.exit_status = node.Wait(std::chrono::seconds(60));
    result.output = node.Stdout() + node.Stderr();
  }
  std::error_code ignored;
  std::filesystem::remove_all(private_dir, ignored);
  return result;
}

}  // namespace tgmux::testing
