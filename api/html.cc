#include "api/html.h"

#include "domain/contact.h"

#include <fmt/format.h>
#include <cctype>

namespace payledger::api {
namespace {

constexpr std::string_view kBaseStyle = R"(
body{font-family:system-ui,sans-serif;background:#f4f5f7;margin:0;padding:40px 16px;color:#1a1f36}
main{max-width:460px;margin:0 auto;background:#fff;border-radius:8px;padding:28px;
box-shadow:0 2px 8px rgba(0,0,0,.08)}
h1{font-size:20px;margin:0 0 4px}.muted{color:#6b7280;font-size:14px}
button{font-size:15px;padding:10px 16px;border-radius:6px;border:0;cursor:pointer}
)";

}  // namespace

std::string escape_html(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

std::string format_money(std::int64_t minor, const domain::Currency& currency) {
  const int digits = currency.minor_unit_digits();
  std::int64_t unit = 1;
  for (int i = 0; i < digits; ++i) unit *= 10;
  const std::string code = domain::upper_code(std::string(currency.code()));
  const std::int64_t major = minor / unit;
  if (digits == 0) return fmt::format("{} {}", major, code);
  return fmt::format("{}.{:0{}} {}", major, minor % unit, digits, code);
}

std::string html_document(std::string_view title, std::string_view style, std::string_view body,
                          std::string_view script) {
  std::string out =
      "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>";
  out += escape_html(title);
  out += "</title><style>";
  out += kBaseStyle;
  out += style;
  out += "</style>";
  if (!script.empty()) out += "<script src=\"" + escape_html(script) + "\" defer></script>";
  out += "</head><body><main>";
  out += body;
  out += "</main></body></html>";
  return out;
}

}  // namespace payledger::api
