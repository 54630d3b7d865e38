// Reading dataset files as text: loading with UTF-8 validation, splitting into lines or into
// delimited (TSV / CSV) records, and collecting problems so that a reader reports many at once.
//
// Every function here is pure apart from LoadTextFile's file read; all are thread-safe.
// Errors are thrown as InputError (base/input_error.h) with `path:line: expected ..., got ...`.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace xstilts {

// Reads the whole file. Drops a leading UTF-8 byte-order mark. Throws InputError when the file
// cannot be read (`path: cannot read: No such file or directory`), is not UTF-8
// (`path:7: expected UTF-8 text, got byte 0xff at column 12`), or holds a NUL byte or a
// byte-order mark at the start of a later line (files concatenated).
std::string LoadTextFile(const std::filesystem::path& path);

// Throws the same errors as LoadTextFile for text already in memory.
void CheckUtf8(std::string_view text, const std::string& path);

struct TextLine {
  long number = 0;        // 1-based
  std::string_view text;  // without the line end; a CR before the LF is dropped (CRLF files)
};

// Splits on LF. A final line end does not start another line; a file without one still has its
// last line. The views point into `text`, which must outlive them.
std::vector<TextLine> SplitLines(std::string_view text);

// Splits `line` on `delimiter` (every occurrence; no quoting).
std::vector<std::string_view> SplitFields(std::string_view line, char delimiter);

// Collects problems found in one file and throws them together. Keeps the first `max_reported`
// messages and counts the rest.
class ProblemList {
 public:
  explicit ProblemList(std::string path, size_t max_reported = 20)
      : path_(std::move(path)), max_reported_(max_reported) {}

  // `line` is 1-based; 0 means the problem is about the whole file (or carries a JSON path).
  void Add(long line, const std::string& message);
  // Adds a message that already names its place (an InputError's what()); `line` only orders it.
  void AddFormatted(long line, const std::string& message);
  bool empty() const { return count_ == 0; }
  size_t count() const { return count_; }
  const std::string& path() const { return path_; }

  // Throws InputError whose message has one `path:line: message` per problem, ordered by line
  // (whole-file and JSON-path problems first, in the order added), then `path: N more problems
  // not shown` when some were dropped. Does nothing if empty.
  void ThrowIfAny() const;

 private:
  std::string path_;
  size_t max_reported_;
  size_t count_ = 0;
  std::vector<std::pair<long, std::string>> messages_;  // (line, full message)
};

// How fields are delimited within a record.
enum class Quoting {
  // Every delimiter separates fields; every LF ends a record; quote characters are text.
  // This is how GLUE, raw XNLI / PAWS-X and XTREME's own readers (csv quotechar=None) read TSV.
  kNone,
  // RFC 4180 / Python csv.writer: a field that starts with `"` is quoted, `""` inside it is one
  // `"`, and it may hold delimiters and line ends. A `"` inside an unquoted field is text.
  kCsv,
};

struct Record {
  long line = 0;                    // 1-based line where the record starts
  std::vector<std::string> fields;  // empty for a blank line
};

// Splits `text` into records. Line ends are LF or CRLF (a CR right before the LF is dropped).
// Problems (unterminated quote, text after a closing quote) go to `problems`; splitting stops at
// an unterminated quote.
std::vector<Record> SplitRecords(std::string_view text, char delimiter, Quoting quoting,
                                 ProblemList& problems);

// `"text"` shortened to `max_chars` code points with `...`, for error messages.
std::string Quoted(std::string_view text, size_t max_chars = 40);

}  // namespace xstilts
