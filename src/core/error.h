// Error and Result: how every layer reports failure. Errors are values, never exceptions that
// cross a layer. An Error carries the HTTP status and the API's machine-readable `meta.code`,
// because every failure the program can report ends up, sooner or later, in the envelope of
// api-conventions.md; `extra` holds the documented additional `meta` members (limitKey, ...).
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace goatherd {

// One extra member of an error's `meta` object, in the order it is written.
struct MetaField {
  using Value = std::variant<std::int64_t, std::string, std::vector<std::string>, std::nullptr_t>;
  std::string key;
  Value value;
};

struct Error {
  int status = 500;
  std::string code = "internal_error";
  std::string message = "Internal server error";
  std::vector<MetaField> extra;

  Error() = default;
  Error(int status, std::string code, std::string message, std::vector<MetaField> extra = {})
      : status(status),
        code(std::move(code)),
        message(std::move(message)),
        extra(std::move(extra)) {}

  static Error Internal() { return Error(); }
  static Error NotFound(std::string what = "Not found") {
    return {404, "not_found", std::move(what)};
  }
  static Error InvalidQuery(std::string m) { return {400, "invalid_query", std::move(m)}; }
  static Error InvalidBody(std::string m) { return {400, "invalid_body", std::move(m)}; }
  static Error InvalidParams(std::string m) { return {400, "invalid_params", std::move(m)}; }
  static Error Conflict(std::string code, std::string m) {
    return {409, std::move(code), std::move(m)};
  }
  static Error LimitReached(const std::string& limit_key, std::int64_t current, std::int64_t max) {
    return {402,
            "limit_reached",
            "Limit reached: " + limit_key,
            {{"limitKey", limit_key}, {"current", current}, {"max", max}}};
  }
};

// Result<T> holds either a T or an Error.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}  // NOLINT: implicit by design
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

// Status: success or an Error, for operations that return nothing.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)) {}  // NOLINT: implicit by design
  static Status Ok() { return {}; }
  bool ok() const { return !error_.has_value(); }
  explicit operator bool() const { return ok(); }
  const Error& error() const { return *error_; }

 private:
  std::optional<Error> error_;  // empty on success: no Error (and its strings) is built
};

}  // namespace goatherd
