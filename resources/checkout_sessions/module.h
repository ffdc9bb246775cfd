#pragma once
// The Checkout Session resource (seed 004): one stream per session (cs_...). The rules are
// session.h's decider; this module says how the generic layers serve it: the session object,
// its line items and lists, expiry as due work, the merchant's routes (create, expire, line
// items), the customer's (the hosted page, the embedded form, the custom-UI calls).
#include <optional>
#include <vector>

#include "api/routes.h"
#include "contract/aggregate.h"
#include "resources/checkout_sessions/session.h"

namespace payledger::checkout_sessions {

struct Module {
  using State = Session;
  using Event = checkout_sessions::Event;
  static constexpr std::string_view kName = "checkout_session";
  static constexpr std::string_view kStreamPrefix = "cs_";
  static constexpr std::string_view kTopic = "checkout_sessions";

  static std::optional<Session> evolve(std::optional<Session> s,
                                       const domain::RecordedOf<Event>& e) {
    return checkout_sessions::evolve(std::move(s), e);
  }
  static bool exists(const Session&) { return true; }
  // Its customer's test clock, taken at creation (docs/api.md, "Test clocks").
  static std::string clock_of(const Session& s) { return s.test_clock; }
  static std::vector<contract::ObjectSpec> objects();
  static void documents(const Session& s, std::vector<contract::Document>* out);
  // Stripe's checkout.session.completed and checkout.session.expired.
  static void announce(const domain::RecordedOf<Event>& e, const Session& s,
                       std::vector<contract::Announcement>* out);
  // The session's creation makes two documents: the session and its line items.
  static void created(const domain::RecordedOf<Event>& e, std::vector<contract::DocumentRef>* out);
  static std::optional<domain::UnixSeconds> due_at(const Session& s) {
    return checkout_sessions::due_at(s);
  }
  static void routes(api::Routes& routes);
  // Expires a session at its expires_at, and cancels its PaymentIntent in the same append.
  static bool run_due(api::CommandService& commands, const domain::MerchantId& merchant,
                      const std::string& stream_id);
};

const contract::Aggregate& aggregate();

// The checkout.session object of the API, every field present.
std::string render(const Session& s);

// The views' document of a session's line items: a list object (expand[]=line_items).
inline constexpr std::string_view kLineItemsObject = "checkout.session.line_items";

}  // namespace payledger::checkout_sessions
