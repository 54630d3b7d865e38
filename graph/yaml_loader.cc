#include "graph/yaml_loader.h"

#include <yaml-cpp/yaml.h>

#include <map>
#include <vector>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>
#include <sstream>

namespace xstilts {
namespace {

SourceLocation LocOf(const YAML::Mark& mark, const std::string& file) {
  if (mark.is_null()) return SourceLocation{file, 0, 0};
  return SourceLocation{file, mark.line + 1, mark.column + 1};
}

// Builds Values straight from the parser's events. Going through YAML::Load's node graph first
// cost about half the time of loading a large pipeline.
class ValueBuilder : public YAML::EventHandler {
 public:
  ValueBuilder(const std::string& file, Diagnostics& diagnostics) : file_(file), diagnostics_(diagnostics) {}

  std::optional<Value> TakeRoot() { return std::move(root_); }

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override { Add(Value::Null(LocOf(mark, file_)), anchor); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    auto it = anchors_.find(anchor);
    Add(it == anchors_.end() ? Value::Null(LocOf(mark, file_)) : it->second, YAML::NullAnchor);
  }
  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    // The parser tags quoted scalars "!" and plain ones "?".
    Add(Value::Scalar(value, tag == "!", LocOf(mark, file_)), anchor);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    stack_.push_back(Open{Value::List(LocOf(mark, file_)), anchor, {}});
  }
  void OnSequenceEnd() override { Close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    stack_.push_back(Open{Value::Map(LocOf(mark, file_)), anchor, {}});
  }
  void OnMapEnd() override { Close(); }

 private:
  struct Open {
    Value value;
    YAML::anchor_t anchor;
    std::optional<Value> pending_key;  // maps: the key waiting for its value
  };

  void Close() {
    Open open = std::move(stack_.back());
    stack_.pop_back();
    Add(std::move(open.value), open.anchor);
  }

  void Add(Value value, YAML::anchor_t anchor) {
    if (anchor != YAML::NullAnchor) anchors_[anchor] = value;
    if (stack_.empty()) {
      root_ = std::move(value);
      return;
    }
    Open& parent = stack_.back();
    if (parent.value.is_list()) {
      parent.value.items().push_back(std::move(value));
      return;
    }
    if (!parent.pending_key) {
      parent.pending_key = std::move(value);
      return;
    }
    Value key = std::move(*parent.pending_key);
    parent.pending_key.reset();
    if (!key.is_scalar()) {
      diagnostics_.Error(key.loc(), "map keys must be plain names, not a list or map");
      return;
    }
    if (parent.value.FindEntry(key.text()) != nullptr) {
      diagnostics_.Error(key.loc(), "duplicate key '" + key.text() + "'");
      return;
    }
    parent.value.entries().push_back(Value::Entry{key.text(), key.loc(), std::move(value)});
  }

  const std::string& file_;
  Diagnostics& diagnostics_;
  std::vector<Open> stack_;
  std::map<YAML::anchor_t, Value> anchors_;
  std::optional<Value> root_;
};

}  // namespace

std::optional<Value> ParseYaml(const std::string& text, const std::string& file,
                               Diagnostics& diagnostics) {
  diagnostics.AddSource(file, text);
  try {
    std::istringstream in(text);
    YAML::Parser parser(in);
    ValueBuilder builder(file, diagnostics);
    size_t before = diagnostics.size();
    parser.HandleNextDocument(builder);
    if (diagnostics.size() != before) return std::nullopt;
    std::optional<Value> root = builder.TakeRoot();
    return root ? std::move(root) : Value::Null(SourceLocation{file, 1, 1});
  } catch (const YAML::Exception& e) {
    diagnostics.Error(LocOf(e.mark, file), "invalid YAML: " + e.msg);
    return std::nullopt;
  }
}

}  // namespace xstilts
