#pragma once
// How a resource module adds its write routes to the server. The server authenticates, parses
// the body, handles Idempotency-Key and read-your-writes; a handler only turns parameters into
// commands and answers with an Outcome. Retrieve and list routes of every object are generic
// (contract::ObjectSpec) and need no handler.
#include <functional>
#include <string>
#include <vector>

#include "api/command_service.h"
#include "api/params.h"
#include "projections/queries.h"

namespace payledger::api {

// One authenticated write request, as a handler sees it.
struct Call {
  const domain::MerchantId& merchant;
  Params& params;                        // the body's parameters
  const std::vector<std::string>& path;  // the pattern's captures: path[0] is the first
  const IdempotencyWrite* idempotency;   // stored with the request's events, when given
  CommandService& commands;
};

using WriteHandler = std::function<Outcome(Call&)>;

class Routes {
 public:
  virtual ~Routes() = default;
  // `pattern` is a regular expression of the path; `label` names it in metrics
  // ("/v1/customers/:id"). Captured groups arrive in Call::path, checked as ids by `id_prefix`
  // (an id of another shape answers 404 naming `object`).
  struct Write {
    std::string method;  // "POST" or "DELETE"
    std::string pattern;
    std::string label;
    std::string object;     // for the 404 of an id of the wrong shape
    std::string id_prefix;  // "" when the path captures no id
    WriteHandler handler;
  };
  virtual void add(Write route) = 0;
};

// The answer of a handler that failed before anything was written.
Outcome error_outcome(const ApiError& e);

// Decides on one stream of module M and appends what was decided, again on a version conflict:
// the stream is loaded (or taken as new when `fresh`), `decide(state)` returns the module's
// decision, a rejection is told with `error(rejection)`, and the answer is
// `answer(events, state after them)`, stored with the events under the Idempotency-Key.
template <class M, class Decide, class Answer, class Error>
Outcome decide_and_append(Call& call, const std::string& stream_id, bool fresh, Decide&& decide,
                          Answer&& answer, Error&& error) {
  return call.commands.retrying([&]() -> Outcome {
    Loaded<M> loaded{stream_id, 0, std::nullopt};
    if (!fresh) {
      auto found = call.commands.load<M>(call.merchant, stream_id);
      if (!found) return storage_failure(found.error());
      loaded = std::move(*found);
    }
    auto decision = decide(loaded.state);
    if (!decision) return error_outcome(error(decision.error()));
    Transaction tx(call.commands, call.merchant, call.commands.now());
    const auto next = tx.add(loaded, *decision);
    return tx.commit(answer(*decision, next), call.idempotency);
  });
}

// A resource's id is its prefix and base62: anything else cannot name an object.
bool valid_id(const std::string& id, std::string_view prefix);

}  // namespace payledger::api
