#include "tokenizer/line_reader.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace xstilts {

void LineReader::Closer::operator()(std::FILE* f) const {
  if (f != stdin) std::fclose(f);
}

Result<LineReader> LineReader::Open(const std::string& path) {
  LineReader reader;
  reader.path_ = path;
  std::FILE* f = path == "-" ? stdin : std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    const int error = errno;
    return Status::Error(error == ENOENT ? ErrorKind::kNotFound : ErrorKind::kIo,
                         path + ": cannot open: " + std::strerror(error));
  }
  reader.file_.reset(f);
  return reader;
}

bool LineReader::Next(std::string* line) {
  if (!file_) return false;
  char* buffer = buffer_.release();
  // getline grows the buffer as needed and scans with memchr: as fast as reading gets here.
  const ssize_t n = ::getline(&buffer, &capacity_, file_.get());
  buffer_.reset(buffer);
  if (n < 0) {
    if (std::ferror(file_.get())) {
      status_ = Status::Error(ErrorKind::kIo, path_ + ":" + std::to_string(line_number_ + 1) +
                                                  ": read error: " + std::strerror(errno));
    }
    file_.reset();
    return false;
  }
  size_t size = static_cast<size_t>(n);
  if (size > 0 && buffer[size - 1] == '\n') {
    --size;
    if (size > 0 && buffer[size - 1] == '\r') --size;
  }
  line->assign(buffer, size);
  ++line_number_;
  return true;
}

}  // namespace xstilts
