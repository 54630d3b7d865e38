#include "tokenizer/bpe_files.h"

#include <algorithm>
#include <cctype>

#include "base/input_error.h"
#include "base/unicode.h"

namespace xstilts {
namespace {

constexpr size_t kMaxProblems = 20;

[[noreturn]] void ThrowProblems(const std::vector<std::string>& problems, size_t total) {
  std::string message;
  for (const std::string& p : problems) message += (message.empty() ? "" : "\n") + p;
  if (total > problems.size()) message += "\n(" + std::to_string(total - problems.size()) + " more problems)";
  throw InputError(message);
}

std::string Where(const std::string& name, int64_t line) { return name + ":" + std::to_string(line) + ": "; }

// A reader of the one shape vocab.json has: an object of string keys and integer values. A full
// JSON parser would not say on which line a value is wrong.
class VocabReader {
 public:
  VocabReader(std::string_view bytes, const std::string& name) : s_(bytes), name_(name) {
    if (s_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;  // a UTF-8 byte order mark
  }

  std::vector<VocabEntry> Read() {
    std::vector<VocabEntry> entries;
    SkipSpace();
    Expect('{', "expected '{' to start the JSON object of token -> id");
    SkipSpace();
    if (Peek() == '}') {
      ++pos_;
    } else {
      for (;;) {
        SkipSpace();
        VocabEntry entry;
        entry.line = line_;
        if (Peek() != '"') Fail("expected a token in double quotes");
        entry.token = String();
        SkipSpace();
        Expect(':', "expected ':' after the token");
        SkipSpace();
        entry.id = Id(entry.token);
        entries.push_back(std::move(entry));
        SkipSpace();
        if (Peek() == ',') {
          ++pos_;
          continue;
        }
        Expect('}', "expected ',' or '}' after the id");
        break;
      }
    }
    SkipSpace();
    if (pos_ != s_.size()) Fail("unexpected text after the JSON object");
    return entries;
  }

 private:
  [[noreturn]] void Fail(const std::string& what) const { throw InputError(name_, line_, what); }

  int Peek() const { return pos_ < s_.size() ? static_cast<unsigned char>(s_[pos_]) : -1; }

  void Expect(char c, const char* what) {
    if (Peek() != c) Fail(what);
    ++pos_;
  }

  void SkipSpace() {
    while (pos_ < s_.size()) {
      const char c = s_[pos_];
      if (c == '\n') {
        ++line_;
      } else if (c != ' ' && c != '\t' && c != '\r') {
        return;
      }
      ++pos_;
    }
  }

  unsigned Hex4() {
    if (pos_ + 4 > s_.size()) Fail("expected four hex digits after \\u");
    unsigned value = 0;
    for (int k = 0; k < 4; ++k) {
      const char c = s_[pos_++];
      value <<= 4;
      if (c >= '0' && c <= '9') value |= static_cast<unsigned>(c - '0');
      else if (c >= 'a' && c <= 'f') value |= static_cast<unsigned>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F') value |= static_cast<unsigned>(c - 'A' + 10);
      else Fail("expected four hex digits after \\u");
    }
    return value;
  }

  std::string String() {
    ++pos_;  // the opening quote
    std::string out;
    for (;;) {
      if (pos_ >= s_.size()) Fail("the token's string is not closed");
      const char c = s_[pos_++];
      if (c == '"') return out;
      if (c == '\n') Fail("a line break inside a token (write it as \\n)");
      if (static_cast<unsigned char>(c) < 0x20) Fail("a control character inside a token (escape it)");
      if (c != '\\') {
        out.push_back(c);
        continue;
      }
      if (pos_ >= s_.size()) Fail("the token's string is not closed");
      const char e = s_[pos_++];
      switch (e) {
        case '"': out.push_back('"'); break;
        case '\\': out.push_back('\\'); break;
        case '/': out.push_back('/'); break;
        case 'b': out.push_back('\b'); break;
        case 'f': out.push_back('\f'); break;
        case 'n': out.push_back('\n'); break;
        case 'r': out.push_back('\r'); break;
        case 't': out.push_back('\t'); break;
        case 'u': {
          char32_t c32 = Hex4();
          if (c32 >= 0xD800 && c32 <= 0xDBFF) {
            if (s_.substr(pos_, 2) != "\\u") Fail("a high surrogate \\u escape without its low surrogate");
            pos_ += 2;
            const unsigned low = Hex4();
            if (low < 0xDC00 || low > 0xDFFF) Fail("a high surrogate \\u escape without its low surrogate");
            c32 = 0x10000 + ((c32 - 0xD800) << 10) + (low - 0xDC00);
          } else if (c32 >= 0xDC00 && c32 <= 0xDFFF) {
            Fail("a low surrogate \\u escape without its high surrogate");
          }
          unicode::AppendUtf8(c32, out);
          break;
        }
        default:
          Fail(std::string("unknown escape \\") + e);
      }
    }
  }

  int32_t Id(const std::string& token) {
    const size_t start = pos_;
    const auto number_like = [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '+' || c == '.';
    };
    while (pos_ < s_.size() && number_like(s_[pos_])) ++pos_;
    const std::string written(s_.substr(start, pos_ - start));
    const bool digits = !written.empty() && written.size() <= 10 &&
                        std::all_of(written.begin(), written.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!digits || std::stoll(written) > 0x7FFFFFFE) {
      std::string got = written;
      if (got.empty()) got = Peek() == '"' ? "a string" : Peek() < 0 ? "the end of the file" : "'" + std::string(1, s_[pos_]) + "'";
      Fail("the id of token '" + token + "' must be an integer from 0 to 2147483646, got " + got);
    }
    return static_cast<int32_t>(std::stoll(written));
  }

  std::string_view s_;
  const std::string& name_;
  size_t pos_ = 0;
  int64_t line_ = 1;
};

}  // namespace

std::vector<VocabEntry> ParseVocabJson(std::string_view bytes, const std::string& name) {
  return VocabReader(bytes, name).Read();
}

std::vector<MergeRule> ParseMerges(std::string_view bytes, const std::string& name) {
  std::vector<MergeRule> merges;
  std::vector<std::string> problems;
  size_t total_problems = 0;
  int64_t line_number = 0;
  for (size_t pos = 0; pos < bytes.size();) {
    size_t eol = bytes.find('\n', pos);
    if (eol == std::string_view::npos) eol = bytes.size();
    std::string_view line = bytes.substr(pos, eol - pos);
    pos = eol + 1;
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    if (line_number == 1 && line.substr(0, 8) == "#version") continue;
    const size_t space = line.find(' ');
    const bool well_formed = space != std::string_view::npos && space > 0 && space + 1 < line.size() &&
                             line.find(' ', space + 1) == std::string_view::npos;
    if (!well_formed) {
      if (++total_problems <= kMaxProblems) {
        problems.push_back(Where(name, line_number) + "expected two symbols separated by one space, got '" +
                           std::string(line) + "'");
      }
      continue;
    }
    merges.push_back(MergeRule{std::string(line.substr(0, space)), std::string(line.substr(space + 1)), line_number});
  }
  if (!problems.empty()) ThrowProblems(problems, total_problems);
  return merges;
}

}  // namespace xstilts
