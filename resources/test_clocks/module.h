#pragma once
// The TestClock resource (Stripe's test helpers): one stream per clock (clock_...). Rules in
// clock.h. A clock is the time source of the streams that live on it (Aggregate::clock_of):
// frozen_time() is what CommandService::time_on answers for them, and advancing it is due work
// the sweeper runs after the work due on the clock until its target (docs/api.md, "Test clocks").
#include <optional>
#include <string>
#include <vector>

#include "api/routes.h"
#include "contract/aggregate.h"
#include "resources/test_clocks/clock.h"

namespace payledger::test_clocks {

struct Module {
  using State = TestClock;
  using Event = test_clocks::Event;
  static constexpr std::string_view kName = "test_clock";
  static constexpr std::string_view kStreamPrefix = "clock_";
  static constexpr std::string_view kTopic = "test_clocks";

  static std::optional<TestClock> evolve(std::optional<TestClock> s,
                                         const domain::RecordedOf<Event>& e) {
    return test_clocks::evolve(std::move(s), e);
  }
  static bool exists(const TestClock& c) { return !c.deleted; }
  static std::vector<contract::ObjectSpec> objects() {
    return {{"test_helpers.test_clock", "clock_", "/v1/test_helpers/test_clocks", {}}};
  }
  static void documents(const TestClock& c, std::vector<contract::Document>* out);
  // test_helpers.test_clock.created, .advancing, .ready, .deleted.
  static constexpr bool kAnnouncesUpdates = true;
  static void announce(const domain::RecordedOf<Event>& e, const TestClock& c,
                       std::vector<contract::Announcement>* out);
  static std::optional<domain::UnixSeconds> frozen_time(const TestClock& c) { return time_of(c); }
  static std::optional<domain::UnixSeconds> due_at(const TestClock& c) {
    return test_clocks::due_at(c);
  }
  static void routes(api::Routes& routes);
  // Finishes an advance: the sweeper calls it once the work due on the clock has run.
  static bool run_due(api::CommandService& commands, const domain::MerchantId& merchant,
                      const std::string& stream_id);
};

const contract::Aggregate& aggregate();

// The API object (Stripe's test_helpers.test_clock).
std::string render(const TestClock& c);

}  // namespace payledger::test_clocks
