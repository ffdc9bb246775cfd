#pragma once
// API errors: {"error": {"type", "code", "message", "param", ...}} with an HTTP status.
#include <string>

#include <nlohmann/json.hpp>

namespace payledger::api {

struct ApiError {
  int http_status = 400;
  std::string type = "invalid_request_error";
  std::string code;
  std::string message;
  std::string param;                                                // empty: rendered as null
  nlohmann::ordered_json extra = nlohmann::ordered_json::object();  // e.g. decline_code

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
