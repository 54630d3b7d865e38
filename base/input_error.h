// InputError: thrown by code that parses user data (dataset files, prediction files, model files)
// when the data is malformed. Its message already names where: `path:line: what was expected`,
// or `path: $.data[3].qas[0]: ...` for JSON. Node wrappers and CLI commands catch it at the
// boundary and report it; nothing is written to the cache for a node that threw.
#pragma once

#include <stdexcept>
#include <string>

namespace xstilts {

class InputError : public std::runtime_error {
 public:
  explicit InputError(const std::string& message) : std::runtime_error(message) {}
  // `path:line: message` (line is 1-based; 0 means the whole file: `path: message`).
  InputError(const std::string& path, long line, const std::string& message)
      : std::runtime_error(line > 0 ? path + ":" + std::to_string(line) + ": " + message
                                    : path + ": " + message) {}
};

}  // namespace xstilts
