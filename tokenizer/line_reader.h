// LineReader: reads a text file line by line, for feeding EncodeStream from files larger than
// memory. A line is what lies between '\n's; the '\n' and a '\r' right before it are dropped. A
// last line without '\n' is still a line; an empty file has no lines.
//
// Not thread-safe (EncodeStream calls its reader on one thread at a time). Errors: Open fails
// with kNotFound/kIo naming the file; a read error ends the lines and is kept in status().
#pragma once

#include <cstdio>
#include <memory>
#include <string>

#include "base/status.h"

namespace xstilts {

class LineReader {
 public:
  // "-" reads standard input.
  static Result<LineReader> Open(const std::string& path);

  // Stores the next line in *line and returns true, or returns false at the end (or on error).
  bool Next(std::string* line);
  Status status() const { return status_; }
  // Line number of the last line returned (1-based).
  uint64_t line_number() const { return line_number_; }

 private:
  struct Closer {
    void operator()(std::FILE* f) const;
  };
  LineReader() = default;
  std::string path_;
  std::unique_ptr<std::FILE, Closer> file_;
  std::unique_ptr<char, void (*)(void*)> buffer_{nullptr, &std::free};
  size_t capacity_ = 0;
  uint64_t line_number_ = 0;
  Status status_;
};

}  // namespace xstilts
