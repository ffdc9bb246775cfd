#include "projections/public_events.h"

#include <simdjson.h>

#include "json/writer.h"

namespace payledger::projections {
namespace {

// splitmix64's finalizer: a bijection of 64-bit numbers, so distinct sequences give distinct ids.
std::uint64_t mix(std::uint64_t x) {
  x ^= x >> 30U;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27U;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31U;
  return x;
}

}  // namespace

std::string public_event_id(std::uint64_t sequence) {
  return sequence_id("evt_", sequence, 0);
}

std::string sequence_id(std::string_view prefix, std::uint64_t sequence, std::uint64_t salt) {
  static constexpr std::string_view kDigits =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  constexpr std::size_t kChars = 11;  // 62^11 > 2^64
  std::string id = std::string(prefix) + std::string(kChars, '0');
  std::uint64_t v = mix(sequence ^ salt);
  for (std::size_t i = 0; i < kChars; ++i) {
    id[id.size() - 1 - i] = kDigits[v % kDigits.size()];
    v /= kDigits.size();
  }
  return id;
}

std::string previous_attributes(std::string_view before, std::string_view after) {
  if (before.empty()) return "{}";
  thread_local simdjson::dom::parser before_parser;
  thread_local simdjson::dom::parser after_parser;
  simdjson::dom::object old_object;
  simdjson::dom::object new_object;
  if (before_parser.parse(before.data(), before.size()).get(old_object) != simdjson::SUCCESS ||
      after_parser.parse(after.data(), after.size()).get(new_object) != simdjson::SUCCESS) {
    return "{}";  // not JSON objects (a module's mistake): nothing to compare
  }
  json::Writer w;
  w.begin_object();
  for (auto [key, value] : new_object) {
    simdjson::dom::element old_value;
    if (old_object.at_key(key).get(old_value) != simdjson::SUCCESS) {
      w.key(key);
      w.null();
      continue;
    }
    const std::string old_json = simdjson::minify(old_value);
    if (old_json != simdjson::minify(value)) {
      w.key(key);
      w.raw_value(old_json);
    }
  }
  w.end_object();
  return w.take();
}

std::string public_event_json(const PublicEvent& event) {
  json::Writer w;
  w.begin_object();
  w.text("id", event.id);
  w.text("object", contract::kEventObject);
  w.text("api_version", contract::kApiVersion);
  w.number("created", event.created.value);
  w.key("data");
  w.begin_object();
  w.key("object");
  w.raw_value(event.object_json);
  if (!event.previous_attributes.empty()) {
    w.key("previous_attributes");
    w.raw_value(event.previous_attributes);
  }
  w.end_object();
  w.flag("livemode", false);
  // Deliveries are not views: the count of those waiting is not kept here.
  w.number("pending_webhooks", 0);
  w.key("request");
  w.begin_object();
  w.key("id");
  w.null();
  w.key("idempotency_key");
  w.null();
  w.end_object();
  w.text("type", event.type);
  w.end_object();
  return w.take();
}

}  // namespace payledger::projections
