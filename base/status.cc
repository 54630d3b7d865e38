#include "base/status.h"

namespace xstilts {

const char* ErrorKindName(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kInvalidInput: return "invalid input";
    case ErrorKind::kIo: return "i/o error";
    case ErrorKind::kCorrupt: return "corrupt data";
    case ErrorKind::kNotFound: return "not found";
    case ErrorKind::kCancelled: return "cancelled";
    case ErrorKind::kFailed: return "failed";
    case ErrorKind::kInternal: return "internal error";
  }
  return "error";
}

Status Status::WithContext(const std::string& context) const {
  if (ok()) return *this;
  return Status(*kind_, context + ": " + message_);
}

}  // namespace xstilts
