// The delivery routes: attempts of an endpoint, and a retry of one event to one endpoint. The
// endpoint's API object (its name, id prefix and path) is the EndpointSource's.
#include <algorithm>
#include <charconv>
#include <cstdint>

#include <rocksdb/db.h>
#include <rocksdb/iterator.h>

#include "api/lists.h"
#include "contract/aggregate.h"
#include "projections/documents.h"
#include "projections/view_store.h"
#include "webhooks/delivery.h"
#include "webhooks/store.h"

namespace payledger::webhooks {
namespace {

constexpr auto kRetryWait = std::chrono::seconds(15);

struct AttemptQuery {
  int limit = 10;
  std::optional<std::uint64_t> starting_after;  // an attempt's number
  std::string event;
};

std::optional<std::uint64_t> attempt_number(const std::string& id) {
  if (!id.starts_with("wha_") || id.size() > 24) return std::nullopt;
  std::uint64_t n = 0;
  const auto [end, ec] = std::from_chars(id.data() + 4, id.data() + id.size(), n);
  if (ec != std::errc() || end != id.data() + id.size()) return std::nullopt;
  return n;
}

Expected<AttemptQuery, api::ApiError> parse_attempt_query(const api::ReadCall& call) {
  AttemptQuery q;
  for (const auto& [name, value] : call.query) {
    if (name == "limit") {
      auto limit = api::parse_limit(value);
      if (!limit) return Unexpected{limit.error()};
      q.limit = *limit;
    } else if (name == "starting_after") {
      q.starting_after = attempt_number(value);
      if (!q.starting_after) {
        return Unexpected{api::invalid_param(name, "resource_missing",
                                             "starting_after must be an attempt's id (wha_...).")};
      }
    } else if (name == "event") {
      q.event = value;
    } else {
      return Unexpected{api::invalid_param(name, "parameter_unknown",
                                           "Received unknown parameter: " + name + ".")};
    }
  }
  return q;
}

// Newest first, from the cursor.
api::Outcome list_attempts(Delivery& delivery, api::ReadCall& call) {
  const std::string& endpoint = call.path.at(0);
  const contract::ObjectSpec& spec = delivery.endpoints().aggregate().objects().front();
  const std::string object(spec.object);
  auto found = call.queries.object(object, call.merchant.value, endpoint);
  if (!found) return api::error_outcome(api::storage_error(found.error().to_string()));
  if (!*found) return api::error_outcome(api::not_found(object, endpoint));
  auto q = parse_attempt_query(call);
  if (!q) return api::error_outcome(q.error());
  const std::string prefix = StoreKeys::attempts_prefix(endpoint);
  const std::string start = q->starting_after ? StoreKeys::attempt(endpoint, *q->starting_after)
                                              : StoreKeys::attempt(endpoint, UINT64_MAX);
  eventstore::Database& db = delivery.db();
  std::unique_ptr<rocksdb::Iterator> it(
      db.db()->NewIterator(rocksdb::ReadOptions(), webhooks::webhooks_family(db)));
  projections::ListPage page;
  for (it->SeekForPrev(start); it->Valid() && it->key().starts_with(prefix); it->Prev()) {
    if (q->starting_after && it->key() == start) continue;
    const std::string json = it->value().ToString();
    if (!q->event.empty() && json.find("\"event\":\"" + q->event + "\"") == std::string::npos) {
      continue;
    }
    if (page.objects.size() == static_cast<std::size_t>(q->limit)) {
      page.has_more = true;
      break;
    }
    page.ids.push_back("wha_" +
                       std::to_string(eventstore::get_be64(it->key().data() + prefix.size())));
    page.objects.push_back(json);
  }
  if (!it->status().ok()) return api::error_outcome(api::storage_error(it->status().ToString()));
  return api::Outcome{
      200, api::list_json(page, std::string(spec.path) + "/" + endpoint + "/attempts", false), {}};
}

// The public event's sequence and type, if the merchant has it.
Expected<std::optional<projections::DocumentMeta>, eventstore::Status> event_meta(
    eventstore::Database& db, const std::string& merchant, const std::string& id) {
  std::string value;
  const rocksdb::Status s =
      db.db()->Get(rocksdb::ReadOptions(), projections::views_family(db),
                   projections::ViewKeys::document(contract::kEventObject, merchant, id), &value);
  if (s.IsNotFound()) return std::optional<projections::DocumentMeta>();
  if (!s.ok()) return Unexpected{eventstore::Status::io_error(s.ToString())};
  auto meta = projections::decode_document_meta(value);
  if (!meta) return Unexpected{meta.error()};
  return std::optional<projections::DocumentMeta>(std::move(*meta));
}

api::Outcome retry(Delivery& delivery, api::Call& call) {
  const std::string& event_id = call.path.at(0);
  // The parameter naming the endpoint is its object's name ("webhook_endpoint").
  const std::string param(delivery.endpoints().aggregate().objects().front().object);
  std::string said = param;  // "webhook endpoint", as the messages say it
  std::replace(said.begin(), said.end(), '_', ' ');
  const std::string endpoint = call.params.required_string(param, 100);
  if (auto e = call.params.finish()) return api::error_outcome(*e);
  auto meta = event_meta(delivery.db(), call.merchant.value, event_id);
  if (!meta) return api::error_outcome(api::storage_error(meta.error().to_string()));
  if (!*meta)
    return api::error_outcome(api::not_found(std::string(contract::kEventObject), event_id));
  auto found = delivery.directory().endpoint(endpoint);
  if (!found) return api::error_outcome(api::storage_error(found.error().to_string()));
  const EndpointRef& e = *found;
  if (!e || e->deleted || e->merchant != call.merchant.value) {
    return api::error_outcome(
        api::invalid_param(param, "resource_missing", "No such " + said + ": '" + endpoint + "'."));
  }
  if (e->disabled) {
    return api::error_outcome(
        api::invalid_param(param, "parameter_invalid", "The " + said + " is disabled."));
  }
  const std::string type = (*meta)->index["type"];
  auto attempt = delivery.redeliver(call.merchant.value, event_id, (*meta)->position.value, type,
                                    endpoint, kRetryWait);
  if (!attempt && attempt.error().code() == eventstore::Status::Code::conflict) {
    api::ApiError busy;
    busy.http_status = 409;
    busy.code = "retry_in_progress";
    busy.message = "A retry of this event to this endpoint is being made; see its attempts.";
    return api::error_outcome(busy);
  }
  if (!attempt) return api::storage_failure(attempt.error());
  if (*attempt) return api::Outcome{200, std::move(**attempt), {}};
  json::Writer w;  // not made in time: it is queued, and will be
  w.begin_object();
  w.text("object", param + ".attempt_queued");
  w.text("event", event_id);
  w.text(param, endpoint);
  w.end_object();
  return api::Outcome{202, w.take(), {}};
}

}  // namespace

void Delivery::routes(api::Routes& routes) {
  const contract::ObjectSpec& spec = endpoints_.aggregate().objects().front();
  const std::string path(spec.path);
  routes.add_read({path + "/([^/]+)/attempts", path + "/:id/attempts", std::string(spec.object),
                   std::string(spec.id_prefix),
                   [this](api::ReadCall& call) { return list_attempts(*this, call); }});
  routes.add({"POST", "/v1/events/([^/]+)/retry", "/v1/events/:id/retry",
              std::string(contract::kEventObject), std::string(contract::kEventIdPrefix),
              [this](api::Call& call) { return retry(*this, call); }});
}

}  // namespace payledger::webhooks
