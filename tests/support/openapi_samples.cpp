#include "tests/support/openapi_samples.h"

#include <stdlib.h>

#include <fstream>

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

Validation ValidateSamples(const nlohmann::json& document, const std::vector<Sample>& samples) {
  nlohmann::json input = {{"document", document}, {"samples", nlohmann::json::array()}};
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
