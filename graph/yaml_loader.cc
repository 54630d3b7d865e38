#include "graph/yaml_loader.h"

#include <algorithm>
#include <map>
#include <regex>
#include <sstream>
#include <unordered_set>
#include <vector>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>
#include <yaml-cpp/yaml.h>

namespace xstilts {
namespace {

SourceLocation LocOf(const YAML::Mark& mark, const std::string& file) {
  if (mark.is_null()) return SourceLocation{file, 0, 0};
  return SourceLocation{file, mark.line + 1, mark.column + 1};
}

// Thrown by ValueBuilder when a document holds more than kMaxPipelineValues values.
struct TooLarge {
  YAML::Mark mark;
};

// Builds Values straight from the parser's events. Going through YAML::Load's node graph first
// cost about half the time of loading a large pipeline.
class ValueBuilder : public YAML::EventHandler {
 public:
  ValueBuilder(const std::string& file, Diagnostics& diagnostics) : file_(file), diagnostics_(diagnostics) {}

  std::optional<Value> TakeRoot() { return std::move(root_); }

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    Count(mark, 1);
    Add(Value::Null(LocOf(mark, file_)), anchor, 1);
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    auto it = anchors_.find(anchor);
    if (it == anchors_.end()) {
      Count(mark, 1);
      Add(Value::Null(LocOf(mark, file_)), YAML::NullAnchor, 1);
      return;
    }
    // An alias shares its anchor's values; it is counted as the copy that later passes walk, so
    // that a few hundred bytes of nested aliases (an "alias bomb") stop here.
    Count(mark, it->second.size);
    Add(it->second.value, YAML::NullAnchor, it->second.size);
  }
  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    Count(mark, 1);
    // The parser tags quoted scalars "!" and plain ones "?".
    Add(Value::Scalar(value, tag == "!", LocOf(mark, file_)), anchor, 1);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    Count(mark, 1);
    stack_.push_back(Open{Value::List(LocOf(mark, file_)), anchor, {}, values_ - 1, {}});
  }
  void OnSequenceEnd() override { Close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    Count(mark, 1);
    stack_.push_back(Open{Value::Map(LocOf(mark, file_)), anchor, {}, values_ - 1, {}});
  }
  void OnMapEnd() override { Close(); }

 private:
  struct Open {
    Value value;
    YAML::anchor_t anchor;
    std::optional<Value> pending_key;  // maps: the key waiting for its value
    size_t values_before = 0;          // values_ when it opened: its size is values_ - this
    // Maps: the keys so far, so that finding a duplicate costs the same for the 10,000th node as
    // for the first (a scan of the entries made loading a 10,000-node file quadratic).
    std::unordered_set<std::string> keys;
  };
  struct Anchored {
    Value value;
    size_t size = 0;  // values in it, nested ones included
  };

  // Adds `n` values to the document's count; past kMaxPipelineValues, stops the parse.
  void Count(const YAML::Mark& mark, size_t n) {
    values_ += n;
    if (values_ > kMaxPipelineValues) throw TooLarge{mark};
  }

  void Close() {
    Open open = std::move(stack_.back());
    stack_.pop_back();
    Add(std::move(open.value), open.anchor, values_ - open.values_before);
  }

  void Add(Value value, YAML::anchor_t anchor, size_t size) {
    if (anchor != YAML::NullAnchor) anchors_[anchor] = Anchored{value, size};
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
    if (!parent.keys.insert(key.text()).second) {
      diagnostics_.Error(key.loc(), "duplicate key '" + key.text() + "'");
      return;
    }
    parent.value.entries().push_back(Value::Entry{key.text(), key.loc(), std::move(value)});
  }

  const std::string& file_;
  Diagnostics& diagnostics_;
  std::vector<Open> stack_;
  std::map<YAML::anchor_t, Anchored> anchors_;
  size_t values_ = 0;
  std::optional<Value> root_;
};

// A `{` in an unquoted value starts a map inside a flow map (`{path: data/dev-{lang}.tsv}`): the
// likeliest cause of a syntax error in a pipeline, since paths use `{lang}`. Returns "; quote ..."
// naming such a value on line `line` (0-based) of `text` or the line before, else "".
std::string QuoteHint(const std::string& text, int line) {
  static const std::regex kBracedValue(R"([^\s,'"{}\[\]]*\{[A-Za-z_][A-Za-z0-9_]*\}[^\s,'"{}\[\]]*)");
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  for (int i = std::min<int>(line, static_cast<int>(lines.size()) - 1); i >= 0 && i >= line - 1; --i) {
    const std::string& l = lines[static_cast<size_t>(i)];
    for (auto it = std::sregex_iterator(l.begin(), l.end(), kBracedValue); it != std::sregex_iterator(); ++it) {
      const std::string value = it->str();
      const bool alone = value.front() == '{' && value.back() == '}';  // `{lang}` by itself is a map
      if (!alone) return "; inside { ... } a value with braces must be quoted: '" + value + "'";
    }
  }
  return "";
}

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
  } catch (const TooLarge& e) {
    diagnostics.Error(LocOf(e.mark, file),
                      "the file expands to more than " + std::to_string(kMaxPipelineValues) +
                          " values (YAML aliases that repeat other aliases?); a pipeline is far smaller");
    return std::nullopt;
  } catch (const YAML::Exception& e) {
    diagnostics.Error(LocOf(e.mark, file), "invalid YAML: " + e.msg + QuoteHint(text, e.mark.is_null() ? 0 : e.mark.line));
    return std::nullopt;
  }
}

}  // namespace xstilts
