#pragma once
// Errors are values: expected failures (bad input, not found, conflict, forbidden) travel as
// Result<T> carrying an Error with a code, a message and the offending field. The HTTP layer
// maps ErrorCode to a status in exactly one place (http/errors.cc).

#include <cstdint>
#include <string>
#include <utility>
#include <variant>

namespace kam {

enum class ErrorCode {
  kInvalid,          // 400 bad input; `field` names the offender
  kUnauthenticated,  // 401
  kForbidden,        // 403
  kNotFound,         // 404 (also for records outside the caller's scope)
  kConflict,         // 409 version mismatch, duplicate, transition not allowed
  kTooLarge,         // 413
  kTooManyRequests,  // 429
  kUnavailable,      // 503 store unreachable
  kInternal,         // 500
};

const char* error_code_name(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
  std::string field;
  int64_t retry_after = 0;  // seconds, for kTooManyRequests

  static Error invalid(std::string field, std::string message) {
    return {ErrorCode::kInvalid, std::move(message), std::move(field)};
  }
  static Error not_found(std::string what) {
    return {ErrorCode::kNotFound, std::move(what) + " not found", {}};
  }
  static Error conflict(std::string message, std::string field = {}) {
    return {ErrorCode::kConflict, std::move(message), std::move(field)};
  }
  static Error forbidden(std::string message) {
    return {ErrorCode::kForbidden, std::move(message), {}};
  }
  static Error internal(std::string message) {
    return {ErrorCode::kInternal, std::move(message), {}};
  }
};

// A value or an Error. Small on purpose: std::expected arrives with C++23.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}  // NOLINT

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

struct Unit {};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : err_(std::move(error)), ok_(false) {}  // NOLINT
  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { return err_; }

 private:
  Error err_;
  bool ok_ = true;
};

using Status = Result<void>;

}  // namespace kam

// Propagates an error out of the current function: KAM_TRY(x, expr) declares x.
#define KAM_CONCAT_INNER(a, b) a##b
#define KAM_CONCAT(a, b) KAM_CONCAT_INNER(a, b)
#define KAM_TRY(var, expr)                                                          \
  auto KAM_CONCAT(_kam_r_, __LINE__) = (expr);                                      \
  if (!KAM_CONCAT(_kam_r_, __LINE__)) return KAM_CONCAT(_kam_r_, __LINE__).error(); \
  auto var = std::move(KAM_CONCAT(_kam_r_, __LINE__)).value()
#define KAM_CHECK(expr)                 \
  do {                                  \
    auto _kam_s = (expr);               \
    if (!_kam_s) return _kam_s.error(); \
  } while (0)
