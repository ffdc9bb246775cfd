#pragma once
// API errors: {"error": {"type", "code", "message", "param", ...}} with an HTTP status.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace payledger::api {

struct ApiError {
  int http_status = 400;
  std::string type = "invalid_request_error";
  std::string code;
  std::string message;
  std::string param;  // empty: rendered as null
  // Members after "param", in order, each a name and a whole JSON value as text (a
  // decline_code, the charge's id, the payment_intent object).
  std::vector<std::pair<std::string, std::string>> extra;

  // Adds the member `name` with the string `value`.
  void add_text(std::string name, std::string_view value);
  // Adds the member `name` whose value is `json`. REQUIRES: `json` is one whole JSON value.
  void add_json(std::string name, std::string json);
  // The answer's body: {"error": {...}}, with any card number in message and param masked and
  // any invalid UTF-8 replaced (an error answer must always be writable).
  std::string body() const;
};

// `text` with every run of 12 or more digits (not inside an id: after '-' or '_') masked but
// for its last four: what body() does to message and param.
std::string mask_card_numbers(std::string text);

ApiError invalid_param(std::string param, std::string code, std::string message);
// 404: the merchant has no `object` with this id (param "id").
ApiError not_found(const std::string& object, const std::string& id);
// A 500: a generated id was taken already (astronomically rare); the request may be retried.
ApiError id_collision();
// A 500 for a failed read or write of the database; says what failed.
ApiError storage_error(const std::string& what);

}  // namespace payledger::api
