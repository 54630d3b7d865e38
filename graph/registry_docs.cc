#include "graph/registry_docs.h"

#include <cctype>

namespace xstilts {
namespace {

nlohmann::json ParamSchema(const ParamSpec& p) {
  nlohmann::json s;
  // A value may also be a ${var} reference, which is a string until expansion.
  switch (p.type) {
    case ParamType::kString: s = {{"type", "string"}}; break;
    case ParamType::kInt: s = {{"type", {"integer", "string"}}}; break;
    case ParamType::kFloat: s = {{"type", {"number", "string"}}}; break;
    case ParamType::kBool: s = {{"type", {"boolean", "string"}}}; break;
    case ParamType::kStringList: s = {{"type", {"array", "string"}}, {"items", {{"type", "string"}}}}; break;
    case ParamType::kIntList: s = {{"type", {"array", "string"}}, {"items", {{"type", {"integer", "string"}}}}}; break;
    case ParamType::kFloatList: s = {{"type", {"array", "string"}}, {"items", {{"type", {"number", "string"}}}}}; break;
    case ParamType::kMap: s = {{"type", {"object", "string"}}}; break;
    case ParamType::kAny: s = nlohmann::json::object(); break;
  }
  if (!p.choices.empty()) {
    bool list = p.type == ParamType::kStringList;
    (list ? s["items"]["enum"] : s["enum"]) = p.choices;
  }
  if (p.min) (p.min_exclusive ? s["exclusiveMinimum"] : s["minimum"]) = *p.min;
  if (p.max) s["maximum"] = *p.max;
  if (p.non_empty && (p.type == ParamType::kString)) s["minLength"] = 1;
  if (p.non_empty && p.type != ParamType::kString && p.type != ParamType::kMap) s["minItems"] = 1;
  s["description"] = p.doc;
  if (!p.required()) s["default"] = p.default_value;
  return s;
}

std::string Choices(const ParamSpec& p) {
  const std::string constraints = p.DescribeConstraints();
  if (!constraints.empty()) {
    std::string text = constraints;
    text[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(text[0])));
    bool ends_sentence = !p.doc.empty() && (p.doc.back() == '.' || p.doc.back() == ')');
    return (ends_sentence ? " " : ". ") + text + ".";
  }
  if (p.choices.empty()) return "";
  bool ends_sentence = !p.doc.empty() && (p.doc.back() == '.' || p.doc.back() == ')');
  std::string out = ends_sentence ? " One of:" : ". One of:";
  for (const std::string& c : p.choices) out += " `" + c + "`";
  return out + ".";
}

std::string Cell(std::string text) {
  for (size_t i = 0; (i = text.find('|', i)) != std::string::npos; i += 2) text.replace(i, 1, "\\|");
  return text;
}

}  // namespace

nlohmann::json PipelineJsonSchema(const NodeRegistry& registry) {
  nlohmann::json variants = nlohmann::json::array();
  for (const NodeType* type : registry.Types()) {
    nlohmann::json params = {{"type", "object"}, {"additionalProperties", false}, {"properties", nlohmann::json::object()}};
    nlohmann::json required = nlohmann::json::array();
    for (const ParamSpec& p : type->params) {
      params["properties"][p.name] = ParamSchema(p);
      if (p.required()) required.push_back(p.name);
    }
    if (!required.empty()) params["required"] = required;
    nlohmann::json ref = {{"oneOf", {{{"type", "string"}}, {{"type", "array"}, {"items", {{"type", "string"}}}}}}};
    nlohmann::json inputs = {{"type", "object"}, {"properties", nlohmann::json::object()},
                             {"additionalProperties", type->open_inputs}};
    for (const PortSpec& port : type->inputs) {
      inputs["properties"][port.name] = ref;
      inputs["properties"][port.name]["description"] = port.doc + " (" + port.kind + ")";
    }
    nlohmann::json node = {
        {"type", "object"},
        {"description", type->summary},
        {"additionalProperties", false},
        {"required", {"type"}},
        {"properties",
         {{"type", {{"const", type->name}}},
          {"inputs", inputs},
          {"params", params},
          {"foreach", {{"type", "object"}, {"additionalProperties", {{"type", {"array", "string"}}}}}},
          {"resources",
           {{"type", "object"},
            {"additionalProperties", false},
            {"properties",
             {{"threads", {{"type", "integer"}, {"minimum", 0}}},
              {"gpus", {{"type", "integer"}, {"minimum", 0}}},
              {"memory", {{"type", "string"}, {"pattern", "^[0-9.]+([KMGTkmgt]i?[Bb]?)?$"}}},
              {"time", {{"type", "string"}, {"pattern", "^([0-9]+[smhdw]|[0-9]+(:[0-9]+){1,2})$"}}}}}}}}}};
    variants.push_back(node);
  }
  return {{"$schema", "http://json-schema.org/draft-07/schema#"},
          {"title", "xstilts pipeline"},
          {"type", "object"},
          {"additionalProperties", false},
          {"anyOf", {{{"required", {"nodes"}}}, {{"required", {"base"}}}}},
          {"properties",
           {{"base",
             {{"type", "string"},
              {"description",
               "a pipeline file in the same folder that this one is a variant of: its vars (this file's replace "
               "those of the same name) and its nodes (this file's are added)"}}},
            {"vars", {{"type", "object"}, {"description", "values usable as ${name} anywhere in the file"}}},
            {"nodes", {{"type", "object"}, {"additionalProperties", {{"oneOf", variants}}}}}}}};
}

std::string DescribeNodeType(const NodeType& type) {
  std::string out = type.name + " (version " + std::to_string(type.version) + "): " + type.summary + "\n";
  if (!type.inputs.empty() || type.open_inputs) {
    out += "\ninputs:\n";
    for (const PortSpec& p : type.inputs) {
      out += "  " + p.name + " (" + p.kind + (p.many ? ", many" : "") + (p.optional ? ", optional" : "") + "): " + p.doc + "\n";
    }
    if (type.open_inputs) out += "  <any name> (any, many, optional): a named input\n";
  }
  out += "\noutputs:\n";
  for (const PortSpec& p : type.outputs) out += "  " + p.name + " (" + p.kind + "): " + p.doc + "\n";
  out += "\nparams:\n";
  for (const ParamSpec& p : type.params) {
    out += "  " + p.name + " (" + ParamTypeName(p.type) + (p.required() ? ", required" : ", default " + p.default_value.dump()) +
           "): " + p.doc + Choices(p) + "\n";
  }
  out += "\nresources: threads " + std::to_string(type.resources.threads) + ", gpus " + std::to_string(type.resources.gpus) + "\n";
  out += "\nexample:\n";
  size_t start = 0;
  while (start < type.example.size()) {
    size_t end = type.example.find('\n', start);
    if (end == std::string::npos) end = type.example.size();
    out += "  " + type.example.substr(start, end - start) + "\n";
    start = end + 1;
  }
  return out;
}

std::string NodeReferenceMarkdown(const NodeRegistry& registry) {
  std::string out =
      "# Node reference\n\n"
      "Generated from the node registry by `xstilts nodes --markdown`; do not edit by hand.\n\n";
  for (const NodeType* type : registry.Types()) out += "- [`" + type->name + "`](#" + type->name + "): " + type->summary + "\n";
  for (const NodeType* type : registry.Types()) {
    out += "\n## " + type->name + "\n\n" + type->summary + " (version " + std::to_string(type->version) + ")\n\n";
    if (!type->inputs.empty() || type->open_inputs) {
      out += "| input | kind | doc |\n|---|---|---|\n";
      for (const PortSpec& p : type->inputs) {
        out += "| `" + p.name + "`" + (p.optional ? " (optional)" : "") + (p.many ? " (many)" : "") + " | " + p.kind + " | " + Cell(p.doc) + " |\n";
      }
      if (type->open_inputs) out += "| any name (optional, many) | any | a named input |\n";
      out += "\n";
    }
    out += "| output | kind | doc |\n|---|---|---|\n";
    for (const PortSpec& p : type->outputs) out += "| `" + p.name + "` | " + p.kind + " | " + Cell(p.doc) + " |\n";
    out += "\n| param | type | default | doc |\n|---|---|---|---|\n";
    for (const ParamSpec& p : type->params) {
      out += "| `" + p.name + "` | " + ParamTypeName(p.type) + " | " + (p.required() ? "required" : "`" + Cell(p.default_value.dump()) + "`") +
             " | " + Cell(p.doc) + Choices(p) + (p.in_key ? "" : " (not part of the cache key)") + " |\n";
    }
    out += "\nResources: threads " + std::to_string(type->resources.threads) + ", gpus " + std::to_string(type->resources.gpus) + ".\n";
    out += "\n```yaml\n" + type->example + "\n```\n";
  }
  return out;
}

}  // namespace xstilts
