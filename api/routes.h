#pragma once
// How a resource module adds its write routes to the server. The server authenticates, parses
// the body, handles Idempotency-Key and read-your-writes; a handler only turns parameters into
// commands and answers with an Outcome. Retrieve and list routes of every object are generic
// (contract::ObjectSpec) and need no handler.
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "api/command_service.h"
#include "api/params.h"
#include "contract/aggregate.h"
#include "projections/queries.h"

namespace payledger::api {

// How a request reached the server: what a route needs to refuse sensitive data sent in clear,
// and to build absolute URLs back to this server (pages a customer's browser opens).
struct Transport {
  bool tls = false;      // HTTPS
  bool loopback = true;  // the peer is this machine (127.0.0.0/8 or ::1)
  std::string base_url;  // "https://pay.example.com": --public-url, else scheme and Host
};

// One authenticated write request, as a handler sees it.
struct Call {
  const domain::MerchantId& merchant;
  Params& params;                        // the body's parameters
  const std::vector<std::string>& path;  // the pattern's captures: path[0] is the first
  const IdempotencyWrite* idempotency;   // stored with the request's events, when given
  CommandService& commands;
  const Transport& transport;
};

using WriteHandler = std::function<Outcome(Call&)>;

// A page a customer's browser opens (not the merchant's API): no API key, answers HTML or a
// redirect. The URL itself must carry what authorizes it (an unguessable token).
struct PageRequest {
  const std::vector<std::string>& path;  // the pattern's captures
  // The query's parameters, and an x-www-form-urlencoded POST body's (the first of a repeated
  // name).
  const std::map<std::string, std::string>& params;
  // The query's alone: what a page must not take from a URL (card data, which URLs carry into
  // logs and histories) is looked for here.
  const std::map<std::string, std::string>& query;
  CommandService& commands;
  const Transport& transport;
};

struct PageReply {
  int status = 200;
  std::string html;      // the page (status 200, 4xx), or the body of content_type
  std::string location;  // a redirect (status 303)
  std::string content_type = "text/html; charset=utf-8";
  // The last event the page's request appended: the answer waits until the views show it, so
  // that the merchant's retrieve after the redirect (a success page) sees what the customer did.
  eventstore::Position position = {};
};

using PageHandler = std::function<PageReply(PageRequest&)>;

// One authenticated read request, as a module's read handler sees it.
struct ReadCall {
  const domain::MerchantId& merchant;
  const std::vector<std::string>& path;                  // the pattern's captures
  const std::multimap<std::string, std::string>& query;  // the query's parameters
  const projections::Queries& queries;
};

using ReadHandler = std::function<Outcome(ReadCall&)>;

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
    // A parameter that must not cross the network in clear ("card"): over plain HTTP from a
    // peer other than this machine, a request that has it is refused (403 tls_required) before
    // anything else, Idempotency-Key included, is done with it. Empty: none.
    std::string needs_tls_param = {};
    // Turns an answer recorded under an Idempotency-Key (Outcome::recorded_body) back into the
    // answer a replay gives; empty: the record is the answer.
    std::function<std::string(const std::string& recorded, CommandService&)> replay = {};
  };
  virtual void add(Write route) = 0;

  struct Page {
    std::string method;  // "GET" or "POST"
    std::string pattern;
    std::string label;
    PageHandler handler;
    // Whether any site may frame the page (a checkout embedded in a merchant's page); else no
    // site may.
    bool embeddable = false;
    // Whether scripts of any site may read the answer (a customer-side JSON call, or a script
    // a merchant's page loads): Access-Control-Allow-Origin: *.
    bool cross_origin = false;
  };
  virtual void add_page(Page page) = 0;

  // A read a module serves itself, authenticated like the generic retrieve and list: a list
  // nested in an object (a session's line items). Pattern and captures as for Write.
  struct Read {
    std::string pattern;
    std::string label;
    std::string object;     // for the 404 of an id of the wrong shape
    std::string id_prefix;  // of path[0]
    ReadHandler handler;
  };
  virtual void add_read(Read read) = 0;
};

// A list held inside one document (a session's line items), paginated as the views' lists are:
// `items` are (id, rendered JSON) in the list's order; the query's limit, starting_after and
// ending_before choose the page, and any other parameter is refused naming it.
Outcome list_of(const std::vector<std::pair<std::string, std::string>>& items,
                const std::multimap<std::string, std::string>& query, const std::string& url);

// Decides on one stream of module M and appends what was decided (`transact`): the stream is
// loaded (or taken as new when `fresh`), `decide(state)` returns the module's decision, a
// rejection is told with `error(rejection)`, and the answer is `answer(events, state after
// them)`, stored with the events under the Idempotency-Key. `decide(state, now)` gets the time
// on the stream's clock (Transaction::live_on), which also stamps the events; `decide(state)`
// decides without it.
template <class M, class Decide, class Answer, class Error>
Outcome decide_and_append(CommandService& commands, const domain::MerchantId& merchant,
                          const IdempotencyWrite* idempotency, const std::string& stream_id,
                          bool fresh, Decide&& decide, Answer&& answer, Error&& error) {
  return transact(commands, merchant, idempotency, [&](Transaction& tx) -> Attempt {
    Loaded<M> loaded{stream_id, 0, std::nullopt};
    if (!fresh) {
      auto found = tx.load<M>(stream_id);
      if (!found) return Unexpected{found.error()};
      loaded = std::move(*found);
    }
    auto now = tx.live_on<M>(loaded.state);
    if (!now) return Unexpected{now.error()};
    auto decision = [&] {
      if constexpr (std::is_invocable_v<Decide&, const decltype(loaded.state)&,
                                        domain::UnixSeconds>) {
        return decide(loaded.state, *now);
      } else {
        return decide(loaded.state);
      }
    }();
    if (!decision) return Unexpected{error(decision.error())};
    const auto next = tx.add(loaded, *decision);
    return answer(*decision, next);
  });
}

template <class M, class Decide, class Answer, class Error>
Outcome decide_and_append(Call& call, const std::string& stream_id, bool fresh, Decide&& decide,
                          Answer&& answer, Error&& error) {
  return decide_and_append<M>(call.commands, call.merchant, call.idempotency, stream_id, fresh,
                              decide, answer, error);
}

// The answer of a resource whose objects can be deleted: the object as `render` shows it, or its
// tombstone once deleted.
template <class State, class Render>
Outcome object_or_tombstone(std::string_view object, const std::string& id,
                            const std::optional<State>& state, Render&& render) {
  if (state->deleted) return Outcome{200, contract::tombstone(object, id), {}};
  return Outcome{200, render(*state), {}};
}

}  // namespace payledger::api
