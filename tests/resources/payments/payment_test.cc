// Direct API payments: card inspection and the payment decider, in tables. Pure, no RocksDB.
#include <doctest/doctest.h>

#include "resources/payments/card.h"
#include "resources/payments/payment.h"

using namespace payledger;
using namespace payledger::payments;
namespace d = payledger::domain;

namespace {

constexpr std::int64_t kNow = 1'742'025'600;  // 2025-03-15

void fill(RawCard& c, std::string number, std::int64_t month = 12, std::int64_t year = 2030,
          std::string cvc = "123") {
  c.number = std::move(number);
  c.exp_month = month;
  c.exp_year = year;
  c.cvc = std::move(cvc);
}

Expected<InspectedCard, CardRejection> inspect_number(const std::string& number,
                                                      std::int64_t month = 12,
                                                      std::int64_t year = 2030,
                                                      const std::string& cvc = "123") {
  RawCard c;
  fill(c, number, month, year, cvc);
  return inspect(c, d::UnixSeconds{kNow});
}

struct Stream {
  State state;
  std::uint64_t version = 0;
  std::int64_t at = kNow;
  void apply(const Decision& decision) {
    REQUIRE(decision.has_value());
    for (const auto& e : *decision) {
      const d::EventMeta meta{d::EventId{"evt"}, "pay_1", d::StreamVersion{++version},
                              d::MerchantId{"m"}, d::UnixSeconds{at}};
      state = evolve(std::move(state), d::RecordedOf<Event>{meta, e});
    }
  }
};

Stream created_with(const std::string& number, const std::string& return_url = "") {
  auto card = inspect_number(number);
  REQUIRE(card.has_value());
  CreatePayment cmd;
  cmd.amount_minor = 5000;
  cmd.payment.id = PaymentId{"pay_1"};
  cmd.payment.currency = *d::Currency::parse("eur");
  cmd.payment.card = card->facts;
  cmd.payment.network = card->profile;
  cmd.payment.return_url = return_url;
  if (card->profile.challenges()) {
    cmd.payment.challenge_url = "https://x/pay/3ds/pay_1?token=tok";
    cmd.payment.challenge_token = "tok";
  }
  Stream s;
  s.apply(decide(s.state, cmd));
  return s;
}

}  // namespace

TEST_CASE("card inspection: Luhn, length, expiry and CVC, in that order, naming what failed") {
  CHECK(luhn_valid("4242424242424242"));
  CHECK_FALSE(luhn_valid("4242424242424241"));
  CHECK(inspect_number("").error() == CardRejection::number_missing);
  CHECK(inspect_number("4242 4242 4242 4242").error() == CardRejection::number_malformed);
  CHECK(inspect_number("42424242424").error() == CardRejection::number_malformed);
  CHECK(inspect_number("4242424242424241").error() == CardRejection::number_luhn);
  CHECK(inspect_number("4242424242424242", 13).error() == CardRejection::exp_month_invalid);
  CHECK(inspect_number("4242424242424242", 0).error() == CardRejection::exp_month_invalid);
  CHECK(inspect_number("4242424242424242", 12, 1999).error() == CardRejection::exp_year_invalid);
  CHECK(inspect_number("4242424242424242", 12, 2099).error() == CardRejection::exp_year_invalid);
  CHECK(inspect_number("4242424242424242", 12, 2024).error() == CardRejection::expired);
  CHECK(inspect_number("4242424242424242", 2, 2025).error() == CardRejection::expired);
  CHECK(inspect_number("4242424242424242", 3, 2025).has_value());  // valid through March
  CHECK(inspect_number("4242424242424242", 12, 30).has_value());   // two-digit year
  CHECK(inspect_number("4242424242424242", 12, 2030, "12").error() == CardRejection::cvc_invalid);
  CHECK(inspect_number("4242424242424242", 12, 2030, "1234").error() == CardRejection::cvc_invalid);
  CHECK(inspect_number("378282246310005", 12, 2030, "123").error() == CardRejection::cvc_invalid);
  CHECK(inspect_number("378282246310005", 12, 2030, "1234").has_value());
  RawCard c;
  fill(c, "4242424242424242", 2, 2025);
  CHECK(expired_in_year_of(c, d::UnixSeconds{kNow}));
}

TEST_CASE("card inspection keeps brand, last4, expiry and country; never the number") {
  auto visa = inspect_number("4000002760003184", 7, 2031);
  REQUIRE(visa.has_value());
  CHECK(visa->facts.brand == "visa");
  CHECK(visa->facts.last4 == "3184");
  CHECK(visa->facts.exp_month == 7);
  CHECK(visa->facts.exp_year == 2031);
  CHECK(visa->facts.country == "DE");
  CHECK(visa->profile.behavior == Behavior::challenge);
  CHECK(brand_of("5555555555554444") == "mastercard");
  CHECK(brand_of("2223003122003222") == "mastercard");
  CHECK(brand_of("378282246310005") == "amex");
  CHECK(brand_of("6011111111111117") == "discover");
  CHECK(brand_of("3566002020360505") == "jcb");
  CHECK(brand_of("36227206271667") == "diners");
  CHECK(brand_of("6200000000000005") == "unionpay");
  CHECK(brand_of("9999999999999995") == "unknown");
  // Any other Luhn-valid number is approved; its country is unknown.
  auto other = inspect_number("4012888888881881");
  REQUIRE(other.has_value());
  CHECK(other->profile.behavior == Behavior::approve);
  CHECK(other->facts.country.empty());
}

TEST_CASE("every test card passes the Luhn check and behaves as its table row says") {
  for (const TestCard& t : test_cards()) {
    CAPTURE(t.number);
    CHECK(luhn_valid(t.number));
    auto card = inspect_number(std::string(t.number), 12, 2030,
                               brand_of(t.number) == "amex" ? "1234" : "123");
    REQUIRE(card.has_value());
    CHECK(card->profile.behavior == t.behavior);
    CHECK(card->profile.decline_code == t.decline_code);
  }
}

TEST_CASE("processing: the test network's answer per card, exactly once") {
  struct Row {
    std::string number;
    Status status;
    std::string decline_code;
  };
  const std::vector<Row> rows = {
      {"4242424242424242", Status::succeeded, ""},
      {"4000000000000002", Status::failed, "do_not_honor"},
      {"4000000000009995", Status::failed, "insufficient_funds"},
      {"4000000000000069", Status::failed, "expired_card"},
      {"4000000000009987", Status::failed, "lost_card"},
      {"4000000000009979", Status::failed, "stolen_card"},
      {"4000000000003220", Status::requires_action, ""},
      {"4000008400001629", Status::requires_action, ""},
      {"4000000000003105", Status::failed, "three_d_secure_not_supported"},
      {"4000000000003113", Status::failed, "three_d_secure_error"},
      {"4000000000005126", Status::succeeded, ""},
  };
  for (const Row& row : rows) {
    CAPTURE(row.number);
    Stream s = created_with(row.number, "https://shop.example/back");
    CHECK(s.state->status == Status::pending);
    s.apply(decide(s.state, ProcessPayment{"1234567890", d::UnixSeconds{kNow}, 900}));
    CHECK(s.state->status == row.status);
    CHECK(s.state->decline_code == row.decline_code);
    CHECK(decide(s.state, ProcessPayment{"1", d::UnixSeconds{kNow}, 900}).error() ==
          Rejection::not_pending);
    if (row.status == Status::succeeded) CHECK(s.state->succeeded_at.has_value());
    if (row.status == Status::failed) CHECK_FALSE(s.state->decline_message.empty());
    if (row.status == Status::requires_action) {
      CHECK(s.state->action_expires_at == d::UnixSeconds{kNow + 900});
      CHECK(due_at(*s.state) == d::UnixSeconds{kNow + 900});
    }
  }
}

TEST_CASE("create: amount bounds, and a challenged card needs a return_url") {
  auto card = inspect_number("4000000000003220");
  REQUIRE(card.has_value());
  CreatePayment cmd;
  cmd.payment.id = PaymentId{"pay_1"};
  cmd.payment.card = card->facts;
  cmd.payment.network = card->profile;
  cmd.payment.challenge_url = "https://x/pay/3ds/pay_1?token=tok";
  cmd.payment.challenge_token = "tok";
  cmd.amount_minor = 0;
  CHECK(decide(std::nullopt, cmd).error() == Rejection::amount_invalid);
  cmd.amount_minor = 100'000'000;
  CHECK(decide(std::nullopt, cmd).error() == Rejection::amount_invalid);
  cmd.amount_minor = 100;
  CHECK(decide(std::nullopt, cmd).error() == Rejection::return_url_required);
  cmd.payment.return_url = "https://shop.example/back";
  REQUIRE(decide(std::nullopt, cmd).has_value());
  Stream s;
  s.apply(decide(s.state, cmd));
  CHECK(decide(s.state, cmd).error() == Rejection::payment_exists);
  CHECK(due_at(*s.state) == d::UnixSeconds{kNow});  // processing is due at once
}

TEST_CASE("3-D Secure: the token, complete, fail, the always-failing card, and the timeout") {
  const std::string back = "https://shop.example/back";
  auto challenged = [&](const std::string& number) {
    Stream s = created_with(number, back);
    s.apply(decide(s.state, ProcessPayment{"1", d::UnixSeconds{kNow}, 900}));
    return s;
  };
  const d::UnixSeconds t{kNow + 10};
  Stream s = challenged("4000000000003220");
  CHECK(decide(s.state, AuthenticatePayment{"nope", true, "2", t}).error() ==
        Rejection::challenge_token_invalid);
  CHECK(decide(s.state, AuthenticatePayment{"", true, "2", t}).error() ==
        Rejection::challenge_token_invalid);
  CHECK(decide(s.state, ExpirePayment{t}).error() == Rejection::not_due);
  CHECK(
      decide(s.state, AuthenticatePayment{"tok", true, "2", d::UnixSeconds{kNow + 900}}).error() ==
      Rejection::action_expired);
  s.apply(decide(s.state, AuthenticatePayment{"tok", true, "2", t}));
  CHECK(s.state->status == Status::succeeded);
  CHECK(s.state->three_d_secure);
  CHECK(decide(s.state, AuthenticatePayment{"tok", false, "2", t}).error() ==
        Rejection::not_awaiting_action);

  Stream failed = challenged("4000000000003220");
  failed.apply(decide(failed.state, AuthenticatePayment{"tok", false, "2", t}));
  CHECK(failed.state->status == Status::failed);
  CHECK(failed.state->decline_code == "three_d_secure_failed");

  Stream always = challenged("4000008400001629");
  always.apply(decide(always.state, AuthenticatePayment{"tok", true, "2", t}));
  CHECK(always.state->decline_code == "three_d_secure_failed");

  Stream late = challenged("4000002760003184");
  late.apply(decide(late.state, ExpirePayment{d::UnixSeconds{kNow + 900}}));
  CHECK(late.state->status == Status::expired);
  CHECK(late.state->decline_code == "three_d_secure_timeout");
  CHECK(late.state->failed_at.has_value());
  CHECK_FALSE(due_at(*late.state).has_value());
}

TEST_CASE("cancel: only while pending or requires_action") {
  Stream pending = created_with("4242424242424242");
  pending.apply(decide(pending.state, CancelPayment{}));
  CHECK(pending.state->status == Status::canceled);
  CHECK(decide(pending.state, CancelPayment{}).error() == Rejection::not_cancelable);
  CHECK_FALSE(due_at(*pending.state).has_value());
  Stream done = created_with("4242424242424242");
  done.apply(decide(done.state, ProcessPayment{"1", d::UnixSeconds{kNow}, 900}));
  CHECK(decide(done.state, CancelPayment{}).error() == Rejection::not_cancelable);
  CHECK(decide(std::nullopt, CancelPayment{}).error() == Rejection::payment_missing);
}

TEST_CASE("refunds: never more than the amount; only succeeded ones count") {
  Stream s = created_with("4242424242424242");
  CHECK(decide(s.state, RefundPayment{RefundId{"ref_0"}, std::nullopt, ""}).error() ==
        Rejection::not_refundable);
  s.apply(decide(s.state, ProcessPayment{"1", d::UnixSeconds{kNow}, 900}));
  CHECK(decide(s.state, RefundPayment{RefundId{"ref_0"}, 0, ""}).error() ==
        Rejection::refund_amount_invalid);
  CHECK(decide(s.state, RefundPayment{RefundId{"ref_0"}, 5001, ""}).error() ==
        Rejection::refund_exceeds_remaining);
  s.apply(decide(s.state, RefundPayment{RefundId{"ref_1"}, 2000, "requested_by_customer"}));
  CHECK(s.state->refunded_amount.minor() == 0);  // pending refunds do not count yet
  CHECK(s.state->refundable().minor() == 3000);  // but they are held
  CHECK(decide(s.state, RefundPayment{RefundId{"ref_2"}, 3001, ""}).error() ==
        Rejection::refund_exceeds_remaining);
  s.apply(decide(s.state, SettleRefunds{}));
  CHECK(s.state->refunds[0].status == RefundStatus::succeeded);
  CHECK(s.state->refunded_amount.minor() == 2000);
  CHECK_FALSE(s.state->refunded_at.has_value());
  s.apply(decide(s.state, RefundPayment{RefundId{"ref_2"}, std::nullopt, ""}));  // the rest
  CHECK(s.state->refunds[1].amount.minor() == 3000);
  CHECK(decide(s.state, RefundPayment{RefundId{"ref_3"}, 1, ""}).error() ==
        Rejection::fully_refunded);
  s.at = kNow + 60;
  s.apply(decide(s.state, SettleRefunds{}));
  CHECK(s.state->refunded_amount.minor() == 5000);
  CHECK(s.state->refunded_at == d::UnixSeconds{kNow + 60});
  CHECK(decide(s.state, SettleRefunds{}).error() == Rejection::no_pending_refund);
}

TEST_CASE("refunds of 4000000000005126 fail, and their amount is refundable again") {
  Stream s = created_with("4000000000005126");
  s.apply(decide(s.state, ProcessPayment{"1", d::UnixSeconds{kNow}, 900}));
  s.apply(decide(s.state, RefundPayment{RefundId{"ref_1"}, std::nullopt, ""}));
  CHECK(due_at(*s.state) == d::UnixSeconds{kNow});
  s.apply(decide(s.state, SettleRefunds{}));
  CHECK(s.state->refunds[0].status == RefundStatus::failed);
  CHECK(s.state->refunds[0].failure_code == "refund_declined");
  CHECK(s.state->refunded_amount.minor() == 0);
  CHECK(s.state->refundable().minor() == 5000);
}
