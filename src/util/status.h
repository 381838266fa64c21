// Status and Result<T>: errors as values inside the library.
// The library never throws across its public API for expected failures (bad input, missing files,
// unusable index); it returns a Status with a code by cause and a message naming where and why.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace riskatlas {

enum class StatusCode {
  kOk,
  kInvalidArgument,  // the caller's input is wrong (bad query, bad parameter, bad corpus file)
  kNotFound,         // no such record, file or index
  kCorruption,       // data exists but cannot be read as what it claims to be
  kIOError,          // the operating system refused (permissions, disk full, ...)
  kUnavailable,      // try again later (no index open, another reindex running)
  kAborted,          // refused by a guard (e.g. shrink guard on reindex)
  kTooBroad,         // a valid request that would cost too much (a wildcard matching too many words)
  kInternal,         // a bug or an unexpected library error
};

// [[nodiscard]]: a Status dropped on the floor is an error nobody handled.
class [[nodiscard]] Status {
 public:
  Status() = default;
  static Status OK() { return {}; }
  static Status InvalidArgument(std::string msg) { return {StatusCode::kInvalidArgument, std::move(msg)}; }
  static Status NotFound(std::string msg) { return {StatusCode::kNotFound, std::move(msg)}; }
  static Status Corruption(std::string msg) { return {StatusCode::kCorruption, std::move(msg)}; }
  static Status IOError(std::string msg) { return {StatusCode::kIOError, std::move(msg)}; }
  static Status Unavailable(std::string msg) { return {StatusCode::kUnavailable, std::move(msg)}; }
  static Status Aborted(std::string msg) { return {StatusCode::kAborted, std::move(msg)}; }
  static Status TooBroad(std::string msg) { return {StatusCode::kTooBroad, std::move(msg)}; }
  static Status Internal(std::string msg) { return {StatusCode::kInternal, std::move(msg)}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "invalid argument: <message>"
  std::string to_string() const;

 private:
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

const char* status_code_name(StatusCode code);

// Either a value or a non-OK Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}                      // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {}               // NOLINT: implicit by design
  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  // REQUIRES: ok()
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace riskatlas
