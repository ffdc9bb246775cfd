// Checkout sessions and orders: the deciders in tables. Pure, no RocksDB.
#include <doctest/doctest.h>

#include <functional>

#include "resources/checkout_sessions/session.h"
#include "resources/orders/order.h"

using namespace payledger;
using namespace payledger::checkout_sessions;
namespace d = payledger::domain;

namespace {

constexpr std::int64_t kNow = 1'742'025'600;

orders::LineItem line(std::int64_t unit_amount, std::int64_t quantity) {
  orders::LineItem l;
  l.id = "csli_1";
  l.price = prices::PriceId{"price_1"};
  l.product = products::ProductId{"prod_1"};
  l.description = "Desk";
  l.quantity = quantity;
  l.unit_amount = d::Amount::of_minor(unit_amount);
  return l;
}

orders::ShippingRate rate(std::string id, std::int64_t amount) {
  return {std::move(id), "Standard", d::Amount::of_minor(amount), std::nullopt, std::nullopt};
}

CreateSession create(std::vector<orders::LineItem> lines,
                     std::vector<orders::ShippingRate> rates = {}) {
  CreateSession cmd;
  cmd.session.id = SessionId{"cs_1"};
  cmd.session.currency = *d::Currency::parse("usd");
  cmd.session.line_items = std::move(lines);
  cmd.session.shipping_options = std::move(rates);
  cmd.session.success_url = "https://shop.example/ok";
  cmd.session.expires_at = d::UnixSeconds{kNow + 3600};
  cmd.line_currencies.assign(cmd.session.line_items.size(), cmd.session.currency);
  cmd.shipping_currencies.assign(cmd.session.shipping_options.size(), cmd.session.currency);
  cmd.now = d::UnixSeconds{kNow};
  return cmd;
}

struct Stream {
  State state;
  std::uint64_t version = 0;
  void apply(const Decision& decision, std::int64_t at = kNow) {
    REQUIRE(decision.has_value());
    for (const auto& e : *decision) {
      const d::EventMeta meta{d::EventId{"evt"}, "cs_1", d::StreamVersion{++version},
                              d::MerchantId{"m"}, d::UnixSeconds{at}};
      state = evolve(std::move(state), {meta, e});
    }
  }
};

CompleteSession completion(std::string rate_id = "", std::int64_t at = kNow + 60) {
  CompleteSession c;
  c.details.email = "jenny@example.com";
  c.shipping_rate = std::move(rate_id);
  c.now = d::UnixSeconds{at};
  return c;
}

}  // namespace

TEST_CASE("create: every rule, in precedence order") {
  struct Case {
    const char* name;
    std::function<void(CreateSession&)> change;
    std::optional<Rejection> expected;
  };
  const std::vector<Case> cases = {
      {"valid", [](CreateSession&) {}, std::nullopt},
      {"no lines",
       [](CreateSession& c) {
         c.session.line_items.clear();
         c.line_currencies.clear();
       },
       Rejection::line_items_count},
      {"quantity 0", [](CreateSession& c) { c.session.line_items[0].quantity = 0; },
       Rejection::quantity_invalid},
      {"mixed currencies",
       [](CreateSession& c) {
         c.session.line_items.push_back(line(100, 1));
         c.line_currencies.push_back(*d::Currency::parse("eur"));
       },
       Rejection::currency_mixed},
      {"shipping in eur",
       [](CreateSession& c) {
         c.session.shipping_options.push_back(rate("shr_1", 500));
         c.shipping_currencies.push_back(*d::Currency::parse("eur"));
       },
       Rejection::shipping_currency_mismatch},
      {"over the maximum", [](CreateSession& c) { c.session.line_items[0].quantity = 2'005; },
       Rejection::amount_invalid},
      {"free",
       [](CreateSession& c) { c.session.line_items[0].unit_amount = d::Amount::of_minor(0); },
       Rejection::amount_invalid},
      {"free lines, a free shipping option",
       [](CreateSession& c) {
         c.session.line_items[0].unit_amount = d::Amount::of_minor(0);
         c.session.shipping_options = {rate("shr_1", 500), rate("shr_2", 0)};
         c.shipping_currencies.assign(2, c.session.currency);
       },
       Rejection::amount_invalid},
      {"hosted without success_url", [](CreateSession& c) { c.session.success_url.clear(); },
       Rejection::success_url_required},
      {"embedded with success_url", [](CreateSession& c) { c.session.ui_mode = UiMode::embedded; },
       Rejection::success_url_not_allowed},
      {"hosted with return_url",
       [](CreateSession& c) { c.session.return_url = "https://x.example"; },
       Rejection::return_url_not_allowed},
      {"expires in 29 minutes",
       [](CreateSession& c) { c.session.expires_at = d::UnixSeconds{kNow + 29 * 60}; },
       Rejection::expires_at_too_soon},
      {"expires in 366 days",
       [](CreateSession& c) { c.session.expires_at = d::UnixSeconds{kNow + 366 * 86400}; },
       Rejection::expires_at_too_late},
  };
  for (const Case& c : cases) {
    const std::string case_name = c.name;
    CAPTURE(case_name);
    CreateSession cmd = create({line(49'900, 2)});
    c.change(cmd);
    const Decision d = decide(std::nullopt, cmd);
    if (c.expected) {
      REQUIRE_FALSE(d.has_value());
      CHECK(name(d.error()) == name(*c.expected));
    } else {
      REQUIRE(d.has_value());
      const auto& created = std::get<SessionCreated>(d->front());
      CHECK(created.amount_subtotal.minor() == 99'800);
      CHECK(created.line_items[0].amount_total.minor() == 99'800);
    }
  }
  Stream s;
  s.apply(decide(std::nullopt, create({line(100, 1)})));
  CHECK(decide(s.state, create({line(100, 1)})).error() == Rejection::session_exists);
}

TEST_CASE("complete: the shipping chosen sets the total; rules on address and country") {
  Stream s;
  CreateSession cmd = create({line(2'500, 2)}, {rate("shr_std", 500), rate("shr_exp", 1'500)});
  cmd.session.collects_shipping_address = true;
  cmd.session.allowed_countries = {"US", "CA"};
  s.apply(decide(std::nullopt, cmd));
  CHECK(s.state->amount_total_minor() == 5'500);  // the first option by default
  CHECK(decide(s.state, completion()).error() == Rejection::shipping_address_required);
  CompleteSession c = completion("shr_exp");
  c.shipping = customers::Shipping{"Jenny", "", {"1 Main", "", "Springfield", "12345", "", "GB"}};
  CHECK(decide(s.state, c).error() == Rejection::shipping_country_not_allowed);
  c.shipping->address.country = "US";
  c.details.email.clear();
  CHECK(decide(s.state, c).error() == Rejection::email_required);
  c.details.email = "jenny@example.com";
  CHECK(decide(s.state, completion("shr_nope")).error() == Rejection::shipping_rate_unknown);
  CompleteSession late = c;
  late.now = d::UnixSeconds{kNow + 3600};
  CHECK(decide(s.state, late).error() == Rejection::session_expired);
  const Decision done = decide(s.state, c);
  REQUIRE(done.has_value());
  CHECK(std::get<SessionCompleted>(done->front()).amount_total.minor() == 6'500);
  s.apply(done);
  CHECK(s.state->status == Status::complete);
  CHECK(s.state->amount_total_minor() == 6'500);
  CHECK(due_at(*s.state) == std::nullopt);
  CHECK(decide(s.state, c).error() == Rejection::not_open);
  CHECK(decide(s.state, ExpireSession{false, d::UnixSeconds{kNow}}).error() == Rejection::not_open);
}

TEST_CASE("3-D Secure: the completion waits, then finishes with what waited") {
  Stream s;
  s.apply(decide(std::nullopt, create({line(1'000, 1)})));
  CHECK(decide(s.state, FinishAuthentication{d::UnixSeconds{kNow}}).error() ==
        Rejection::no_pending_authentication);
  s.apply(decide(s.state, AwaitAuthentication{completion()}));
  REQUIRE(s.state->pending.has_value());
  CHECK(s.state->status == Status::open);
  const Decision finished = decide(s.state, FinishAuthentication{d::UnixSeconds{kNow + 90}});
  REQUIRE(finished.has_value());
  s.apply(finished);
  CHECK(s.state->status == Status::complete);
  CHECK_FALSE(s.state->pending.has_value());
  CHECK(s.state->completion->customer_details.email == "jenny@example.com");
}

TEST_CASE("expiry: due at expires_at; the sweeper's is refused before it") {
  Stream s;
  s.apply(decide(std::nullopt, create({line(1'000, 1)})));
  CHECK(due_at(*s.state) == d::UnixSeconds{kNow + 3600});
  CHECK(decide(s.state, ExpireSession{true, d::UnixSeconds{kNow + 3599}}).error() ==
        Rejection::not_due);
  CHECK(decide(s.state, ExpireSession{false, d::UnixSeconds{kNow + 10}}).has_value());
  s.apply(decide(s.state, ExpireSession{true, d::UnixSeconds{kNow + 3600}}));
  CHECK(s.state->status == Status::expired);
  CHECK(decide(s.state, completion()).error() == Rejection::not_open);
  CHECK(decide(std::nullopt, ExpireSession{}).error() == Rejection::session_missing);
}

TEST_CASE("orders: created once, balanced, from the session's completion") {
  Stream s;
  s.apply(decide(std::nullopt, create({line(2'500, 2)}, {rate("shr_std", 500)})));
  const Decision done = decide(s.state, completion());
  const auto& completed = std::get<SessionCompleted>(done->front());
  orders::OrderCreated order = order_of(*s.state, completed, "ord_1");
  CHECK(order.amount_total.minor() == 5'500);
  CHECK(order.amount_shipping.minor() == 500);
  REQUIRE(orders::decide(std::nullopt, orders::CreateOrder{order}).has_value());
  orders::OrderCreated unbalanced = order;
  unbalanced.amount_total = d::Amount::of_minor(5'000);
  CHECK(orders::decide(std::nullopt, orders::CreateOrder{unbalanced}).error() ==
        orders::Rejection::amounts_unbalanced);
  orders::OrderCreated empty = order;
  empty.line_items.clear();
  CHECK(orders::decide(std::nullopt, orders::CreateOrder{empty}).error() ==
        orders::Rejection::lines_missing);
  const orders::State existing = orders::Order{};
  CHECK(orders::decide(existing, orders::CreateOrder{order}).error() ==
        orders::Rejection::order_exists);
}
