#include "data/readers/json_access.h"

#include <fmt/format.h>

#include "base/input_error.h"
#include "data/readers/text_file.h"

namespace xstilts {

namespace {

// nlohmann's what() starts with "[json.exception.parse_error.101] parse error at line 1,
// column 5: "; keep only the part after that, since we print our own position.
std::string ParserDetail(const nlohmann::json::parse_error& e) {
  std::string what = e.what();
  const size_t colon = what.find(": ", what.find("parse error"));
  return colon == std::string::npos ? what : what.substr(colon + 2);
}

}  // namespace

nlohmann::json ParseJson(std::string_view text, const std::string& path, long first_line) {
  try {
    return nlohmann::json::parse(text.begin(), text.end());
  } catch (const nlohmann::json::parse_error& e) {
    // e.byte is 1-based and points just past the offending character.
    const size_t end = std::min<size_t>(e.byte == 0 ? 0 : e.byte - 1, text.size());
    long line = first_line;
    size_t line_start = 0;
    for (size_t i = 0; i < end; ++i) {
      if (text[i] == '\n') {
        ++line;
        line_start = i + 1;
      }
    }
    throw InputError(path, line,
                     fmt::format("expected JSON, got a syntax error at column {}: {}",
                                 end - line_start + 1, ParserDetail(e)));
  }
}

nlohmann::json LoadJsonFile(const std::filesystem::path& path) {
  return ParseJson(LoadTextFile(path), path.string());
}

std::string DescribeJsonType(const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::null: return "null";
    case nlohmann::json::value_t::object: return "an object";
    case nlohmann::json::value_t::array: return "an array";
    case nlohmann::json::value_t::string: return "a string";
    case nlohmann::json::value_t::boolean: return "a boolean";
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned: return "an integer";
    case nlohmann::json::value_t::number_float: return "a number";
    default: return "an unsupported value";
  }
}

std::string JsonPath(const std::string& parent, std::string_view key) {
  return fmt::format("{}.{}", parent, key);
}

std::string JsonPath(const std::string& parent, size_t index) {
  return fmt::format("{}[{}]", parent, index);
}

std::string JsonAccess::Format(const std::string& json_path, const std::string& message) const {
  return fmt::format("{}: {}: {}", location_, json_path, message);
}

void JsonAccess::Fail(const std::string& json_path, const std::string& message) const {
  throw InputError(Format(json_path, message));
}

void JsonAccess::ExpectObject(const nlohmann::json& object, const std::string& json_path) const {
  if (!object.is_object()) Fail(json_path, "expected an object, got " + DescribeJsonType(object));
}

const nlohmann::json* JsonAccess::OptionalMember(const nlohmann::json& object, std::string_view key,
                                                 const std::string& json_path) const {
  ExpectObject(object, json_path);
  auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

const nlohmann::json& JsonAccess::Member(const nlohmann::json& object, std::string_view key,
                                         const std::string& json_path) const {
  const nlohmann::json* value = OptionalMember(object, key, json_path);
  if (value == nullptr) Fail(json_path, fmt::format("expected a member \"{}\", got none", key));
  return *value;
}

const nlohmann::json& JsonAccess::Array(const nlohmann::json& object, std::string_view key,
                                        const std::string& json_path) const {
  const nlohmann::json& value = Member(object, key, json_path);
  if (!value.is_array()) Fail(JsonPath(json_path, key), "expected an array, got " + DescribeJsonType(value));
  return value;
}

std::string JsonAccess::String(const nlohmann::json& object, std::string_view key,
                               const std::string& json_path) const {
  const nlohmann::json& value = Member(object, key, json_path);
  if (!value.is_string()) Fail(JsonPath(json_path, key), "expected a string, got " + DescribeJsonType(value));
  return value.get<std::string>();
}

std::string JsonAccess::Id(const nlohmann::json& object, std::string_view key,
                           const std::string& json_path) const {
  const nlohmann::json& value = Member(object, key, json_path);
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number_integer()) return value.dump();
  Fail(JsonPath(json_path, key), "expected a string or an integer, got " + DescribeJsonType(value));
}

int64_t JsonAccess::Integer(const nlohmann::json& object, std::string_view key,
                            const std::string& json_path) const {
  const nlohmann::json& value = Member(object, key, json_path);
  if (!value.is_number_integer()) Fail(JsonPath(json_path, key), "expected an integer, got " + DescribeJsonType(value));
  return value.get<int64_t>();
}

bool JsonAccess::Boolean(const nlohmann::json& object, std::string_view key,
                         const std::string& json_path) const {
  const nlohmann::json& value = Member(object, key, json_path);
  if (!value.is_boolean()) Fail(JsonPath(json_path, key), "expected a boolean, got " + DescribeJsonType(value));
  return value.get<bool>();
}

}  // namespace xstilts
