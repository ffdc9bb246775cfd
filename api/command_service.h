#pragma once
// The write side: load an aggregate from the log, decide, append the events (with the
// request's idempotency record, in one atomic batch), and answer with the object as the events
// leave it. A version conflict with a concurrent writer is retried against the new state.
#include <optional>
#include <string>

#include "api/clock.h"
#include "api/errors.h"
#include "api/ids.h"
#include "domain/expected.h"
#include "domain/payment_intent.h"
#include "eventstore/event_store.h"

namespace payledger::api {

// Stores the response under `store_key` if the command succeeds (2xx).
struct IdempotencyWrite {
  std::string store_key;
  std::string request_sha256;
};

struct Outcome {
  int http_status = 200;
  std::string body;               // the API object, or an error
  eventstore::Position position;  // of the last event appended; 0 when none was
};

struct CreateIntentParams {
  std::int64_t amount_minor = 0;
  std::string currency;
  std::string capture_method = "automatic";
  std::string customer;
  std::string description;
  domain::Metadata metadata;
  std::optional<std::string> payment_method;
  bool confirm = false;
  std::string return_url;
};

class CommandService {
 public:
  // REQUIRES: all three outlive the service.
  CommandService(eventstore::EventStore& store, IdGenerator& ids, const Clock& clock)
      : store_(store), ids_(ids), clock_(clock) {}

  Outcome create_intent(const domain::MerchantId& merchant, const CreateIntentParams& params,
                        const IdempotencyWrite* idem);
  Outcome confirm(const domain::MerchantId& merchant, const std::string& intent_id,
                  std::optional<std::string> payment_method, std::string return_url,
                  const IdempotencyWrite* idem);
  Outcome capture(const domain::MerchantId& merchant, const std::string& intent_id,
                  std::optional<std::int64_t> amount_to_capture, const IdempotencyWrite* idem);
  Outcome cancel(const domain::MerchantId& merchant, const std::string& intent_id,
                 std::optional<std::string> reason, const IdempotencyWrite* idem);
  Outcome refund(const domain::MerchantId& merchant, const std::string& intent_id,
                 std::optional<std::int64_t> amount, std::optional<std::string> reason,
                 domain::Metadata metadata, const IdempotencyWrite* idem);
  // Time-driven steps of the due-time sweep.
  Outcome expire(const domain::MerchantId& merchant, const std::string& intent_id);
  Outcome settle(const domain::MerchantId& merchant, const std::string& intent_id);

  struct NewMerchant {
    domain::MerchantId id;
    eventstore::Position position;
  };
  // Records a merchant that owns the key whose SHA-256 is `key_sha256`.
  Expected<NewMerchant, eventstore::Status> create_merchant(const std::string& name,
                                                            const std::string& key_sha256,
                                                            const std::string& key_last4);

  // The intent as its stream in the log says now; nullopt when absent or another merchant's.
  Expected<domain::IntentState, eventstore::Status> load_intent(const domain::MerchantId& merchant,
                                                                const std::string& intent_id) const;

 private:
  enum class Answer { intent, refund };
  template <class Command>
  Outcome run(const domain::MerchantId& merchant, const std::string& stream_id, const Command& cmd,
              Answer answer, const IdempotencyWrite* idem);

  eventstore::EventStore& store_;
  IdGenerator& ids_;
  const Clock& clock_;
};

}  // namespace payledger::api
