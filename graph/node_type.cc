#include "graph/node_type.h"

#include <sstream>

#include <stdexcept>

namespace xstilts {

const char* ParamTypeName(ParamType type) {
  switch (type) {
    case ParamType::kString: return "string";
    case ParamType::kInt: return "integer";
    case ParamType::kFloat: return "number";
    case ParamType::kBool: return "boolean";
    case ParamType::kStringList: return "list of strings";
    case ParamType::kIntList: return "list of integers";
    case ParamType::kFloatList: return "list of numbers";
    case ParamType::kMap: return "map";
    case ParamType::kAny: return "any value";
  }
  return "?";
}

std::filesystem::path NodeContext::input(const std::string& port) const {
  std::vector<std::filesystem::path> paths = inputs(port);
  if (paths.size() != 1) {
    throw std::runtime_error("input port '" + port + "' has " + std::to_string(paths.size()) +
                             " artifacts, expected exactly one");
  }
  return paths[0];
}

const ParamSpec* NodeType::FindParam(const std::string& param) const {
  for (const ParamSpec& p : params) {
    if (p.name == param) return &p;
  }
  return nullptr;
}

const PortSpec* NodeType::FindInput(const std::string& port) const {
  for (const PortSpec& p : inputs) {
    if (p.name == port) return &p;
  }
  if (!open_inputs) return nullptr;
  static const PortSpec kOpenPort{"", "any", "a named input", true, true};
  return &kOpenPort;
}

const PortSpec* NodeType::FindOutput(const std::string& port) const {
  for (const PortSpec& p : outputs) {
    if (p.name == port) return &p;
  }
  return nullptr;
}

ParamSpec ParamSpec::AtLeast(double value) const {
  ParamSpec copy = *this;
  copy.min = value;
  copy.min_exclusive = false;
  return copy;
}

ParamSpec ParamSpec::Above(double value) const {
  ParamSpec copy = *this;
  copy.min = value;
  copy.min_exclusive = true;
  return copy;
}

ParamSpec ParamSpec::AtMost(double value) const {
  ParamSpec copy = *this;
  copy.max = value;
  return copy;
}

ParamSpec ParamSpec::NonEmpty() const {
  ParamSpec copy = *this;
  copy.non_empty = true;
  return copy;
}

ParamSpec ParamSpec::KeyedWhenNotDefault() const {
  ParamSpec copy = *this;
  copy.key_omits_default = true;
  return copy;
}

std::string ParamSpec::DescribeConstraints() const {
  auto number = [](double v) {
    std::ostringstream out;
    out << v;
    return out.str();
  };
  std::string text;
  if (min) text = (min_exclusive ? "greater than " : "at least ") + number(*min);
  if (max) text += (text.empty() ? "" : " and ") + std::string("at most ") + number(*max);
  if (non_empty) text += (text.empty() ? "" : " and ") + std::string("non-empty");
  return text;
}

}  // namespace xstilts
