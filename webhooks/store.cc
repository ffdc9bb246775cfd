#include "webhooks/store.h"

#include <simdjson.h>

#include "eventstore/event_store.h"
#include "json/writer.h"

namespace payledger::webhooks {
namespace {

using eventstore::Status;

constexpr std::size_t kKeyTail = 8 + 8 + 1;  // be64, be64, kind

std::string with_tail(std::string prefix, std::uint64_t first, std::uint64_t sequence,
                      bool manual) {
  eventstore::put_be64(prefix, first);
  eventstore::put_be64(prefix, sequence);
  prefix.push_back(manual ? 'm' : 'a');
  return prefix;
}

}  // namespace

std::string StoreKeys::queue_prefix(std::string_view endpoint) {
  std::string k(kQueues);
  k.append(endpoint).push_back('\0');
  return k;
}
std::string StoreKeys::attempts_prefix(std::string_view endpoint) {
  std::string k("t/");
  k.append(endpoint).push_back('\0');
  return k;
}
std::string StoreKeys::attempt(std::string_view endpoint, std::uint64_t number) {
  std::string k = attempts_prefix(endpoint);
  eventstore::put_be64(k, number);
  return k;
}
std::string_view StoreKeys::endpoint_of_queue_key(std::string_view key) {
  key.remove_prefix(kQueues.size());
  return key.substr(0, key.find('\0'));
}

std::string Pending::key() const {
  return with_tail(StoreKeys::queue_prefix(endpoint), static_cast<std::uint64_t>(due_at), sequence,
                   manual);
}
std::string Pending::value() const {
  json::Writer w;
  w.begin_object();
  w.text("merchant", merchant);
  w.text("event", event_id);
  w.text("type", type);
  w.number("attempts", attempts);
  w.number("first_at", first_at);
  w.end_object();
  return w.take();
}

Expected<Pending, Status> Pending::parse(std::string_view key, std::string_view value) {
  if (!key.starts_with(StoreKeys::kQueues) ||
      key.size() < StoreKeys::kQueues.size() + kKeyTail + 1) {
    return Unexpected{Status::corruption("a webhook queue key is too short")};
  }
  Pending p;
  p.endpoint = std::string(StoreKeys::endpoint_of_queue_key(key));
  const char* tail = key.data() + key.size() - kKeyTail;
  p.due_at = static_cast<std::int64_t>(eventstore::get_be64(tail));
  p.sequence = eventstore::get_be64(tail + 8);
  p.manual = tail[16] == 'm';
  thread_local simdjson::dom::parser parser;
  simdjson::dom::object o;
  std::string_view merchant;
  std::string_view event;
  std::string_view type;
  std::int64_t attempts = 0;
  if (parser.parse(value.data(), value.size()).get(o) != simdjson::SUCCESS ||
      o["merchant"].get(merchant) != simdjson::SUCCESS ||
      o["event"].get(event) != simdjson::SUCCESS || o["type"].get(type) != simdjson::SUCCESS ||
      o["attempts"].get(attempts) != simdjson::SUCCESS ||
      o["first_at"].get(p.first_at) != simdjson::SUCCESS) {
    return Unexpected{Status::corruption("a webhook queue entry of " + p.endpoint +
                                         " is not what delivery wrote")};
  }
  p.merchant = std::string(merchant);
  p.event_id = std::string(event);
  p.type = std::string(type);
  p.attempts = static_cast<int>(attempts);
  return p;
}

std::string Attempt::key() const {
  return StoreKeys::attempt(endpoint, number);
}

std::string Attempt::json(std::string_view endpoint_object) const {
  json::Writer w;
  w.begin_object();
  w.text("id", "wha_" + std::to_string(number));
  w.text("object", std::string(endpoint_object) + ".attempt");
  w.text(endpoint_object, endpoint);
  w.text("event", event_id);
  w.text("type", type);
  w.number("created", created);
  w.number("attempt", attempt);
  w.flag("manual", manual);
  w.key("status_code");
  if (status_code == 0) {
    w.null();
  } else {
    w.number_value(status_code);
  }
  w.number("latency_ms", latency_ms);
  w.text_or_null("error", error);
  w.text("outcome", outcome);
  w.key("next_attempt_at");
  if (next_attempt_at) {
    w.number_value(*next_attempt_at);
  } else {
    w.null();
  }
  w.end_object();
  return w.take();
}

}  // namespace payledger::webhooks
