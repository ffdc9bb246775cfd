#pragma once
// The API half of a resource: the write routes it adds to the server and the due work the
// sweeper asks of it. Its data half is contract::Aggregate, which depends on nothing above the
// event store; this half lives here so that no arrow points from contract/ up to api/.
#include <span>
#include <string>
#include <vector>

#include "api/routes.h"
#include "contract/aggregate.h"

namespace payledger::api {

class Resource {
 public:
  virtual ~Resource() = default;
  // Its data half: the aggregate its streams belong to.
  virtual const contract::Aggregate& aggregate() const = 0;
  // Adds its write routes (and any read or page it serves itself).
  virtual void routes(Routes& routes) const = 0;
  // Runs the stream's due work now (contract::Aggregate::due_at said it is due). Returns whether
  // it wrote anything. REQUIRES: `stream_id` is one of aggregate()'s streams.
  virtual bool run_due(CommandService& commands, const domain::MerchantId& merchant,
                       const std::string& stream_id) const = 0;
};

// ResourceOf<Module>: a module's API half (docs/architecture.md, "Adding a resource"): its
// `static void routes(api::Routes&)` and, when it has due work,
// `static bool run_due(api::CommandService&, const domain::MerchantId&, const std::string&)`.
template <class M>
class ResourceOf final : public Resource {
 public:
  // REQUIRES: `aggregate` is M's and outlives this.
  explicit ResourceOf(const contract::Aggregate& aggregate) : aggregate_(aggregate) {}

  const contract::Aggregate& aggregate() const override { return aggregate_; }
  void routes(Routes& routes) const override { M::routes(routes); }
  bool run_due(CommandService& commands, const domain::MerchantId& merchant,
               const std::string& stream_id) const override {
    if constexpr (requires { M::run_due(commands, merchant, stream_id); }) {
      return M::run_due(commands, merchant, stream_id);
    }
    return false;
  }

 private:
  const contract::Aggregate& aggregate_;
};

// Every resource's API half, in the registry's order.
class Resources {
 public:
  // REQUIRES: the resources outlive this; one per aggregate.
  explicit Resources(std::vector<const Resource*> all) : all_(std::move(all)) {}

  std::span<const Resource* const> all() const { return all_; }
  // The API half of `aggregate`; nullptr when it has none.
  const Resource* of(const contract::Aggregate* aggregate) const {
    for (const Resource* r : all_) {
      if (&r->aggregate() == aggregate) return r;
    }
    return nullptr;
  }

 private:
  std::vector<const Resource*> all_;
};

}  // namespace payledger::api
