// Value: a YAML document as a tree in which every node keeps its file:line:col.
//
// Pipeline files are read into Values first (graph/yaml_loader.h); expansion and validation work
// on Values so that every later error can point at the spot in the file that caused it.
// Scalars stay text until a parameter's declared type gives them meaning (graph/params.h).
//
// Copies share their lists and maps until one of them is changed (copy on write), so that a YAML
// alias (a copy of its anchor) costs no memory however often it is repeated. Values are built and
// changed by one thread at a time; const access from several threads is safe.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace xstilts {

struct SourceLocation {
  std::string file;  // as the user named it; "<command line>" for --set values
  int line = 0;      // 1-based; 0 = unknown
  int column = 0;    // 1-based
  std::string ToString() const;  // "file:line:col"
};

class Value {
 public:
  enum class Kind { kNull, kScalar, kList, kMap };
  struct Entry;

  Value() = default;
  static Value Scalar(std::string text, bool quoted, SourceLocation loc);
  static Value List(SourceLocation loc);
  static Value Map(SourceLocation loc);
  static Value Null(SourceLocation loc);

  Kind kind() const { return kind_; }
  bool is_null() const { return kind_ == Kind::kNull; }
  bool is_scalar() const { return kind_ == Kind::kScalar; }
  bool is_list() const { return kind_ == Kind::kList; }
  bool is_map() const { return kind_ == Kind::kMap; }
  const SourceLocation& loc() const { return loc_; }
  // Gives this value and everything inside it the location `loc`.
  void Relocate(const SourceLocation& loc);

  // Scalars. `quoted` is true for '...' and "..." scalars, which are always strings.
  const std::string& text() const { return text_; }
  bool quoted() const { return quoted_; }
  void set_text(std::string text) { text_ = std::move(text); }

  // Lists. The non-const accessors first give this value its own copy of shared children.
  std::vector<Value>& items();
  const std::vector<Value>& items() const;

  // Maps keep the file's order.
  std::vector<Entry>& entries();
  const std::vector<Entry>& entries() const;
  // True when this value's list or map is the one `other` holds (a copy not changed since).
  bool SharesChildrenWith(const Value& other) const {
    return children_ != nullptr && children_ == other.children_;
  }
  const Value* Find(const std::string& key) const;
  Value* Find(const std::string& key);
  const Entry* FindEntry(const std::string& key) const;
  void Set(const std::string& key, Value value, SourceLocation key_loc);

  // A JSON rendering with YAML's plain-scalar rules (numbers, true/false, null); used where no
  // declared type applies (exec env, free-form maps) and for printing.
  nlohmann::json ToJson() const;
  // What kind of thing this is, for messages: "a list", "a map", "'abc'".
  std::string Describe() const;

 private:
  Kind kind_ = Kind::kNull;
  std::string text_;
  bool quoted_ = false;
  struct Children;
  Children& Own();
  std::shared_ptr<Children> children_;  // lists and maps; null when empty
  SourceLocation loc_;
};

struct Value::Entry {
  std::string key;
  SourceLocation key_loc;
  Value value;
};

struct Value::Children {
  std::vector<Value> items;
  std::vector<Entry> entries;
};

// Interprets a plain YAML scalar as JSON: integers, floats (incl. .inf/.nan), booleans, null, or
// else a string.
nlohmann::json PlainScalarToJson(const std::string& text);

}  // namespace xstilts
