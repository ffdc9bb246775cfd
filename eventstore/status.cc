#include "eventstore/status.h"

namespace payledger::eventstore {

std::string Status::to_string() const {
  switch (code_) {
    case Code::ok:
      return "ok";
    case Code::not_found:
      return "not found: " + message_;
    case Code::conflict:
      return "conflict: " + message_;
    case Code::io_error:
      return "I/O error: " + message_;
    case Code::corruption:
      return "corruption: " + message_;
    case Code::invalid_argument:
      return "invalid argument: " + message_;
    case Code::timeout:
      return "timeout: " + message_;
  }
  return "unknown status";
}

}  // namespace payledger::eventstore
