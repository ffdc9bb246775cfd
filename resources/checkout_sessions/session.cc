#include "resources/checkout_sessions/session.h"

#include <algorithm>

#include "domain/assert.h"
#include "domain/overloaded.h"
#include "domain/tokens.h"

namespace payledger::checkout_sessions {
namespace {

namespace d = domain;

constexpr std::int64_t kMaxQuantity = 999'999;

// The lines with their amounts, and the subtotal; nullopt when a quantity is out of range.
std::optional<std::int64_t> price_lines(std::vector<orders::LineItem>& lines) {
  std::int64_t subtotal = 0;
  for (orders::LineItem& line : lines) {
    if (line.quantity < 1 || line.quantity > kMaxQuantity) return std::nullopt;
    // At most 99,999,999 * 999,999 * 100 lines: far inside int64.
    const std::int64_t amount = line.unit_amount.minor() * line.quantity;
    subtotal += amount;
    if (amount > d::kMaxAmountMinor) continue;  // the total check below refuses it
    line.amount_subtotal = d::Amount::of_minor(amount);
    line.amount_total = line.amount_subtotal;
  }
  return subtotal;
}

Decision create_checked(const CreateSession& cmd, SessionCreated s) {
  const auto subtotal = price_lines(s.line_items);
  if (!subtotal) return Unexpected{Rejection::quantity_invalid};
  if (std::any_of(cmd.line_currencies.begin(), cmd.line_currencies.end(),
                  [&](const d::Currency& c) { return c != cmd.line_currencies.front(); })) {
    return Unexpected{Rejection::currency_mixed};
  }
  if (s.shipping_options.size() > kMaxShippingOptions) {
    return Unexpected{Rejection::shipping_options_count};
  }
  if (std::any_of(cmd.shipping_currencies.begin(), cmd.shipping_currencies.end(),
                  [&](const d::Currency& c) { return c != s.currency; })) {
    return Unexpected{Rejection::shipping_currency_mismatch};
  }
  // Whichever option the customer picks, the total must be chargeable.
  std::int64_t most_shipping = 0;
  std::int64_t least_shipping = s.shipping_options.empty() ? 0 : d::kMaxAmountMinor;
  for (const auto& rate : s.shipping_options) {
    most_shipping = std::max(most_shipping, rate.amount.minor());
    least_shipping = std::min(least_shipping, rate.amount.minor());
  }
  if (*subtotal + least_shipping < 1 || *subtotal + most_shipping > d::kMaxAmountMinor) {
    return Unexpected{Rejection::amount_invalid};
  }
  s.amount_subtotal = d::Amount::of_minor(*subtotal);
  if (s.ui_mode == UiMode::hosted && s.success_url.empty()) {
    return Unexpected{Rejection::success_url_required};
  }
  if (s.ui_mode != UiMode::hosted && !s.success_url.empty()) {
    return Unexpected{Rejection::success_url_not_allowed};
  }
  if (s.ui_mode == UiMode::hosted && !s.return_url.empty()) {
    return Unexpected{Rejection::return_url_not_allowed};
  }
  if (s.expires_at.value < cmd.now.value + kMinLifetimeSeconds) {
    return Unexpected{Rejection::expires_at_too_soon};
  }
  if (s.expires_at.value > cmd.now.value + kDefaultLifetimeSeconds) {
    return Unexpected{Rejection::expires_at_too_late};
  }
  return std::vector<Event>{std::move(s)};
}

}  // namespace

std::string_view name(Rejection r) {
  switch (r) {
    case Rejection::session_exists:
      return "session_exists";
    case Rejection::session_missing:
      return "session_missing";
    case Rejection::line_items_count:
      return "line_items_count";
    case Rejection::quantity_invalid:
      return "quantity_invalid";
    case Rejection::currency_mixed:
      return "currency_mixed";
    case Rejection::shipping_options_count:
      return "shipping_options_count";
    case Rejection::shipping_currency_mismatch:
      return "shipping_currency_mismatch";
    case Rejection::amount_invalid:
      return "amount_invalid";
    case Rejection::success_url_required:
      return "success_url_required";
    case Rejection::success_url_not_allowed:
      return "success_url_not_allowed";
    case Rejection::return_url_not_allowed:
      return "return_url_not_allowed";
    case Rejection::expires_at_too_soon:
      return "expires_at_too_soon";
    case Rejection::expires_at_too_late:
      return "expires_at_too_late";
    case Rejection::not_open:
      return "not_open";
    case Rejection::session_expired:
      return "session_expired";
    case Rejection::not_due:
      return "not_due";
    case Rejection::email_required:
      return "email_required";
    case Rejection::shipping_rate_unknown:
      return "shipping_rate_unknown";
    case Rejection::shipping_address_required:
      return "shipping_address_required";
    case Rejection::shipping_country_not_allowed:
      return "shipping_country_not_allowed";
    case Rejection::no_pending_authentication:
      return "no_pending_authentication";
  }
  PL_ASSERT(false, "every rejection has a name");
}

const orders::ShippingRate* Session::shipping_rate(std::string_view id) const {
  if (shipping_options.empty()) return nullptr;
  if (id.empty()) return &shipping_options.front();
  for (const auto& rate : shipping_options) {
    if (rate.id == id) return &rate;
  }
  return nullptr;
}

std::int64_t Session::amount_total_minor() const {
  if (completion) return completion->amount_total.minor();
  const orders::ShippingRate* rate = shipping_rate("");
  return amount_subtotal.minor() + (rate ? rate->amount.minor() : 0);
}

Decision decide(const State& state, const CreateSession& cmd) {
  if (state) return Unexpected{Rejection::session_exists};
  const SessionCreated& s = cmd.session;
  if (s.line_items.empty() || s.line_items.size() > kMaxLineItems) {
    return Unexpected{Rejection::line_items_count};
  }
  PL_ASSERT(cmd.line_currencies.size() == s.line_items.size(), "one currency per line");
  PL_ASSERT(cmd.shipping_currencies.size() == s.shipping_options.size(),
            "one currency per shipping option");
  return create_checked(cmd, s);
}

Decision decide(const State& state, const CompleteSession& cmd) {
  if (!state) return Unexpected{Rejection::session_missing};
  const Session& s = *state;
  if (s.status != Status::open) return Unexpected{Rejection::not_open};
  if (cmd.now.value >= s.expires_at.value) return Unexpected{Rejection::session_expired};
  if (cmd.details.email.empty() && cmd.customer.empty()) {
    return Unexpected{Rejection::email_required};
  }
  const orders::ShippingRate* rate = s.shipping_rate(cmd.shipping_rate);
  if (!cmd.shipping_rate.empty() && rate == nullptr) {
    return Unexpected{Rejection::shipping_rate_unknown};
  }
  if (s.collects_shipping_address && !cmd.shipping) {
    return Unexpected{Rejection::shipping_address_required};
  }
  if (cmd.shipping && !s.allowed_countries.empty() &&
      std::find(s.allowed_countries.begin(), s.allowed_countries.end(),
                cmd.shipping->address.country) == s.allowed_countries.end()) {
    return Unexpected{Rejection::shipping_country_not_allowed};
  }
  PL_ASSERT(s.mode != Mode::order || !cmd.order.empty(), "order mode completes with an order");
  SessionCompleted done;
  done.customer = cmd.customer;
  done.customer_details = cmd.details;
  done.shipping_details = cmd.shipping;
  if (rate) done.shipping_rate = *rate;
  done.amount_total =
      d::Amount::of_minor(s.amount_subtotal.minor() + (rate ? rate->amount.minor() : 0));
  done.payment_status = s.manual_capture ? PaymentStatus::unpaid : PaymentStatus::paid;
  if (s.mode == Mode::order) done.order = cmd.order;
  return std::vector<Event>{std::move(done)};
}

Decision decide(const State& state, const AwaitAuthentication& cmd) {
  auto decided = decide(state, cmd.completion);
  if (!decided) return decided;
  auto& completed = std::get<SessionCompleted>(decided->front());
  return std::vector<Event>{SessionAuthenticationStarted{std::move(completed)}};
}

Decision decide(const State& state, const FinishAuthentication& cmd) {
  if (!state) return Unexpected{Rejection::session_missing};
  if (state->status != Status::open) return Unexpected{Rejection::not_open};
  if (cmd.now.value >= state->expires_at.value) return Unexpected{Rejection::session_expired};
  if (!state->pending) return Unexpected{Rejection::no_pending_authentication};
  return std::vector<Event>{*state->pending};
}

Decision decide(const State& state, const ExpireSession& cmd) {
  if (!state) return Unexpected{Rejection::session_missing};
  if (state->status != Status::open) return Unexpected{Rejection::not_open};
  if (cmd.scheduled && cmd.now.value < state->expires_at.value) {
    return Unexpected{Rejection::not_due};
  }
  return std::vector<Event>{SessionExpired{cmd.scheduled}};
}

State evolve(State state, const d::RecordedOf<Event>& event) {
  const d::UnixSeconds at = event.meta.occurred_at;
  std::visit(
      Overloaded{
          [&](const SessionCreated& e) {
            PL_ASSERT(!state, "a session is created once");
            Session s;
            static_cast<SessionCreated&>(s) = e;
            s.created = at;
            state = std::move(s);
          },
          [&](const SessionCompleted& e) {
            PL_ASSERT(state && state->status == Status::open, "only an open session completes");
            state->status = Status::complete;
            state->completion = e;
            state->pending.reset();
            state->closed_at = at;
          },
          [&](const SessionAuthenticationStarted& e) {
            PL_ASSERT(state && state->status == Status::open, "only an open session pays");
            state->pending = e.pending;
          },
          [&](const SessionExpired&) {
            PL_ASSERT(state && state->status == Status::open, "only an open session expires");
            state->status = Status::expired;
            state->closed_at = at;
          },
      },
      event.body);
  return state;
}

bool opens(const Session& s, std::string_view secret) {
  const std::string_view full = s.client_secret;
  const std::string_view key = full.substr(full.rfind('_') + 1);
  return d::same_secret(secret, full) || d::same_secret(secret, key);
}

std::optional<d::UnixSeconds> due_at(const Session& s) {
  if (s.status != Status::open) return std::nullopt;
  return s.expires_at;
}

orders::OrderCreated order_of(const Session& s, const SessionCompleted& c, const std::string& id) {
  orders::OrderCreated o;
  o.id = orders::OrderId{id};
  o.checkout_session = s.id.value;
  o.payment_intent = s.payment_intent;
  o.customer = c.customer;
  o.currency = s.currency;
  o.line_items = s.line_items;
  o.amount_subtotal = s.amount_subtotal;
  o.amount_shipping = d::Amount::of_minor(c.shipping_rate ? c.shipping_rate->amount.minor() : 0);
  o.amount_total = c.amount_total;
  o.billing_details = c.customer_details;
  o.shipping_details = c.shipping_details;
  o.shipping_rate = c.shipping_rate;
  o.metadata = s.metadata;
  return o;
}

}  // namespace payledger::checkout_sessions
