// The customer's side of a session, opened by its secret instead of an API key: the hosted page
// (url), the embedded form and the script that mounts it, the 3-D Secure challenge, and the
// JSON calls of custom UIs. Plain server-rendered HTML; the one script is served from here.
#include <algorithm>

#include <fmt/format.h>

#include "api/command_service.h"
#include "api/html.h"
#include "domain/contact.h"
#include "resources/checkout_sessions/internal.h"
#include "resources/checkout_sessions/scripts.h"
#include "resources/customers/module.h"
#include "resources/merchants/module.h"
#include "resources/payment_intents/module.h"

namespace payledger::checkout_sessions {
namespace {

namespace d = domain;
using api::escape_html;
using api::PageReply;
using api::PageRequest;

// Where the form was opened: the hosted page or the embedded one (the same form).
enum class Surface { hosted, embedded };

constexpr std::string_view kStyle = R"(
.merchant{font-weight:600;color:#6b7280;margin:0 0 8px}table{width:100%;border-collapse:collapse;
margin:16px 0}td{padding:6px 0;vertical-align:top}td.amount{text-align:right;white-space:nowrap}
.qty{color:#6b7280;font-size:13px}.sum td{border-top:1px solid #e5e7eb}.total td{font-weight:700}
fieldset{border:1px solid #e5e7eb;border-radius:6px;margin:16px 0;padding:12px}
legend{font-weight:600;padding:0 4px}label{display:block;font-size:14px;margin:10px 0 4px}
input,select{width:100%;box-sizing:border-box;font-size:15px;padding:9px;border:1px solid #cbd2d9;
border-radius:6px}.row{display:flex;gap:8px}.row>div{flex:1}.rate{display:flex;gap:8px;
align-items:flex-start;margin:6px 0}.rate input{width:auto;margin-top:3px}.rate label{margin:0}
#pay{width:100%;background:#635bff;color:#fff;font-weight:600;margin-top:8px}
#pay:disabled{opacity:.6}.error{background:#fde8e8;color:#9b1c1c;border-radius:6px;padding:10px;
margin:12px 0}.back{display:inline-block;margin-top:16px;font-size:14px;color:#4f46e5}
details{margin-top:20px;font-size:13px;color:#6b7280}details td{padding:2px 6px 2px 0}
code{font-size:12px}.actions{display:flex;gap:8px;margin-top:16px}#complete-auth{background:#0a7d32;
color:#fff}#fail-auth{background:#e5e7eb}
)";

PageReply page(int status, const std::string& title, const std::string& body) {
  return PageReply{status, api::html_document(title, kStyle, body, "/checkout/checkout.js"), {}};
}

PageReply not_found() {
  return page(404, "Not found",
              "<h1>This checkout does not exist</h1><p class=\"muted\">The link is incomplete or "
              "was not made by this server.</p>");
}

PageReply unavailable() {
  return page(503, "Try again",
              "<h1>Something went wrong</h1><p class=\"muted\">Nothing was charged. Reload the "
              "page to try again.</p>");
}

std::string param(const PageRequest& req, const std::string& name) {
  auto it = req.params.find(name);
  return it == req.params.end() ? std::string() : it->second;
}

// The secret a request presents: the hosted URL's key, or the client_secret (the embedded
// form's `secret`, a custom UI's `client_secret`).
std::string presented_secret(const PageRequest& req) {
  for (const char* name : {"key", "secret", "client_secret"}) {
    if (std::string secret = param(req, name); !secret.empty()) return secret;
  }
  return {};
}

std::string money(std::int64_t minor, const Session& s) {
  return api::format_money(minor, s.currency);
}

// The URL of the form itself, with what opens it.
std::string form_url(const Session& s, Surface surface) {
  const std::string key = s.client_secret.substr(s.client_secret.rfind('_') + 1);
  if (surface == Surface::embedded) {
    return "/checkout/" + s.id.value + "/embedded?secret=" + s.client_secret;
  }
  return "/checkout/" + s.id.value + "?key=" + key;
}

std::string delivery_text(const orders::ShippingRate& r) {
  if (!r.minimum && !r.maximum) return {};
  auto unit = [](const orders::DeliveryBound& b) {
    std::string u(d::enum_name(b.unit));
    for (char& c : u) c = c == '_' ? ' ' : c;
    return u + (b.value == 1 ? "" : "s");
  };
  if (r.minimum && r.maximum) {
    return fmt::format("{}–{} {}", r.minimum->value, r.maximum->value, unit(*r.maximum));
  }
  const auto& b = r.minimum ? *r.minimum : *r.maximum;
  return fmt::format("{} {}", b.value, unit(b));
}

std::string summary(const Session& s, const std::string& merchant) {
  std::string out = "<p class=\"merchant\" id=\"merchant\">" + escape_html(merchant) + "</p>";
  out += "<h1>Pay " + escape_html(merchant) + "</h1><table id=\"line-items\">";
  for (const orders::LineItem& item : s.line_items) {
    out += fmt::format(
        "<tr class=\"item\"><td><span class=\"name\">{}</span><br><span class=\"qty\">Qty {} × "
        "{}</span></td><td class=\"amount\">{}</td></tr>",
        escape_html(item.description.empty() ? item.price.value : item.description), item.quantity,
        escape_html(money(item.unit_amount.minor(), s)),
        escape_html(money(item.amount_total.minor(), s)));
  }
  const orders::ShippingRate* rate = s.shipping_rate("");
  out += "<tr class=\"sum\"><td>Subtotal</td><td class=\"amount\" id=\"subtotal\">" +
         escape_html(money(s.amount_subtotal.minor(), s)) + "</td></tr>";
  if (rate) {
    out += "<tr><td>Shipping</td><td class=\"amount\" id=\"shipping-amount\">" +
           escape_html(money(rate->amount.minor(), s)) + "</td></tr>";
  }
  out += fmt::format(
      "<tr class=\"total\"><td>Total</td><td class=\"amount\" id=\"total\" data-subtotal=\"{}\" "
      "data-digits=\"{}\" data-currency=\"{}\">{}</td></tr></table>",
      s.amount_subtotal.minor(), s.currency.minor_unit_digits(),
      escape_html(d::upper_code(std::string(s.currency.code()))),
      escape_html(money(s.amount_total_minor(), s)));
  return out;
}

std::string input(const std::string& id, const std::string& label, const std::string& name,
                  const std::string& autocomplete, const std::string& value,
                  const std::string& extra = "required") {
  return fmt::format(
      "<label for=\"{0}\">{1}</label><input id=\"{0}\" name=\"{2}\" autocomplete=\"{3}\" "
      "value=\"{4}\" {5}>",
      id, escape_html(label), escape_html(name), autocomplete, escape_html(value), extra);
}

std::string shipping_options(const Session& s, const std::string& chosen) {
  if (s.shipping_options.empty()) return {};
  std::string out = "<fieldset id=\"shipping-options\"><legend>Shipping method</legend>";
  for (std::size_t i = 0; i < s.shipping_options.size(); ++i) {
    const auto& r = s.shipping_options[i];
    const bool checked = chosen.empty() ? i == 0 : chosen == r.id;
    const std::string eta = delivery_text(r);
    out += fmt::format(
        "<div class=\"rate\"><input type=\"radio\" id=\"rate-{0}\" name=\"shipping_rate\" "
        "value=\"{1}\" data-amount=\"{2}\"{3}><label for=\"rate-{0}\">{4} — {5}{6}</label></div>",
        i, escape_html(r.id), r.amount.minor(), checked ? " checked" : "", escape_html(r.name),
        escape_html(money(r.amount.minor(), s)), eta.empty() ? "" : " · " + escape_html(eta));
  }
  return out + "</fieldset>";
}

std::string country_field(const Session& s, const std::string& chosen) {
  if (s.allowed_countries.empty()) {
    return input("shipping-country", "Country (two letters, e.g. US)", "shipping[address][country]",
                 "shipping country", chosen, "required maxlength=\"2\"");
  }
  std::string out =
      "<label for=\"shipping-country\">Country</label><select id=\"shipping-country\" "
      "name=\"shipping[address][country]\" autocomplete=\"shipping country\" required>";
  for (const std::string& c : s.allowed_countries) {
    out += fmt::format("<option value=\"{0}\"{1}>{0}</option>", escape_html(c),
                       c == chosen ? " selected" : "");
  }
  return out + "</select>";
}

std::string shipping_address(const Session& s, const PageRequest& req) {
  if (!s.collects_shipping_address) return {};
  auto v = [&](const char* name) { return param(req, name); };
  return "<fieldset id=\"shipping-address\"><legend>Shipping address</legend>" +
         input("shipping-name", "Full name", "shipping[name]", "shipping name",
               v("shipping[name]")) +
         input("shipping-line1", "Address", "shipping[address][line1]", "shipping address-line1",
               v("shipping[address][line1]")) +
         input("shipping-line2", "Address line 2 (optional)", "shipping[address][line2]",
               "shipping address-line2", v("shipping[address][line2]"), "") +
         "<div class=\"row\"><div>" +
         input("shipping-city", "City", "shipping[address][city]", "shipping address-level2",
               v("shipping[address][city]")) +
         "</div><div>" +
         input("shipping-postal", "Postal code", "shipping[address][postal_code]",
               "shipping postal-code", v("shipping[address][postal_code]")) +
         "</div></div>" + country_field(s, v("shipping[address][country]")) + "</fieldset>";
}

std::string test_cards() {
  std::string out =
      "<details id=\"test-cards\" open><summary>Test cards</summary><p>Any future expiry date and "
      "any CVC (4 digits for American Express).</p><table>";
  for (const payments::TestCard& card : payments::test_cards()) {
    out += fmt::format("<tr><td><code>{}</code></td><td>{}</td></tr>", card.number,
                       escape_html(card.description));
  }
  return out + "</table></details>";
}

std::string card_fields(const PageRequest& req) {
  return "<fieldset id=\"payment\"><legend>Card</legend>" +
         input("card-name", "Name on card", "name", "cc-name", param(req, "name")) +
         input("card-number", "Card number", "card[number]", "cc-number", "",
               "required inputmode=\"numeric\" placeholder=\"1234 1234 1234 1234\"") +
         "<div class=\"row\"><div>" +
         input("card-exp", "Expiry (MM / YY)", "card[exp]", "cc-exp", "",
               "required placeholder=\"MM / YY\"") +
         "</div><div>" +
         input("card-cvc", "CVC", "card[cvc]", "cc-csc", "", "required inputmode=\"numeric\"") +
         "</div></div></fieldset>";
}

struct FormView {
  const Session& session;
  std::string merchant;
  std::string email;  // prefilled
  Surface surface;
  std::string error;
};

PageReply form(int status, const FormView& v, const PageRequest& req) {
  const Session& s = v.session;
  std::string body = summary(s, v.merchant);
  if (!v.error.empty())
    body += "<div class=\"error\" role=\"alert\" id=\"error\">" + escape_html(v.error) + "</div>";
  body += "<form method=\"post\" id=\"checkout-form\" action=\"" +
          escape_html(form_url(s, v.surface)) + "\">";
  body += shipping_options(s, param(req, "shipping_rate"));
  const std::string email = param(req, "email").empty() ? v.email : param(req, "email");
  body += "<fieldset id=\"contact\"><legend>Contact</legend>" +
          input("email", "Email", "email", "email", email, "required type=\"email\"") +
          "</fieldset>";
  body += shipping_address(s, req) + card_fields(req);
  body += "<button id=\"pay\" type=\"submit\">Pay " +
          escape_html(money(s.amount_total_minor(), s)) + "</button></form>";
  if (!s.cancel_url.empty() && v.surface == Surface::hosted) {
    body += "<a class=\"back\" id=\"cancel\" href=\"" + escape_html(s.cancel_url) +
            "\">← Back to " + escape_html(v.merchant) + "</a>";
  }
  body += test_cards();
  return page(status, "Checkout: " + v.merchant, body);
}

// A completed or expired session shows that instead of a form.
PageReply closed(const Session& s, Surface surface) {
  if (s.status == Status::expired) {
    return page(410, "Checkout expired",
                "<h1 id=\"expired\">This checkout has expired</h1><p class=\"muted\">Nothing was "
                "charged. Return to the merchant to start again.</p>");
  }
  const std::string next = completion_url(s);
  std::string body =
      fmt::format("<h1>Payment complete</h1><p class=\"muted\">Thank you. {} was paid.</p>",
                  escape_html(money(s.amount_total_minor(), s)));
  if (surface == Surface::embedded) {
    // checkout.js tells the merchant's page, which goes on to its return_url.
    body += fmt::format("<div id=\"complete\" data-session=\"{}\" data-return-url=\"{}\"></div>",
                        escape_html(s.id.value), escape_html(next));
  } else if (!next.empty()) {
    body += "<a class=\"back\" id=\"continue\" href=\"" + escape_html(next) + "\">Continue</a>";
  }
  return page(200, "Payment complete", body);
}

struct Context {
  Opened opened;
  std::string merchant_name;
};

Expected<std::optional<Context>, eventstore::Status> context(PageRequest& req) {
  auto opened = open_session(req.commands, req.path.at(0), presented_secret(req));
  if (!opened) return Unexpected{opened.error()};
  if (!*opened) return std::optional<Context>();
  const d::MerchantId& m = (*opened)->merchant;
  auto account = req.commands.load<merchants::Module>(m, m.value);
  if (!account) return Unexpected{account.error()};
  return std::optional<Context>(
      Context{std::move(**opened), account->state ? account->state->name : std::string()});
}

// The email a known customer is greeted with.
std::string known_email(PageRequest& req, const Opened& o) {
  if (!o.session.customer_email.empty() || o.session.customer.empty())
    return o.session.customer_email;
  auto c = req.commands.load<customers::Module>(o.merchant, o.session.customer);
  return c && c->state ? c->state->profile.email : std::string();
}

// The error a GET shows: the intent's last decline (after a failed 3-D Secure challenge).
std::string last_error(PageRequest& req, const Opened& o) {
  auto intent =
      req.commands.load<payment_intents::Module>(o.merchant, o.session.payment_intent.value);
  if (!intent || !intent->state || !intent->state->last_payment_error) return {};
  if (intent->state->status != payment_intents::IntentStatus::requires_payment_method) return {};
  return intent->state->last_payment_error->message;
}

// Whether the session is paid on this surface: hosted sessions on the hosted page, embedded ones
// in the embedded form; custom ones only through the custom-UI calls.
bool served_on(const Session& s, Surface surface) {
  return (s.ui_mode == UiMode::hosted && surface == Surface::hosted) ||
         (s.ui_mode == UiMode::embedded && surface == Surface::embedded);
}

// Card data in a URL would land in access logs and browser histories: it is taken from a POST
// body only, and a request that puts it in the query is refused.
bool card_in_query(const PageRequest& req) {
  return std::any_of(req.query.begin(), req.query.end(),
                     [](const auto& kv) { return kv.first.starts_with("card"); });
}

PageReply show(PageRequest& req, Surface surface) {
  auto ctx = context(req);
  if (!ctx) return unavailable();
  if (!*ctx) return not_found();
  const Opened& o = (*ctx)->opened;
  if (!served_on(o.session, surface)) return not_found();
  if (o.session.status != Status::open) return closed(o.session, surface);
  return form(200,
              {o.session, (*ctx)->merchant_name, known_email(req, o), surface, last_error(req, o)},
              req);
}

// What the form's page answers a payment's result.
PageReply answer_of(const CompletionResult& r, Surface surface, const FormView& view,
                    const PageRequest& req) {
  using K = CompletionResult::Kind;
  if (r.kind == K::completed) {
    const std::string next = completion_url(*r.session);
    if (surface == Surface::hosted && !next.empty()) return PageReply{303, {}, next};
    return closed(*r.session, surface);
  }
  if (r.kind == K::authenticate) return PageReply{303, {}, r.redirect_url};
  if (r.error.http_status >= 500) return unavailable();
  FormView failed = view;
  failed.error = r.error.message;
  return form(r.error.http_status, failed, req);
}

PageReply submit(PageRequest& req, Surface surface) {
  auto ctx = context(req);
  if (!ctx) return unavailable();
  if (!*ctx) return not_found();
  const Opened& o = (*ctx)->opened;
  if (!served_on(o.session, surface)) return not_found();
  if (o.session.status != Status::open) return closed(o.session, surface);
  const FormView view{o.session, (*ctx)->merchant_name, known_email(req, o), surface, ""};
  if (card_in_query(req)) {
    FormView refused = view;
    refused.error = "Card details belong in the form's body, never in its address.";
    return form(400, refused, req);
  }
  if (!req.transport.tls && !req.transport.loopback) {
    FormView refused = view;
    refused.error =
        "Card details must be sent over HTTPS; this server was reached over plain HTTP.";
    return form(403, refused, req);
  }
  CompletionRequest request;
  if (auto e = read_completion(req.params, request)) {
    FormView bad = view;
    bad.error = e->message;
    return form(e->http_status, bad, req);
  }
  CompletionResult r =
      complete(req.commands, o.merchant, o.session.id.value, request, req.transport.base_url);
  PageReply reply = answer_of(r, surface, view, req);
  reply.position = r.position;
  return reply;
}

// --- 3-D Secure -------------------------------------------------------------------------------

PageReply challenge(PageRequest& req) {
  auto ctx = context(req);
  if (!ctx) return unavailable();
  if (!*ctx) return not_found();
  const Session& s = (*ctx)->opened.session;
  if (s.status != Status::open || !s.pending) {
    return page(200, "Nothing to authenticate",
                "<h1>Nothing to authenticate</h1><p class=\"muted\">This payment waits for no "
                "authentication.</p>");
  }
  const std::string key = s.client_secret.substr(s.client_secret.rfind('_') + 1);
  auto button = [&](const char* action, const char* id, const char* label) {
    return fmt::format(
        "<form method=\"post\" action=\"/checkout/{}/authenticate?key={}\"><input type=\"hidden\" "
        "name=\"action\" value=\"{}\"><button id=\"{}\" type=\"submit\">{}</button></form>",
        escape_html(s.id.value), escape_html(key), action, id, label);
  };
  return page(200, "3-D Secure authentication",
              "<h1>Confirm your payment</h1><p class=\"muted\">3-D Secure test authentication: "
              "your bank asks you to confirm this purchase.</p><p>Merchant: <b id=\"merchant\">" +
                  escape_html((*ctx)->merchant_name) + "</b><br>Amount: <b id=\"amount\">" +
                  escape_html(money(s.pending->amount_total.minor(), s)) +
                  "</b></p><div class=\"actions\">" +
                  button("complete", "complete-auth", "Complete authentication") +
                  button("fail", "fail-auth", "Fail authentication") + "</div>");
}

// Where a customer goes after a failed (or already answered) challenge: the form, which shows
// where the payment stands; a custom UI's customer to its return_url ("" when it has none).
std::string failed_redirect(const Session& s, Surface surface) {
  if (s.ui_mode == UiMode::custom) return completion_url(s);
  return form_url(s, surface);
}

PageReply answer_challenge(PageRequest& req) {
  auto ctx = context(req);
  if (!ctx) return unavailable();
  if (!*ctx) return not_found();
  const Opened& o = (*ctx)->opened;
  const Surface surface =
      o.session.ui_mode == UiMode::embedded ? Surface::embedded : Surface::hosted;
  if (o.session.status == Status::open && o.session.pending) {
    const CompletionResult r = finish_authentication(req.commands, o.merchant, o.session.id.value,
                                                     param(req, "action") == "complete");
    if (r.error.http_status >= 500) return unavailable();
    if (r.kind == CompletionResult::Kind::completed) {
      const std::string next = completion_url(*r.session);
      const bool to_merchant = surface == Surface::hosted && !next.empty();
      PageReply reply{303, {}, to_merchant ? next : form_url(*r.session, surface)};
      reply.position = r.position;
      return reply;
    }
    const std::string back = failed_redirect(o.session, surface);
    if (r.position.value > 0 && !back.empty()) {  // failed: the form shows why
      PageReply reply{303, {}, back};
      reply.position = r.position;
      return reply;
    }
  }
  // Answered already: back to where the payment stands.
  const std::string back = failed_redirect(o.session, surface);
  if (!back.empty()) return PageReply{303, {}, back};
  if (o.session.status != Status::open) return closed(o.session, surface);
  // A custom UI without a return_url: nowhere to send the customer back to.
  return page(200, "Authentication over",
              "<h1>The authentication is over</h1><p class=\"muted\">Return to the merchant's "
              "page to go on.</p>");
}

// --- custom UIs: JSON -------------------------------------------------------------------------

PageReply json(int status, std::string body) {
  return PageReply{status, std::move(body), {}, "application/json"};
}

PageReply json_error(const api::ApiError& e) {
  return json(e.http_status, e.body());
}

PageReply custom_show(PageRequest& req) {
  auto ctx = context(req);
  if (!ctx) return json_error(api::storage_error("the log could not be read"));
  if (!*ctx) return json_error(api::not_found("checkout.session", req.path.at(0)));
  return json(200, render_for_customer((*ctx)->opened.session, (*ctx)->merchant_name));
}

PageReply custom_answer(const CompletionResult& r, const std::string& merchant_name);

PageReply custom_confirm(PageRequest& req) {
  auto ctx = context(req);
  if (!ctx) return json_error(api::storage_error("the log could not be read"));
  if (!*ctx) return json_error(api::not_found("checkout.session", req.path.at(0)));
  const Opened& o = (*ctx)->opened;
  if (o.session.ui_mode != UiMode::custom) {
    return json_error(api::not_found("checkout.session", req.path.at(0)));
  }
  if (card_in_query(req)) {
    return json_error(api::invalid_param("card", "parameter_invalid",
                                         "Send card data in the form body, never in the URL."));
  }
  if (!req.transport.tls && !req.transport.loopback && req.params.contains("card[number]")) {
    api::ApiError e = api::invalid_param("card", "tls_required", "card must be sent over HTTPS.");
    e.http_status = 403;
    return json_error(e);
  }
  CompletionRequest request;
  if (auto e = read_completion(req.params, request)) return json_error(*e);
  const CompletionResult r =
      complete(req.commands, o.merchant, o.session.id.value, request, req.transport.base_url);
  PageReply reply = custom_answer(r, (*ctx)->merchant_name);
  reply.position = r.position;
  return reply;
}

// A custom UI's answer: the session as its customer sees it (with the challenge to pass, when
// there is one), or the error.
PageReply custom_answer(const CompletionResult& r, const std::string& merchant_name) {
  switch (r.kind) {
    case CompletionResult::Kind::completed:
    case CompletionResult::Kind::authenticate: {
      return json(200, render_for_customer(*r.session, merchant_name,
                                           r.kind == CompletionResult::Kind::authenticate
                                               ? std::string_view(r.redirect_url)
                                               : std::string_view()));
    }
    case CompletionResult::Kind::declined:
    case CompletionResult::Kind::refused:
      break;
  }
  return json_error(r.error);
}

PageReply script(std::string_view source) {
  return PageReply{200, std::string(source), {}, "text/javascript; charset=utf-8"};
}

}  // namespace

std::string completion_url(const Session& s) {
  std::string url = s.success_url.empty() ? s.return_url : s.success_url;
  const std::string placeholder = "{CHECKOUT_SESSION_ID}";
  for (auto at = url.find(placeholder); at != std::string::npos; at = url.find(placeholder, at)) {
    url.replace(at, placeholder.size(), s.id.value);
  }
  return url;
}

Expected<std::optional<Opened>, eventstore::Status> open_session(api::CommandService& commands,
                                                                 const std::string& id,
                                                                 const std::string& secret) {
  if (secret.empty()) return std::optional<Opened>();
  auto owner = commands.owner_of(id);
  if (!owner) return Unexpected{owner.error()};
  if (!*owner) return std::optional<Opened>();
  auto loaded = commands.load<Module>(**owner, id);
  if (!loaded) return Unexpected{loaded.error()};
  if (!loaded->state || !opens(*loaded->state, secret)) return std::optional<Opened>();
  return std::optional<Opened>(Opened{**owner, std::move(*loaded->state)});
}

void add_pages(api::Routes& routes) {
  const std::string id = R"((cs_[0-9A-Za-z_-]+))";
  auto hosted = [](Surface s, auto f) { return [s, f](PageRequest& r) { return f(r, s); }; };
  routes.add_page({"GET", "/checkout/" + id, "/checkout/:id", hosted(Surface::hosted, show)});
  routes.add_page({"POST", "/checkout/" + id, "/checkout/:id", hosted(Surface::hosted, submit)});
  routes.add_page({"GET", "/checkout/" + id + "/embedded", "/checkout/:id/embedded",
                   hosted(Surface::embedded, show), true});
  routes.add_page({"POST", "/checkout/" + id + "/embedded", "/checkout/:id/embedded",
                   hosted(Surface::embedded, submit), true});
  routes.add_page(
      {"GET", "/checkout/" + id + "/authenticate", "/checkout/:id/authenticate", challenge, true});
  routes.add_page({"POST", "/checkout/" + id + "/authenticate", "/checkout/:id/authenticate",
                   answer_challenge, true});
  routes.add_page({"GET", "/checkout/checkout.js", "/checkout/checkout.js",
                   [](PageRequest&) { return script(kCheckoutScript); }, false, true});
  routes.add_page({"GET", "/checkout/embed.js", "/checkout/embed.js",
                   [](PageRequest&) { return script(kEmbedScript); }, false, true});
  routes.add_page(
      {"GET", "/v1/payment_pages/" + id, "/v1/payment_pages/:id", custom_show, false, true});
  routes.add_page({"POST", "/v1/payment_pages/" + id + "/confirm", "/v1/payment_pages/:id/confirm",
                   custom_confirm, false, true});
}

}  // namespace payledger::checkout_sessions
