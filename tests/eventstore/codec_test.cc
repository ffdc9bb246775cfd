#include <doctest/doctest.h>

#include <vector>

#include "contract/events.h"
#include "eventstore/codec.h"
#include "resources/merchants/merchant.h"
#include "resources/payment_intents/events.h"

using namespace payledger;
using namespace payledger::domain;
using namespace payledger::payment_intents;

namespace {

EventMeta meta(std::uint64_t version) {
  return {EventId{"evt_1"}, "pi_1", StreamVersion{version}, MerchantId{"mer_1"},
          UnixSeconds{1'742'025'600}};
}

std::vector<Event> every_event_type() {
  IntentCreated created;
  created.id = PaymentIntentId{"pi_1"};
  created.amount = Money{Amount::of_minor(4999), *Currency::parse("usd")};
  created.capture_method = CaptureMethod::manual;
  created.customer = "cus_1";
  created.description = "Acme \"Pro\" — monthly\n";
  created.metadata = {{"order_ref", "ORD-1"}, {"emoji", "✓"}};
  created.payment_method = PaymentMethodId{"pm_card_visa"};
  created.client_secret = "pi_1_secret_2";
  return {
      created,
      IntentConfirmed{PaymentMethodId{"pm_card_visa"}, "https://shop.example/return"},
      IntentRequiresAction{"/v1/payment_intents/pi_1/confirm", "https://shop.example/return"},
      IntentProcessing{ChargeId{"ch_1"}},
      IntentAuthorized{ChargeId{"ch_1"}, Amount::of_minor(4999)},
      IntentCaptured{ChargeId{"ch_1"}, Amount::of_minor(4000)},
      IntentPaymentFailed{ChargeId{"ch_2"}, PaymentMethodId{"pm_card_expired"}, "expired_card",
                          "expired_card", "Your card has expired."},
      IntentCanceled{CancellationReason::automatic},
      RefundCreated{RefundId{"re_1"},
                    ChargeId{"ch_1"},
                    Amount::of_minor(100),
                    *Currency::parse("jpy"),
                    RefundReason::duplicate,
                    {{"a", "b"}}},
  };
}

struct Decoded {
  EventMeta meta;
  IntentEvent body;
};

Expected<Decoded, eventstore::Status> decode(const std::string& payload) {
  eventstore::EnvelopeParser parser;
  eventstore::EventHeader header;
  json::Value data;
  if (auto s = parser.parse(payload, &header, &data); !s.is_ok()) return Unexpected{s};
  auto body = contract::decode_body<IntentEvent>(header, data);
  if (!body) return Unexpected{body.error()};
  return Decoded{header.meta, std::move(*body)};
}

}  // namespace

TEST_CASE("every event type survives encode then decode unchanged") {
  std::uint64_t version = 1;
  for (const Event& e : every_event_type()) {
    CAPTURE(event_type(e));
    const std::string json = contract::encode_event(meta(version), e);
    auto decoded = decode(json);
    REQUIRE(decoded.has_value());
    CHECK(decoded->meta.version.value == version);
    CHECK(decoded->meta.merchant.value == "mer_1");
    CHECK(decoded->meta.occurred_at.value == 1'742'025'600);
    CHECK(event_type(decoded->body) == event_type(e));
    // Encoding is deterministic: the decoded event encodes to the same bytes.
    CHECK(contract::encode_event(decoded->meta, decoded->body) == json);
    ++version;
  }
}

TEST_CASE("another aggregate's events use the same codec") {
  const merchants::Event e = merchants::ApiKeyCreated{"ab12", "wxyz"};
  const std::string json = contract::encode_event(meta(2), e);
  eventstore::EnvelopeParser parser;
  eventstore::EventHeader header;
  json::Value data;
  REQUIRE(parser.parse(json, &header, &data).is_ok());
  CHECK(header.type == "api_key.created");
  auto body = contract::decode_body<merchants::Event>(header, data);
  REQUIRE(body.has_value());
  CHECK(std::get<merchants::ApiKeyCreated>(*body).key_last4 == "wxyz");
  // A payment intent's decoder does not take it.
  CHECK_FALSE(contract::decode_body<IntentEvent>(header, data).has_value());
}

TEST_CASE("the envelope carries what docs/events.md promises") {
  const std::string json = contract::encode_event(meta(1), every_event_type()[0]);
  CHECK(json.find("\"type\":\"payment_intent.created\"") != std::string::npos);
  CHECK(json.find("\"schema_version\":1") != std::string::npos);
  CHECK(json.find("\"stream_id\":\"pi_1\"") != std::string::npos);
  CHECK(json.find("\"merchant_id\":\"mer_1\"") != std::string::npos);
  CHECK(json.find("\"data\":{\"id\":\"pi_1\",\"amount\":4999,\"currency\":\"usd\"") !=
        std::string::npos);
}

TEST_CASE("what is not an envelope is reported as corruption") {
  const char* bad[] = {
      "",
      "not json",
      "{}",
      "[1,2]",
      R"({"id":"e","type":"payment_intent.nope","schema_version":1,"stream_id":"s","stream_version":1,"merchant_id":"m","occurred_at":1,"data":{}})",
      R"({"id":"e","type":"payment_intent.captured","schema_version":2,"stream_id":"s","stream_version":1,"merchant_id":"m","occurred_at":1,"data":{"charge":"c","amount":1}})",
      R"({"id":"e","type":"payment_intent.captured","schema_version":1,"stream_id":"s","stream_version":1,"merchant_id":"m","occurred_at":1,"data":{"charge":"c","amount":-1}})",
  };
  for (const char* payload : bad) {
    CAPTURE(payload);
    auto decoded = decode(payload);
    REQUIRE_FALSE(decoded.has_value());
    CHECK(decoded.error().code() == eventstore::Status::Code::corruption);
  }
}
