#include "tests/support/openapi_samples.h"

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

Validation ValidateSamples(const nlohmann::json& document, const std::vector<Sample>& samples,
                           const std::filesystem::path& work_dir) {
  nlohmann::json input = {{"document", document}, {"samples", nlohmann::json::array()}};
  for (const auto& s : samples) {
    input["samples"].push_back({{"method", s.method}, {"path", s.path}, {"status", s.status},
                                {"content_type", s.content_type}, {"body", s.body}});
  }
  auto file = work_dir / "openapi-samples.json";
  std::ofstream(file) << input.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  auto script = std::filesystem::path(build_paths::kSourceDir) / "tests" / "openapi" / "validate.mjs";
  auto logs = work_dir / "openapi-validate";
  std::filesystem::create_directories(logs);
  Process node({build_paths::kNode, script.string(), file.string()}, {}, logs);
  Validation result;
  result.exit_status = node.Wait(std::chrono::seconds(60));
  result.output = node.Stdout() + node.Stderr();
  return result;
}

}  // namespace tgmux::testing
