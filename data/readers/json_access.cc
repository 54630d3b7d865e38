#include "data/readers/json_access.h"

#include <fmt/format.h>

#include "base/input_error.h"
#include "data/readers/text_file.h"

namespace xstilts {

namespace {

// Where the number that the SAX parser cannot represent starts (1-based byte, just past its first
// character, as parse_error::byte counts); 0 if it does not stop on one.
size_t NumberOverflowByte(std::string_view text) {
  struct Locator : nlohmann::json_sax<nlohmann::json> {
    size_t byte = 0;
    bool null() override { return true; }
    bool boolean(bool) override { return true; }
    bool number_integer(number_integer_t) override { return true; }
    bool number_unsigned(number_unsigned_t) override { return true; }
    bool number_float(number_float_t, const string_t&) override { return true; }
    bool string(string_t&) override { return true; }
    bool binary(binary_t&) override { return true; }
    bool start_object(std::size_t) override { return true; }
    bool key(string_t&) override { return true; }
    bool end_object() override { return true; }
    bool start_array(std::size_t) override { return true; }
    bool end_array() override { return true; }
    bool parse_error(std::size_t position, const std::string& token, const nlohmann::detail::exception&) override {
      byte = position >= token.size() ? position - token.size() + 1 : position;  // position: just past the number
      return false;
    }
  } locator;
  nlohmann::json::sax_parse(text.begin(), text.end(), &locator);
  return locator.byte;
}

}  // namespace

nlohmann::json ParseJson(std::string_view text, const std::string& path, long first_line) {
  size_t byte = 0;  // 1-based, just past the offending character
  std::string problem, detail;
  try {
    return nlohmann::json::parse(text.begin(), text.end());
  } catch (const nlohmann::json::parse_error& e) {
    byte = e.byte;
    problem = "a syntax error";
    // what() starts with "[json.exception.parse_error.101] parse error at line 1, column 5: ";
    // keep only the part after that, since the position is ours.
    const std::string what = e.what();
    const size_t colon = what.find(": ", what.find("parse error"));
    detail = ": " + (colon == std::string::npos ? what : what.substr(colon + 2));
  } catch (const nlohmann::json::exception& e) {
    // A number too large for a double (1e400): the DOM parser throws without a position, so the
    // SAX parser finds where it is.
    byte = NumberOverflowByte(text);
    problem = "a number too large to represent";
  }
  const size_t end = std::min<size_t>(byte == 0 ? 0 : byte - 1, text.size());
  long line = first_line;
  size_t line_start = 0;
  for (size_t i = 0; i < end; ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  throw InputError(path, line,
                   fmt::format("expected JSON, got {} at column {}{}", problem, end - line_start + 1, detail));
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
