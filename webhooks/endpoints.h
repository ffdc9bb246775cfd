#pragma once
// The endpoints delivery sends to, as the views show them (each endpoint's stream record, which
// holds its sealed secret), cached, with the secret unsealed in memory only.
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "api/secrets.h"
#include "domain/expected.h"
#include "eventstore/database.h"
#include "eventstore/status.h"
#include "webhooks/endpoint_source.h"

namespace payledger::webhooks {

struct EndpointInfo {
  std::string id;
  std::string merchant;
  std::string url;
  std::vector<std::string> enabled_events;
  bool disabled = false;
  bool deleted = false;
  std::uint64_t created_position = 0;  // events before it are not its to receive
  std::string secret;                  // whsec_...; empty when it cannot be unsealed
  // Whether the endpoint takes public events of `type` now.
  bool wants(std::string_view type) const;
};

using EndpointRef = std::shared_ptr<const EndpointInfo>;

class Directory {
 public:
  // REQUIRES: db, secrets and source outlive the directory.
  Directory(eventstore::Database& db, const api::Secrets& secrets, const EndpointSource& source)
      : db_(db), secrets_(secrets), source_(source) {}

  // The endpoint with this id; nullptr when the views have none. Thread-safe.
  Expected<EndpointRef, eventstore::Status> endpoint(const std::string& id);
  // Every endpoint of the merchant, deleted ones left out. Thread-safe.
  Expected<std::vector<EndpointRef>, eventstore::Status> of_merchant(const std::string& merchant);
  // The endpoints' API object name ("webhook_endpoint").
  std::string_view endpoint_object() const { return source_.aggregate().objects().front().object; }
  // Drops what is cached: an endpoint was created, changed or deleted.
  void forget();

 private:
  Expected<EndpointRef, eventstore::Status> load(const std::string& id) const;

  eventstore::Database& db_;
  const api::Secrets& secrets_;
  const EndpointSource& source_;
  std::mutex mu_;
  std::unordered_map<std::string, EndpointRef> by_id_;
  std::unordered_map<std::string, std::vector<EndpointRef>> by_merchant_;
  // Bumped by forget(): a load begun before it is not cached (it may hold the old endpoint).
  std::uint64_t generation_ = 0;
};

}  // namespace payledger::webhooks
