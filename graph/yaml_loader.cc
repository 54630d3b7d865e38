#include "graph/yaml_loader.h"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <set>
#include <sstream>

namespace xstilts {
namespace {

SourceLocation LocOf(const YAML::Mark& mark, const std::string& file) {
  if (mark.is_null()) return SourceLocation{file, 0, 0};
  return SourceLocation{file, mark.line + 1, mark.column + 1};
}

Value Convert(const YAML::Node& node, const std::string& file, Diagnostics& diagnostics) {
  SourceLocation loc = LocOf(node.Mark(), file);
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      return Value::Null(loc);
    case YAML::NodeType::Scalar:
      // yaml-cpp tags quoted scalars "!" and plain ones "?".
      return Value::Scalar(node.Scalar(), node.Tag() == "!", loc);
    case YAML::NodeType::Sequence: {
      Value list = Value::List(loc);
      for (const YAML::Node& item : node) list.items().push_back(Convert(item, file, diagnostics));
      return list;
    }
    case YAML::NodeType::Map: {
      Value map = Value::Map(loc);
      std::set<std::string> seen;
      for (const auto& kv : node) {
        SourceLocation key_loc = LocOf(kv.first.Mark(), file);
        if (!kv.first.IsScalar()) {
          diagnostics.Error(key_loc, "map keys must be plain names, not a list or map");
          continue;
        }
        const std::string& key = kv.first.Scalar();
        if (!seen.insert(key).second) {
          diagnostics.Error(key_loc, "duplicate key '" + key + "'");
          continue;
        }
        map.entries().push_back(Value::Entry{key, key_loc, Convert(kv.second, file, diagnostics)});
      }
      return map;
    }
  }
  return Value::Null(loc);
}

}  // namespace

std::optional<Value> ParseYaml(const std::string& text, const std::string& file,
                               Diagnostics& diagnostics) {
  diagnostics.AddSource(file, text);
  try {
    YAML::Node root = YAML::Load(text);
    size_t before = diagnostics.size();
    Value value = Convert(root, file, diagnostics);
    if (diagnostics.size() != before) return std::nullopt;
    return value;
  } catch (const YAML::Exception& e) {
    diagnostics.Error(LocOf(e.mark, file), "invalid YAML: " + e.msg);
    return std::nullopt;
  }
}

std::optional<Value> LoadYamlFile(const std::string& path, Diagnostics& diagnostics) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    diagnostics.Error(SourceLocation{path, 0, 0}, "cannot read pipeline file (does it exist?)");
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return ParseYaml(text.str(), path, diagnostics);
}

}  // namespace xstilts
