#include "mcp/tools.h"

#include <algorithm>

namespace tgmux::mcp {

using nlohmann::json;

namespace {

bool HasType(const json& value, const std::string& type) {
  if (type == "object") return value.is_object();
  if (type == "array") return value.is_array();
  if (type == "string") return value.is_string();
  if (type == "integer") return value.is_number_integer();
  if (type == "number") return value.is_number();
  if (type == "boolean") return value.is_boolean();
  if (type == "null") return value.is_null();
  return false;
}

std::string TypeProblem(const json& schema, const json& value, const std::string& path) {
  auto type = schema.find("type");
  if (type == schema.end()) return "";
  std::vector<std::string> types;
  if (type->is_array()) {
    for (const auto& t : *type) types.push_back(t);
  } else {
    types.push_back(*type);
  }
  for (const auto& t : types) {
    if (HasType(value, t)) return "";
  }
  std::string wanted;
  for (const auto& t : types) wanted += (wanted.empty() ? "" : " or ") + t;
  return path + ": must be " + wanted;
}

std::string ObjectProblem(const json& schema, const json& value, const std::string& path) {
  const json properties = schema.value("properties", json::object());
  for (const auto& name : schema.value("required", json::array())) {
    if (!value.contains(name.get<std::string>())) return path + "." + name.get<std::string>() + ": is required";
  }
  for (const auto& [name, member] : value.items()) {
    auto property = properties.find(name);
    if (property == properties.end()) {
      if (schema.value("additionalProperties", true) == false) return path + "." + name + ": is not an argument";
      continue;
    }
    if (auto problem = SchemaProblem(*property, member, path + "." + name); !problem.empty()) return problem;
  }
  return "";
}

}  // namespace

std::string SchemaProblem(const json& schema, const json& value, const std::string& path) {
  if (auto problem = TypeProblem(schema, value, path); !problem.empty()) return problem;
  if (auto values = schema.find("enum"); values != schema.end() &&
                                         std::find(values->begin(), values->end(), value) == values->end()) {
    return path + ": must be one of " + values->dump();
  }
  if (value.is_number()) {
    if (schema.contains("minimum") && value.get<double>() < schema["minimum"].get<double>()) {
      return path + ": must be at least " + schema["minimum"].dump();
    }
    if (schema.contains("maximum") && value.get<double>() > schema["maximum"].get<double>()) {
      return path + ": must be at most " + schema["maximum"].dump();
    }
  }
  if (value.is_string()) {
    auto length = value.get_ref<const std::string&>().size();
    if (schema.contains("minLength") && length < schema["minLength"].get<std::size_t>()) {
      return path + ": must be at least " + schema["minLength"].dump() + " characters";
    }
    if (schema.contains("maxLength") && length > schema["maxLength"].get<std::size_t>()) {
      return path + ": must be at most " + schema["maxLength"].dump() + " characters";
    }
  }
  if (value.is_object()) return ObjectProblem(schema, value, path);
  return "";
}

const std::vector<Tool>& Tools() {
  static const std::vector<Tool> tools = [] {
    std::vector<Tool> all = ReadTools();
    all.push_back(SendTool());
    std::vector<Tool> ordered;
    for (auto name : service::kMcpTools) {
      auto it = std::find_if(all.begin(), all.end(), [name](const Tool& t) { return t.name == name; });
      if (it != all.end()) ordered.push_back(*it);
    }
    return ordered;
  }();
  return tools;
}

const Tool* FindTool(std::string_view name) {
  for (const auto& tool : Tools()) {
    if (tool.name == name) return &tool;
  }
  return nullptr;
}

json ToolListing(const Tool& tool) {
  return {{"name", tool.name},
          {"title", tool.title},
          {"description", tool.description},
          {"inputSchema", tool.input_schema},
          {"outputSchema", tool.output_schema},
          {"annotations",
           {{"title", tool.title},
            {"readOnlyHint", tool.read_only},
            {"destructiveHint", false},
            {"idempotentHint", tool.read_only},
            {"openWorldHint", !tool.read_only}}}};
}

json ToolResult(json structured) {
  json content = json::array({{{"type", "text"}, {"text", structured.dump()}}});
  return {{"content", std::move(content)}, {"structuredContent", std::move(structured)}, {"isError", false}};
}

json ToolFailure(const Error& error) {
  json detail = {{"code", CodeName(error.code())}, {"message", error.what()}};
  if (error.retry_after()) detail["retry_after"] = *error.retry_after();
  json text = {{"error", std::move(detail)}};
  return {{"content", json::array({{{"type", "text"}, {"text", text.dump()}}})}, {"isError", true}};
}

std::string AllowedAccount(const ToolCall& call) {
  std::string id = call.arguments.at("account");
  Error unknown(ErrorCode::kNotFound, "no account " + id + " (list_accounts shows the accounts you may use)");
  if (!call.settings.AllowsAccount(id)) throw unknown;
  try {
    call.services->accounts.Get(call.principal.tenant_id, id);
  } catch (const Error& e) {
    if (e.code() == ErrorCode::kNotFound) throw unknown;
    throw;
  }
  return id;
}

json AccountArgument() {
  return {{"type", "string"},
          {"minLength", 1},
          {"maxLength", 100},
          {"description", "The tgmux account id (\"acc_...\") from list_accounts"}};
}

}  // namespace tgmux::mcp
