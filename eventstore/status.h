#pragma once
// The result of a fallible I/O call. Callers must look at it ([[nodiscard]]).
#include <string>
#include <utility>

namespace payledger::eventstore {

class [[nodiscard]] Status {
 public:
  enum class Code { ok, not_found, conflict, io_error, corruption, invalid_argument, timeout };

  Status() = default;
  static Status ok() { return {}; }
  static Status not_found(std::string m) { return {Code::not_found, std::move(m)}; }
  static Status conflict(std::string m) { return {Code::conflict, std::move(m)}; }
  static Status io_error(std::string m) { return {Code::io_error, std::move(m)}; }
  static Status corruption(std::string m) { return {Code::corruption, std::move(m)}; }
  static Status invalid_argument(std::string m) { return {Code::invalid_argument, std::move(m)}; }
  static Status timeout(std::string m) { return {Code::timeout, std::move(m)}; }

  bool is_ok() const { return code_ == Code::ok; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  std::string to_string() const;

 private:
  Status(Code c, std::string m) : code_(c), message_(std::move(m)) {}
  Code code_ = Code::ok;
  std::string message_;
};

}  // namespace payledger::eventstore
