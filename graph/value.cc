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

void Value::Relocate(const SourceLocation& loc) {
  loc_ = loc;
  for (Value& item : items_) item.Relocate(loc);
  for (Entry& e : entries_) {
    e.key_loc = loc;
    e.value.Relocate(loc);
  }
}

const Value::Entry* Value::FindEntry(const std::string& key) const {
  for (const Entry& e : entries_) {
    if (e.key == key) return &e;
  }
  return nullptr;
}

const Value* Value::Find(const std::string& key) const {
  const Entry* e = FindEntry(key);
  return e ? &e->value : nullptr;
}

Value* Value::Find(const std::string& key) {
  for (Entry& e : entries_) {
    if (e.key == key) return &e.value;
  }
  return nullptr;
}

void Value::Set(const std::string& key, Value value, SourceLocation key_loc) {
  if (Value* existing = Find(key)) {
    *existing = std::move(value);
    return;
  }
  entries_.push_back(Entry{key, std::move(key_loc), std::move(value)});
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
      for (const Value& v : items_) out.push_back(v.ToJson());
      return out;
    }
    case Kind::kMap: {
      nlohmann::json out = nlohmann::json::object();
      for (const Entry& e : entries_) out[e.key] = e.value.ToJson();
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
