#include "graph/value.h"

#include <cmath>
#include <cstdlib>
#include <regex>

namespace xstilts {

std::string SourceLocation::ToString() const {
  if (line <= 0) return file;
  return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

Value Value::Scalar(std::string text, bool quoted, SourceLocation loc) {
  Value v;
  v.kind_ = Kind::kScalar;
  v.text_ = std::move(text);
  v.quoted_ = quoted;
  v.loc_ = std::move(loc);
  return v;
}

Value Value::List(SourceLocation loc) {
  Value v;
  v.kind_ = Kind::kList;
  v.loc_ = std::move(loc);
  return v;
}

Value Value::Map(SourceLocation loc) {
  Value v;
  v.kind_ = Kind::kMap;
  v.loc_ = std::move(loc);
  return v;
}

Value Value::Null(SourceLocation loc) {
  Value v;
  v.loc_ = std::move(loc);
  return v;
}

Value::Children& Value::Own() {
  if (children_ == nullptr) {
    children_ = std::make_shared<Children>();
  } else if (children_.use_count() > 1) {
    children_ = std::make_shared<Children>(*children_);  // one level: grandchildren stay shared
  }
  return *children_;
}

std::vector<Value>& Value::items() { return Own().items; }

std::vector<Value::Entry>& Value::entries() { return Own().entries; }

const std::vector<Value>& Value::items() const {
  static const std::vector<Value> kNone;
  return children_ ? children_->items : kNone;
}

const std::vector<Value::Entry>& Value::entries() const {
  static const std::vector<Entry> kNone;
  return children_ ? children_->entries : kNone;
}

void Value::Relocate(const SourceLocation& loc) {
  loc_ = loc;
  if (children_ == nullptr) return;
  for (Value& item : items()) item.Relocate(loc);
  for (Entry& e : entries()) {
    e.key_loc = loc;
    e.value.Relocate(loc);
  }
}

const Value::Entry* Value::FindEntry(const std::string& key) const {
  for (const Entry& e : entries()) {
    if (e.key == key) return &e;
  }
  return nullptr;
}

const Value* Value::Find(const std::string& key) const {
  const Entry* e = FindEntry(key);
  return e ? &e->value : nullptr;
}

Value* Value::Find(const std::string& key) {
  if (FindEntry(key) == nullptr) return nullptr;  // a lookup alone does not unshare
  for (Entry& e : entries()) {
    if (e.key == key) return &e.value;
  }
  return nullptr;
}

void Value::Set(const std::string& key, Value value, SourceLocation key_loc) {
  if (Value* existing = Find(key)) {
    *existing = std::move(value);
    return;
  }
  entries().push_back(Entry{key, std::move(key_loc), std::move(value)});
}

nlohmann::json PlainScalarToJson(const std::string& text) {
  static const std::regex kInt(R"([-+]?(0|[1-9][0-9]*))");
  static const std::regex kFloat(R"([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)");
  if (text == "true" || text == "True" || text == "TRUE") return true;
  if (text == "false" || text == "False" || text == "FALSE") return false;
  if (text == "null" || text == "~" || text == "Null" || text == "NULL" || text.empty()) return nullptr;
  if (std::regex_match(text, kInt)) {
    errno = 0;
    long long v = std::strtoll(text.c_str(), nullptr, 10);
    if (errno == 0) return v;
  }
  if (std::regex_match(text, kFloat)) return std::strtod(text.c_str(), nullptr);
  if (text == ".inf" || text == "+.inf") return HUGE_VAL;
  if (text == "-.inf") return -HUGE_VAL;
  return text;
}

nlohmann::json Value::ToJson() const {
  switch (kind_) {
    case Kind::kNull: return nullptr;
    case Kind::kScalar: return quoted_ ? nlohmann::json(text_) : PlainScalarToJson(text_);
    case Kind::kList: {
      nlohmann::json out = nlohmann::json::array();
      for (const Value& v : items()) out.push_back(v.ToJson());
      return out;
    }
    case Kind::kMap: {
      nlohmann::json out = nlohmann::json::object();
      for (const Entry& e : entries()) out[e.key] = e.value.ToJson();
      return out;
    }
  }
  return nullptr;
}

std::string Value::Describe() const {
  switch (kind_) {
    case Kind::kNull: return "nothing (null)";
    case Kind::kScalar: return "'" + text_ + "'";
    case Kind::kList: return "a list";
    case Kind::kMap: return "a map";
  }
  return "?";
}

}  // namespace xstilts
