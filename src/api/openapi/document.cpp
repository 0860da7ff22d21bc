#include "api/openapi/document.h"

#include <algorithm>
#include <array>
#include <stdexcept>
#include <string_view>

#include "api/openapi/embedded.h"
#include "common/error.h"

namespace tgmux::api::openapi {
namespace {

using nlohmann::json;

constexpr std::string_view kPartPrefix = "document/";
constexpr std::array<const char*, 8> kMethods = {"get", "put", "post", "delete", "options", "head", "patch", "trace"};

json ParsePart(const EmbeddedFile& file) {
  json part = json::parse(file.data, file.data + file.size, nullptr, false);
  if (part.is_discarded() || !part.is_object()) {
    throw std::logic_error(std::string("the OpenAPI part ") + file.path + " is not a JSON object");
  }
  return part;
}

// Adds `part`'s paths and components to `doc`; an operation or component twice is a mistake.
void Merge(json& doc, const json& part, const std::string& name) {
  const json paths = part.value("paths", json::object());  // a copy: items() must not outlive it
  for (const auto& [path, item] : paths.items()) {
    json& into = doc["paths"][path];
    for (const auto& [key, value] : item.items()) {
      if (into.contains(key)) throw std::logic_error("the OpenAPI part " + name + " describes " + path + " " + key + " again");
      into[key] = value;
    }
  }
  const json components = part.value("components", json::object());
  for (const auto& [kind, entries] : components.items()) {
    for (const auto& [key, value] : entries.items()) {
      if (doc["components"][kind].contains(key)) {
        throw std::logic_error("the OpenAPI part " + name + " defines components/" + kind + "/" + key + " again");
      }
      doc["components"][kind][key] = value;
    }
  }
}

const RouteInfo* RouteOf(const std::vector<RouteInfo>& routes, const std::string& method, const std::string& path) {
  for (const auto& route : routes) {
    if (route.pattern != path) continue;
    std::string lower = route.method;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    if (lower == method) return &route;
  }
  return nullptr;
}

// The names of `path`'s templated segments: "/v1/logins/{id}/code" gives {"id"}.
std::vector<std::string> PathParameters(const std::string& path) {
  std::vector<std::string> names;
  for (const auto& segment : SplitPath(path)) {
    if (segment.size() > 2 && segment.front() == '{' && segment.back() == '}') {
      names.push_back(segment.substr(1, segment.size() - 2));
    }
  }
  return names;
}

// Whether `parameters` (of the path item or the operation) describe the path parameter `name`;
// a $ref counts by its name ("#/components/parameters/ChatId" describes "chat_id").
bool Describes(const json& doc, const json& parameters, const std::string& name) {
  for (const auto& p : parameters) {
    json target = p;
    if (p.contains("$ref")) {
      json::json_pointer pointer(p["$ref"].get<std::string>().substr(1));  // "#/components/..." -> "/components/..."
      target = doc.contains(pointer) ? doc.at(pointer) : json::object();
    }
    if (target.value("in", "") == "path" && target.value("name", "") == name) return true;
  }
  return false;
}

void CompleteOperation(const json& doc, const std::string& path, const json& item, const std::string& method,
                       json& op, const std::vector<RouteInfo>& routes) {
  for (const auto& name : PathParameters(path)) {
    if (Describes(doc, item.value("parameters", json::array()), name) ||
        Describes(doc, op.value("parameters", json::array()), name)) {
      continue;
    }
    op["parameters"].push_back({{"name", name}, {"in", "path"}, {"required", true}, {"schema", {{"type", "string"}}}});
  }
  json& responses = op["responses"];
  if (!responses.contains("default")) responses["default"] = {{"$ref", "#/components/responses/Problem"}};
  const RouteInfo* route = RouteOf(routes, method, path);
  if (!route) return;
  if (route->access.is_public) {
    op["security"] = json::array();
    op["x-tgmux-role"] = "public";
    return;
  }
  op["x-tgmux-role"] = route->access.Name();
  if (!responses.contains("401")) responses["401"] = {{"$ref", "#/components/responses/Unauthorized"}};
  if (!responses.contains("403")) responses["403"] = {{"$ref", "#/components/responses/Forbidden"}};
}

void DescribeErrorCodes(json& doc) {
  json& code = doc["components"]["schemas"]["Problem"]["properties"]["code"];
  code["enum"] = json::array();
  std::string list = "The stable error code; each is described at /docs/errors#<code>:\n";
  for (auto c : AllErrorCodes()) {
    code["enum"].push_back(std::string(CodeName(c)));
    list += "- `" + std::string(CodeName(c)) + "` (" + std::to_string(HttpStatus(c)) + "): " +
            std::string(CodeSummary(c)) + "\n";
  }
  code["description"] = list;
}

}  // namespace

json BuildDocument(const std::vector<RouteInfo>& routes, const std::vector<std::string>& surfaces) {
  json doc;
  std::vector<std::pair<std::string, json>> parts;
  for (std::size_t i = 0; i < kEmbeddedCount; ++i) {
    std::string path = kEmbedded[i].path ? kEmbedded[i].path : "";
    if (path.rfind(kPartPrefix, 0) != 0) continue;
    if (path == "document/base.json") {
      doc = ParsePart(kEmbedded[i]);
    } else {
      parts.emplace_back(path, ParsePart(kEmbedded[i]));
    }
  }
  if (!doc.is_object()) throw std::logic_error("the OpenAPI part document/base.json is not built in");
  for (const auto& [name, part] : parts) {
    if (part.contains("x-tgmux-compat") &&
        std::find(surfaces.begin(), surfaces.end(), part["x-tgmux-compat"].get<std::string>()) == surfaces.end()) {
      continue;
    }
    Merge(doc, part, name);
  }
  for (auto& [path, item] : doc["paths"].items()) {
    for (const char* method : kMethods) {
      if (item.contains(method)) CompleteOperation(doc, path, item, method, item[method], routes);
    }
  }
  DescribeErrorCodes(doc);
  return doc;
}

}  // namespace tgmux::api::openapi
