// The 3-D Secure challenge page of the test network: plain HTML, no external assets. It shows
// the merchant, the amount and the card; its buttons complete or fail the authentication, and
// either sends the browser to the payment's return_url with the payment id and status.
#include <fmt/format.h>

#include "api/command_service.h"
#include "api/html.h"
#include "http/query.h"
#include "resources/merchants/module.h"
#include "resources/payments/routes.h"

namespace payledger::payments {
namespace {

namespace d = domain;
using api::escape_html;
using api::PageReply;
using api::PageRequest;

std::string format_amount(const Payment& p) {
  return api::format_money(p.amount.minor(), p.currency);
}

std::string brand_name(const std::string& brand) {
  if (brand == "amex") return "American Express";
  if (brand == "jcb") return "JCB";
  if (brand == "unionpay") return "UnionPay";
  std::string out = brand;
  if (!out.empty()) out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
  return out;
}

constexpr std::string_view kStyle = R"(
dl{display:grid;grid-template-columns:auto 1fr;gap:8px 16px;margin:20px 0}dt{color:#6b7280}
dd{margin:0;font-weight:600}.actions{display:flex;flex-wrap:wrap;gap:8px}
#complete{background:#0a7d32;color:#fff}#fail{background:#e5e7eb;color:#1a1f36}
.note{margin-top:20px;font-size:13px;color:#6b7280}
)";

PageReply page(int status, const std::string& title, const std::string& body) {
  return PageReply{status, api::html_document(title, kStyle, body), {}};
}

PageReply not_found() {
  return page(404, "Not found",
              "<h1>This authentication does not exist</h1><p class=\"muted\">The link is "
              "incomplete or was not made by this server.</p>");
}

PageReply unavailable() {
  return page(503, "Try again",
              "<h1>Something went wrong</h1><p class=\"muted\">Nothing was "
              "decided. Reload the page to try again.</p>");
}

std::string button(const Payment& p, std::string_view token, std::string_view action,
                   std::string_view label) {
  return fmt::format(
      "<form method=\"post\" action=\"/pay/3ds/{}\"><input type=\"hidden\" name=\"token\" "
      "value=\"{}\"><input type=\"hidden\" name=\"action\" value=\"{}\"><button id=\"{}\" "
      "type=\"submit\">{}</button></form>",
      escape_html(p.id.value), escape_html(token), action, action, label);
}

PageReply challenge(const Payment& p, const std::string& merchant, std::string_view token) {
  std::string body =
      "<h1>Confirm your payment</h1><p class=\"muted\">3-D Secure test "
      "authentication: your bank asks you to confirm this purchase.</p><dl>";
  body += "<dt>Merchant</dt><dd id=\"merchant\">" + escape_html(merchant) + "</dd>";
  body += "<dt>Amount</dt><dd id=\"amount\">" + escape_html(format_amount(p)) + "</dd>";
  body += "<dt>Card</dt><dd id=\"card\">" + escape_html(brand_name(p.card.brand)) + " •••• " +
          escape_html(p.card.last4) + "</dd>";
  if (!p.description.empty()) {
    body += "<dt>For</dt><dd>" + escape_html(p.description) + "</dd>";
  }
  body += "</dl><div class=\"actions\">" + button(p, token, "complete", "Complete authentication") +
          button(p, token, "fail", "Fail authentication") + "</div>";
  body +=
      "<p class=\"note\">Test mode. Complete authenticates the card (4000008400001629 fails even "
      "then); Fail declines it with three_d_secure_failed. Unanswered, the payment expires.</p>";
  return page(200, "3-D Secure authentication", body);
}

PageReply finished(const Payment& p) {
  return page(200, "Payment " + std::string(d::enum_name(p.status)),
              "<h1>Nothing to authenticate</h1><p class=\"muted\">This payment is " +
                  std::string(d::enum_name(p.status)) + ".</p>");
}

// The browser goes back to the merchant with the payment's id and where it stands.
PageReply back_to_merchant(const Payment& p) {
  // return_url has no fragment (routes.cc refuses one), so the query goes at the end.
  std::string url = p.return_url;
  url += url.find('?') == std::string::npos ? '?' : '&';
  url += "payment_id=" + http::encode_component(p.id.value) +
         "&status=" + http::encode_component(std::string(d::enum_name(p.status)));
  return PageReply{303, {}, url};
}

struct Found {
  d::MerchantId merchant;
  Payment payment;
};

// The payment the page's URL names, when its token is the payment's.
Expected<std::optional<Found>, eventstore::Status> find(PageRequest& req) {
  const std::string& id = req.path.at(0);
  auto token = req.params.find("token");
  if (token == req.params.end()) return std::optional<Found>();
  auto owner = req.commands.owner_of(id);
  if (!owner) return Unexpected{owner.error()};
  if (!*owner) return std::optional<Found>();
  auto loaded = req.commands.load<Module>(**owner, id);
  if (!loaded) return Unexpected{loaded.error()};
  if (!loaded->state || !token_matches(*loaded->state, token->second)) {
    return std::optional<Found>();
  }
  return std::optional<Found>(Found{**owner, std::move(*loaded->state)});
}

PageReply show(PageRequest& req) {
  auto found = find(req);
  if (!found) return unavailable();
  if (!*found) return not_found();
  const Payment& p = (*found)->payment;
  if (p.status != Status::requires_action) return finished(p);
  const d::MerchantId& merchant = (*found)->merchant;
  auto account = req.commands.load<merchants::Module>(merchant, merchant.value);
  if (!account) return unavailable();
  const std::string name = account->state ? account->state->name : std::string();
  return challenge(p, name, req.params.at("token"));
}

PageReply answer(PageRequest& req) {
  auto found = find(req);
  if (!found) return unavailable();
  if (!*found) return not_found();
  const d::MerchantId merchant = (*found)->merchant;
  const Payment& p = (*found)->payment;
  const std::string& id = p.id.value;
  api::CommandService& commands = req.commands;
  eventstore::Position written;
  if (p.status == Status::requires_action) {
    const d::UnixSeconds now = commands.now();
    const auto action = req.params.find("action");
    const bool completed = action != req.params.end() && action->second == "complete";
    const std::string token = req.params.at("token");
    api::Outcome o =
        now >= *p.action_expires_at
            ? decide_and(commands, merchant, nullptr, id, false,
                         [&](const State& s) { return decide(s, ExpirePayment{now}); })
            : decide_and(commands, merchant, nullptr, id, false, [&](const State& s) {
                return decide(
                    s, AuthenticatePayment{token, completed, provider_reference(commands), now});
              });
    if (o.http_status >= 500) return unavailable();
    written = o.position;
  }
  // Whatever was decided (here, or already by an earlier click or the expiry), the browser goes
  // back with the payment as the log has it now.
  auto now = commands.load<Module>(merchant, id);
  if (!now || !now->state) return unavailable();
  PageReply reply = back_to_merchant(*now->state);
  reply.position = written;  // the merchant's retrieve after the redirect sees the answer
  return reply;
}

}  // namespace

void add_challenge_pages(api::Routes& routes) {
  routes.add_page({"GET", R"(/pay/3ds/(pay_[0-9a-f-]{36}))", "/pay/3ds/:id", show});
  routes.add_page({"POST", R"(/pay/3ds/(pay_[0-9a-f-]{36}))", "/pay/3ds/:id", answer});
}

}  // namespace payledger::payments
