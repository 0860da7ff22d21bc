#include "sim/conformance/tdlib_schema.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "sim/conformance/dts_reader.h"
#include "sim/conformance/json_walker.h"
#include "sim/conformance/schema_builder.h"

namespace tgsim::conformance {
namespace {

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open TDLib type definitions " + path.string());
  std::ostringstream text;
  text << in.rdbuf();
  return std::move(text).str();
}

// TDLib escapes every non-ASCII character as \uXXXX (td/utils/JsonBuilder).
void CheckAscii(std::string_view text, std::vector<std::string>& out) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    auto byte = static_cast<unsigned char>(text[i]);
    if (byte >= 0x80) {
      std::ostringstream line;
      line << "$: raw non-ASCII byte 0x" << std::hex << unsigned{byte} << std::dec << " at offset "
           << i << " (TDLib writes \\uXXXX escapes)";
      out.push_back(line.str());
      return;
    }
  }
}

}  // namespace

Schema::Schema(std::shared_ptr<const detail::SchemaData> data) : data_(std::move(data)) {}

Schema Schema::Load(const std::filesystem::path& dts) {
  std::string text = ReadFile(dts);
  try {
    auto data = detail::BuildSchema(detail::ReadDts(text));
    return Schema(std::make_shared<const detail::SchemaData>(std::move(data)));
  } catch (const std::exception& error) {
    throw std::runtime_error(dts.string() + ": " + error.what());
  }
}

std::string Schema::Version() const { return data_->version; }

bool Schema::IsClass(std::string_view name) const {
  return data_->class_index.contains(std::string(name));
}

bool Schema::IsFunction(std::string_view name) const {
  return data_->function_index.contains(std::string(name));
}

bool Schema::IsSynchronous(std::string_view function) const {
  auto it = data_->function_index.find(std::string(function));
  return it != data_->function_index.end() && data_->functions[it->second].synchronous;
}

std::vector<std::string> Schema::ValidateOutput(const nlohmann::json& object) const {
  std::vector<std::string> violations;
  detail::WalkRoot(*data_, detail::Mode::kOutput, object, violations);
  return violations;
}

std::vector<std::string> Schema::ValidateOutputText(std::string_view json_text) const {
  std::vector<std::string> violations;
  CheckAscii(json_text, violations);
  auto object = nlohmann::ordered_json::parse(json_text, nullptr, false);
  if (object.is_discarded()) {
    violations.push_back("$: invalid JSON");
    return violations;
  }
  detail::WalkRoot(*data_, detail::Mode::kOutput, object, violations);
  return violations;
}

std::vector<std::string> Schema::ValidateResponse(std::string_view function,
                                                  const nlohmann::json& response) const {
  auto fn = data_->function_index.find(std::string(function));
  if (fn == data_->function_index.end()) {
    return {"$: unknown method \"" + std::string(function) + "\""};
  }
  std::vector<std::string> violations = ValidateOutput(response);
  auto type = response.is_object() ? response.find("@type") : response.end();
  if (type == response.end() || !type->is_string()) return violations;
  const auto& name = type->get_ref<const std::string&>();
  auto cls = data_->class_index.find(name);
  if (name != "error" && cls != data_->class_index.end() &&
      !data_->InSet(data_->functions[fn->second].result, cls->second)) {
    const auto& expected = data_->type_sets[data_->functions[fn->second].result].name;
    violations.push_back(name + ": " + std::string(function) + " returns " + expected);
  }
  return violations;
}

std::vector<std::string> Schema::ValidateRequest(const nlohmann::json& request) const {
  std::vector<std::string> violations;
  detail::WalkRoot(*data_, detail::Mode::kInput, request, violations);
  return violations;
}

}  // namespace tgsim::conformance
