#pragma once
// The Customer resource: one stream per customer (cus_...). Rules in customer.h; this says how
// the generic layers serve it (docs/architecture.md, "Adding a resource", uses it as the example).
#include <optional>
#include <vector>

#include "api/routes.h"
#include "contract/aggregate.h"
#include "resources/customers/customer.h"

namespace payledger::customers {

struct Module {
  using State = Customer;
  using Event = customers::Event;
  static constexpr std::string_view kName = "customer";
  static constexpr std::string_view kStreamPrefix = "cus_";
  static constexpr std::string_view kTopic = "customers";

  static std::optional<Customer> evolve(std::optional<Customer> s,
                                        const domain::RecordedOf<Event>& e) {
    return customers::evolve(std::move(s), e);
  }
  static bool exists(const Customer& c) { return !c.deleted; }
  // Everything of the customer's lives on its test clock (docs/api.md, "Test clocks").
  static std::string clock_of(const Customer& c) { return c.test_clock; }
  static std::vector<contract::ObjectSpec> objects() {
    return {{"customer", "cus_", "/v1/customers", {{"email", contract::FilterKind::text}}}};
  }
  static void documents(const Customer& c, std::vector<contract::Document>* out);
  // customer.created, customer.updated, customer.deleted.
  static constexpr bool kAnnouncesUpdates = true;
  static void announce(const domain::RecordedOf<Event>& e, const Customer& c,
                       std::vector<contract::Announcement>* out);
  static void routes(api::Routes& routes);
};

const contract::Aggregate& aggregate();

// The API object (Stripe's customer).
std::string render(const Customer& c);

}  // namespace payledger::customers
