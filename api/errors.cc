#include "api/errors.h"

#include "json/text.h"
#include "json/writer.h"

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

void ApiError::add_text(std::string name, std::string_view value) {
  extra.emplace_back(std::move(name), json::quoted(json::replace_invalid_utf8(value)));
}

void ApiError::add_json(std::string name, std::string json) {
  extra.emplace_back(std::move(name), std::move(json));
}

std::string ApiError::body() const {
  // A parameter's name or an echoed value may be a card number a client sent by mistake
  // (card[number]4242... without '='): error answers never repeat one.
  json::Writer w;
  w.begin_object();
  w.key("error");
  w.begin_object();
  w.text("type", type);
  w.text("code", code);
  w.text("message", json::replace_invalid_utf8(mask_card_numbers(message)));
  w.text_or_null("param", json::replace_invalid_utf8(mask_card_numbers(param)));
  for (const auto& [name, value] : extra) {
    w.key(name);
    w.raw_value(value);
  }
  w.end_object();
  w.end_object();
  return w.take();
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
