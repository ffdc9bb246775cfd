#include "api/errors.h"

namespace payledger::api {

std::string mask_card_numbers(std::string text) {
  constexpr std::size_t kShortestCardNumber = 12;
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] < '0' || text[i] > '9') {
      ++i;
      continue;
    }
    std::size_t end = i;
    while (end < text.size() && text[end] >= '0' && text[end] <= '9') ++end;
    // Runs inside ids (pay_<uuid>, a ten-digit reference after '_') are not card numbers.
    const bool in_id = i > 0 && (text[i - 1] == '-' || text[i - 1] == '_');
    if (end - i >= kShortestCardNumber && !in_id) {
      for (std::size_t k = i; k + 4 < end; ++k) text[k] = '*';
    }
    i = end;
  }
  return text;
}

std::string ApiError::body() const {
  // A parameter's name or an echoed value may be a card number a client sent by mistake
  // (card[number]4242... without '='): error answers never repeat one.
  const std::string safe_param = mask_card_numbers(param);
  nlohmann::ordered_json err{{"type", type},
                             {"code", code},
                             {"message", mask_card_numbers(message)},
                             {"param", param.empty() ? nlohmann::ordered_json(nullptr)
                                                     : nlohmann::ordered_json(safe_param)}};
  for (const auto& [k, v] : extra.items()) err[k] = v;
  // Replace rather than throw on invalid UTF-8: an error answer must always be writable.
  return nlohmann::ordered_json{{"error", std::move(err)}}.dump(
      -1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

ApiError invalid_param(std::string param, std::string code, std::string message) {
  ApiError e;
  e.code = std::move(code);
  e.param = std::move(param);
  e.message = std::move(message);
  return e;
}

ApiError not_found(const std::string& object, const std::string& id) {
  ApiError e;
  e.http_status = 404;
  e.code = "resource_missing";
  e.param = "id";
  e.message = "No such " + object + ": '" + id + "'";  // id is checked or replaced on output
  return e;
}

ApiError id_collision() {
  ApiError e;
  e.http_status = 500;
  e.type = "api_error";
  e.code = "id_collision";
  e.message = "A generated id was already taken; retry the request.";
  return e;
}

ApiError storage_error(const std::string& what) {
  ApiError e;
  e.http_status = 500;
  e.type = "api_error";
  e.code = "storage_error";
  e.message = "The database could not serve this request: " + what;
  return e;
}

}  // namespace payledger::api
