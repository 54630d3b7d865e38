#include "graph/params.h"

#include <set>

namespace xstilts {
namespace {

std::optional<nlohmann::json> ScalarAs(ParamType type, const Value& value) {
  if (!value.is_scalar()) return std::nullopt;
  if (type == ParamType::kString) return nlohmann::json(value.text());
  if (value.quoted()) return std::nullopt;
  nlohmann::json plain = PlainScalarToJson(value.text());
  switch (type) {
    case ParamType::kInt:
      if (plain.is_number_integer()) return plain;
      break;
    case ParamType::kFloat:
      if (plain.is_number()) return nlohmann::json(plain.get<double>());
      break;
    case ParamType::kBool:
      if (plain.is_boolean()) return plain;
      break;
    default: break;
  }
  return std::nullopt;
}

ParamType ElementType(ParamType list_type) {
  switch (list_type) {
    case ParamType::kIntList: return ParamType::kInt;
    case ParamType::kFloatList: return ParamType::kFloat;
    default: return ParamType::kString;
  }
}

std::string Expects(const ParamSpec& spec) {
  std::string article = spec.type == ParamType::kInt || spec.type == ParamType::kAny ? "an " : "a ";
  if (spec.type == ParamType::kStringList || spec.type == ParamType::kIntList ||
      spec.type == ParamType::kFloatList || spec.type == ParamType::kMap) {
    article = "a ";
  }
  return article + ParamTypeName(spec.type);
}

// The value (or list element) that breaks spec's min / max / non_empty, as text; "" when none does.
std::string BrokenConstraint(const ParamSpec& spec, const nlohmann::json& value) {
  if (spec.non_empty && (value.is_array() || value.is_string() || value.is_object()) && value.empty()) {
    return value.dump();
  }
  auto out_of_range = [&](const nlohmann::json& v) {
    if (!v.is_number()) return false;
    const double x = v.get<double>();
    return (spec.min && (spec.min_exclusive ? x <= *spec.min : x < *spec.min)) || (spec.max && x > *spec.max);
  };
  if (value.is_array()) {
    for (const nlohmann::json& element : value) {
      if (out_of_range(element)) return element.dump();
    }
    return "";
  }
  return out_of_range(value) ? value.dump() : "";
}

}  // namespace

std::optional<nlohmann::json> ConvertParam(const ParamSpec& spec, const Value& value,
                                           const std::string& node, Diagnostics& diagnostics) {
  std::string what = "parameter '" + spec.name + "' of node '" + node + "'";
  std::optional<nlohmann::json> out;
  switch (spec.type) {
    case ParamType::kString:
    case ParamType::kInt:
    case ParamType::kFloat:
    case ParamType::kBool:
      out = ScalarAs(spec.type, value);
      break;
    case ParamType::kStringList:
    case ParamType::kIntList:
    case ParamType::kFloatList: {
      if (!value.is_list()) break;
      nlohmann::json list = nlohmann::json::array();
      for (const Value& item : value.items()) {
        std::optional<nlohmann::json> element = ScalarAs(ElementType(spec.type), item);
        if (!element) {
          diagnostics.Error(item.loc(), what + " expects a " + ParamTypeName(spec.type) + ", but this item is " +
                                            item.Describe());
          return std::nullopt;
        }
        list.push_back(*element);
      }
      out = list;
      break;
    }
    case ParamType::kMap:
      if (value.is_map()) out = value.ToJson();
      break;
    case ParamType::kAny:
      out = value.ToJson();
      break;
  }
  if (!out) {
    diagnostics.Error(value.loc(), what + " expects " + Expects(spec) + ", got " + value.Describe());
    return std::nullopt;
  }
  if (std::string broken = BrokenConstraint(spec, *out); !broken.empty()) {
    diagnostics.Error(value.loc(), what + " must be " + spec.DescribeConstraints() + "; got " + broken);
    return std::nullopt;
  }
  if (!spec.choices.empty() && out->is_string()) {
    std::string s = out->get<std::string>();
    bool allowed = false;
    std::string list;
    for (const std::string& c : spec.choices) {
      allowed = allowed || c == s;
      list += (list.empty() ? "" : ", ") + c;
    }
    if (!allowed) {
      diagnostics.Error(value.loc(), what + " must be one of " + list + "; got '" + s + "'" +
                                         DidYouMean(s, spec.choices));
      return std::nullopt;
    }
  }
  return out;
}

std::optional<nlohmann::json> ConvertParams(const NodeType& type, const Value& params,
                                            const std::string& node, const SourceLocation& node_loc,
                                            Diagnostics& diagnostics) {
  size_t errors_before = diagnostics.size();
  nlohmann::json out = nlohmann::json::object();
  std::vector<std::string> names;
  for (const ParamSpec& p : type.params) names.push_back(p.name);
  std::set<std::string> given;
  if (params.is_map()) {
    for (const Value::Entry& e : params.entries()) {
      const ParamSpec* spec = type.FindParam(e.key);
      if (spec == nullptr) {
        diagnostics.Error(e.key_loc, "unknown parameter '" + e.key + "' for node type '" + type.name + "'" +
                                         DidYouMean(e.key, names));
        continue;
      }
      given.insert(e.key);
      if (std::optional<nlohmann::json> v = ConvertParam(*spec, e.value, node, diagnostics)) out[e.key] = *v;
    }
  }
  for (const ParamSpec& p : type.params) {
    if (out.contains(p.name) || given.count(p.name)) continue;  // given but invalid: reported above
    if (p.required()) {
      SourceLocation at = params.is_map() ? params.loc() : node_loc;
      diagnostics.Error(at, "node '" + node + "' (type '" + type.name + "') needs parameter '" + p.name +
                                "' (" + ParamTypeName(p.type) + ": " + p.doc + ")");
      continue;
    }
    out[p.name] = p.default_value;
  }
  if (diagnostics.size() != errors_before) return std::nullopt;
  if (type.check_params) {
    for (const ParamProblem& problem : type.check_params(out)) {
      const Value* given = params.is_map() ? params.Find(problem.param) : nullptr;
      diagnostics.Error(given != nullptr ? given->loc() : node_loc, "node '" + node + "': " + problem.message);
    }
    if (diagnostics.size() != errors_before) return std::nullopt;
  }
  return out;
}

}  // namespace xstilts
