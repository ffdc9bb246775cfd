#pragma once
// What the customer-facing pages share: escaping, money as people read it, the page shell.
// Pages are plain server-rendered HTML with no external assets (the server's CSP allows styles
// inline and scripts from this server only).
#include <cstdint>
#include <string>
#include <string_view>

#include "domain/money.h"

namespace payledger::api {

// `s` safe inside HTML text and double- or single-quoted attributes.
std::string escape_html(std::string_view s);

// 4999 in eur -> "49.99 EUR"; 500 in jpy -> "500 JPY".
std::string format_money(std::int64_t minor, const domain::Currency& currency);

// A whole page: <title>, the shared base style plus `style`, and `body` inside <main>;
// `script` (a path on this server, e.g. "/checkout/checkout.js") is loaded when not empty.
std::string html_document(std::string_view title, std::string_view style, std::string_view body,
                          std::string_view script = {});

}  // namespace payledger::api
