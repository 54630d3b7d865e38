// Status and Result<T>: how xstilts code reports an expected failure without exceptions.
//
// A Status is either ok or carries an ErrorKind and a message a person can read. Functions that
// touch the file system, the cache or other processes return Status / Result<T>; code that parses
// user data throws InputError (base/input_error.h) and the node wrapper turns it into a Status.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace xstilts {

enum class ErrorKind {
  kInvalidInput,  // the user's pipeline, data or arguments are wrong (exit code 2)
  kIo,            // the file system failed (disk full, permission, ...)
  kCorrupt,       // stored data failed its checksum or does not parse
  kNotFound,      // a file, cache entry or name does not exist
  kCancelled,     // interrupted by the user (Ctrl-C) or by a failing sibling
  kFailed,        // a node's own work failed (non-zero exit, training diverged, ...)
  kInternal,      // a bug in xstilts
};

const char* ErrorKindName(ErrorKind kind);

class [[nodiscard]] Status {
 public:
  Status() = default;  // ok
  static Status Ok() { return Status(); }
  static Status Error(ErrorKind kind, std::string message) { return Status(kind, std::move(message)); }

  bool ok() const { return !kind_.has_value(); }
  ErrorKind kind() const { return *kind_; }  // only when !ok()
  const std::string& message() const { return message_; }

  // Returns a copy whose message starts with `context: `.
  Status WithContext(const std::string& context) const;

 private:
  Status(ErrorKind kind, std::string message) : kind_(kind), message_(std::move(message)) {}
  std::optional<ErrorKind> kind_;
  std::string message_;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}           // NOLINT: implicit on purpose
  Result(Status status) : value_(std::move(status)) {}    // NOLINT: must not be ok

  bool ok() const { return std::holds_alternative<T>(value_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(value_);
  }
  T& value() & { return std::get<T>(value_); }
  const T& value() const& { return std::get<T>(value_); }
  T&& value() && { return std::get<T>(std::move(value_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() { return value(); }

 private:
  std::variant<T, Status> value_;
};

}  // namespace xstilts

// Returns early from the enclosing function if `expr` (a Status) is not ok.
#define XSTILTS_RETURN_IF_ERROR(expr)            \
  do {                                           \
    ::xstilts::Status xstilts_status_ = (expr);  \
    if (!xstilts_status_.ok()) return xstilts_status_; \
  } while (0)
