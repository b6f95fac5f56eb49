// Errors as values: every module boundary returns Result<T> or Status instead of throwing.
// The kinds are few and fixed; each interface family maps them onto its own codes in one table.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace eseal {

enum class ErrorKind {
  kInvalidInput,        // malformed or unacceptable input supplied by the caller
  kVerificationFailed,  // well-formed input that does not verify (signature, chain, MAC)
  kNotFound,            // a named thing (file, key reference, record) does not exist
  kIo,                  // the operating system refused a read or write
  kInternal,            // a library or invariant failure that is not the caller's fault
};

struct Error {
  ErrorKind kind;
  std::string message;
  // A stable name for the precise reason ("seal-expired"), set by the layer that knows it so that
  // each door can word the refusal in its family's terms from one table; empty otherwise.
  std::string code = {};

  static Error invalid_input(std::string m) { return {ErrorKind::kInvalidInput, std::move(m)}; }
  static Error verification_failed(std::string m) {
    return {ErrorKind::kVerificationFailed, std::move(m)};
  }
  static Error not_found(std::string m) { return {ErrorKind::kNotFound, std::move(m)}; }
  static Error io(std::string m) { return {ErrorKind::kIo, std::move(m)}; }
  static Error internal(std::string m) { return {ErrorKind::kInternal, std::move(m)}; }

  // Returns a copy whose message is prefixed with `context: `.
  Error with_context(const std::string& context) const {
    return {kind, context + ": " + message, code};
  }
  // Returns a copy with `c` as its code.
  Error with_code(std::string c) const { return {kind, message, std::move(c)}; }
};

// The code of an Error for input that breaks a configured or built-in limit (a size, a count, a
// depth), whichever engine found it: each door words it as its family's "too large" refusal.
inline constexpr const char* kLimitExceeded = "limit-exceeded";

// Either a value or an Error. Accessing the wrong alternative is a programming error and throws
// std::bad_variant_access.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}
  Result(Error error) : state_(std::move(error)) {}

  bool ok() const { return std::holds_alternative<T>(state_); }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<T>(state_); }
  const T& value() const& { return std::get<T>(state_); }
  T&& value() && { return std::get<T>(std::move(state_)); }
  const Error& error() const { return std::get<Error>(state_); }

  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }

 private:
  std::variant<T, Error> state_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), failed_(true) {}

  bool ok() const { return !failed_; }
  explicit operator bool() const { return ok(); }
  const Error& error() const { return error_; }

 private:
  Error error_{ErrorKind::kInternal, {}};
  bool failed_ = false;
};

using Status = Result<void>;

inline Status ok_status() {
  return {};
}

}  // namespace eseal
