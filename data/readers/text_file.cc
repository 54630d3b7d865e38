#include "data/readers/text_file.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "base/expected_content.h"
#include "base/input_error.h"
#include "base/utf8.h"

namespace xstilts {

std::string LoadTextFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path.string(), 0, fmt::format("cannot read: {}", std::strerror(errno)));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) throw InputError(path.string(), 0, "cannot read: I/O error");
  std::string text = std::move(buffer).str();
  CheckExpectedContent(path, text);
  if (text.compare(0, 3, "\xEF\xBB\xBF") == 0) text.erase(0, 3);
  CheckUtf8(text, path.string());
  return text;
}

namespace {

// Throws InputError naming the line and the column (in bytes) of text[offset]: "what at column N hint".
[[noreturn]] void ThrowAt(std::string_view text, size_t offset, const std::string& path, const std::string& what,
                          const std::string& hint = "") {
  size_t line_start = 0;
  long line = 1;
  for (size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  throw InputError(path, line, fmt::format("{} at column {}{}", what, offset - line_start + 1, hint));
}

}  // namespace

void CheckUtf8(std::string_view text, const std::string& path) {
  const size_t bad = FindInvalidUtf8(text);
  if (bad != std::string_view::npos) {
    ThrowAt(text, bad, path, fmt::format("expected UTF-8 text, got byte 0x{:02x}", static_cast<unsigned char>(text[bad])));
  }
  // Valid UTF-8 that no dataset text holds: a NUL ends the string in HDF5 and C code, and a
  // byte-order mark that starts a later line is two files concatenated. (Inside a line U+FEFF is
  // a zero-width no-break space, which real text has: XNLI's Hindi dev set, line 2296.)
  if (const size_t nul = text.find('\0'); nul != std::string_view::npos) {
    ThrowAt(text, nul, path, "expected text, got a NUL byte");
  }
  if (const size_t bom = text.find("\n\xEF\xBB\xBF"); bom != std::string_view::npos) {
    ThrowAt(text, bom + 1, path, "expected text, got a byte-order mark (U+FEFF)",
            " (at the start of a line: were files concatenated?)");
  }
}

std::vector<TextLine> SplitLines(std::string_view text) {
  std::vector<TextLine> lines;
  long number = 0;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    const size_t next = end == std::string_view::npos ? text.size() : end + 1;
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back({++number, line});
    start = next;
  }
  return lines;
}

std::vector<std::string_view> SplitFields(std::string_view line, char delimiter) {
  std::vector<std::string_view> fields;
  size_t start = 0;
  while (true) {
    const size_t end = line.find(delimiter, start);
    if (end == std::string_view::npos) {
      fields.push_back(line.substr(start));
      return fields;
    }
    fields.push_back(line.substr(start, end - start));
    start = end + 1;
  }
}

void ProblemList::Add(long line, const std::string& message) {
  ++count_;
  if (messages_.size() >= max_reported_) return;
  messages_.emplace_back(line, line > 0 ? fmt::format("{}:{}: {}", path_, line, message)
                                         : fmt::format("{}: {}", path_, message));
}

void ProblemList::AddFormatted(long line, const std::string& message) {
  ++count_;
  if (messages_.size() < max_reported_) messages_.emplace_back(line, message);
}

void ProblemList::ThrowIfAny() const {
  if (count_ == 0) return;
  std::vector<std::pair<long, std::string>> sorted = messages_;
  std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string all;
  for (const auto& [line, m] : sorted) {
    if (!all.empty()) all += '\n';
    all += m;
  }
  if (count_ > messages_.size()) {
    all += fmt::format("\n{}: {} more problems not shown", path_, count_ - messages_.size());
  }
  throw InputError(all);
}

namespace {

std::string DescribeChar(char c) {
  if (c == '\t') return "a tab";
  if (c == '\r' || c == '\n') return "a line end";
  return fmt::format("'{}'", c);
}

}  // namespace

std::vector<Record> SplitRecords(std::string_view text, char delimiter, Quoting quoting,
                                 ProblemList& problems) {
  std::vector<Record> records;
  if (quoting == Quoting::kNone) {
    for (const TextLine& line : SplitLines(text)) {
      Record record{line.number, {}};
      if (!line.text.empty()) {
        for (std::string_view f : SplitFields(line.text, delimiter)) record.fields.emplace_back(f);
      }
      records.push_back(std::move(record));
    }
    return records;
  }

  // kCsv: a small state machine over the whole text, since quoted fields may span lines.
  size_t i = 0;
  long line = 1;
  const size_t n = text.size();
  const auto at_record_end = [&](size_t k) {
    return k >= n || text[k] == '\n' || (text[k] == '\r' && (k + 1 >= n || text[k + 1] == '\n'));
  };
  const auto skip_record_end = [&](size_t k) {
    if (k < n && text[k] == '\r') ++k;
    if (k < n && text[k] == '\n') {
      ++k;
      ++line;
    }
    return k;
  };
  while (i < n) {
    Record record{line, {}};
    if (at_record_end(i)) {  // blank line
      i = skip_record_end(i);
      records.push_back(std::move(record));
      continue;
    }
    bool record_done = false;
    bool broken = false;
    while (!record_done) {
      std::string field;
      if (i < n && text[i] == '"') {
        const long open_line = line;
        ++i;
        bool closed = false;
        while (i < n) {
          if (text[i] == '"') {
            if (i + 1 < n && text[i + 1] == '"') {
              field += '"';
              i += 2;
              continue;
            }
            ++i;
            closed = true;
            break;
          }
          if (text[i] == '\n') ++line;
          field += text[i++];
        }
        if (!closed) {
          problems.Add(open_line, "expected a closing quote for the field that starts here, got the end of the file");
          return records;
        }
        if (!at_record_end(i) && text[i] != delimiter) {
          problems.Add(line, fmt::format("expected {} or the end of the line after a closing quote, got {}",
                                         delimiter == '\t' ? "a tab" : fmt::format("'{}'", delimiter),
                                         DescribeChar(text[i])));
          broken = true;
          while (!at_record_end(i)) ++i;  // drop the rest of this record
        }
      } else {
        while (!at_record_end(i) && text[i] != delimiter) field += text[i++];
      }
      record.fields.push_back(std::move(field));
      if (at_record_end(i)) {
        i = skip_record_end(i);
        record_done = true;
      } else {
        ++i;  // the delimiter
      }
    }
    if (!broken) records.push_back(std::move(record));
  }
  return records;
}

std::string Quoted(std::string_view text, size_t max_chars) {
  if (static_cast<size_t>(CountCodePoints(text)) <= max_chars) return fmt::format("\"{}\"", text);
  return fmt::format("\"{}...\"", SubstrCodePoints(text, 0, static_cast<int64_t>(max_chars)));
}

}  // namespace xstilts
