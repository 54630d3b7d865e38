// Typed access to parsed JSON with error messages that name the file, line and JSON path:
// `path: $.data[3].paragraphs[0].qas[1].question: expected a string, got null` for a JSON file,
// `path:12: $.label: expected an integer, got a string` for one line of a JSONL file.
// Thread-safe (no shared state).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace xstilts {

// Parses `text`, which starts at line `first_line` of file `path`, as one JSON document.
// Throws InputError `path:L: expected JSON, got a syntax error at column C: <parser message>`.
nlohmann::json ParseJson(std::string_view text, const std::string& path, long first_line = 1);

// Loads a whole JSON file (UTF-8, see LoadTextFile) and parses it.
nlohmann::json LoadJsonFile(const std::filesystem::path& path);

// "a string", "an integer", "null", ... for messages.
std::string DescribeJsonType(const nlohmann::json& value);

// Accessors bound to a location prefix (`path` or `path:12`); every failure throws InputError
// `<location>: <json path>: expected ..., got ...`.
class JsonAccess {
 public:
  explicit JsonAccess(std::string location) : location_(std::move(location)) {}

  const nlohmann::json& Member(const nlohmann::json& object, std::string_view key,
                               const std::string& json_path) const;
  // nullptr when the member is missing (or `object` is not an object: that is reported).
  const nlohmann::json* OptionalMember(const nlohmann::json& object, std::string_view key,
                                       const std::string& json_path) const;
  const nlohmann::json& Array(const nlohmann::json& object, std::string_view key,
                              const std::string& json_path) const;
  std::string String(const nlohmann::json& object, std::string_view key,
                     const std::string& json_path) const;
  // A string, or an integer written as its decimal digits (ids are either in the wild).
  std::string Id(const nlohmann::json& object, std::string_view key,
                 const std::string& json_path) const;
  int64_t Integer(const nlohmann::json& object, std::string_view key,
                  const std::string& json_path) const;
  bool Boolean(const nlohmann::json& object, std::string_view key,
               const std::string& json_path) const;

  // Throws `<location>: <json_path>: <message>`.
  [[noreturn]] void Fail(const std::string& json_path, const std::string& message) const;
  // `<location>: <json_path>: <message>` without throwing, for ProblemList.
  std::string Format(const std::string& json_path, const std::string& message) const;

 private:
  void ExpectObject(const nlohmann::json& object, const std::string& json_path) const;
  std::string location_;
};

// `parent.key` and `parent[index]`.
std::string JsonPath(const std::string& parent, std::string_view key);
std::string JsonPath(const std::string& parent, size_t index);

}  // namespace xstilts
