#include "webhooks/endpoints.h"

#include <algorithm>

#include <rocksdb/db.h>
#include <rocksdb/iterator.h>

#include "projections/documents.h"
#include "projections/view_store.h"

namespace payledger::webhooks {

using eventstore::Status;

bool EndpointInfo::wants(std::string_view type) const {
  if (deleted || disabled) return false;
  return std::any_of(enabled_events.begin(), enabled_events.end(),
                     [&](const std::string& p) { return contract::selects_event_type(p, type); });
}

Expected<EndpointRef, Status> Directory::load(const std::string& id) const {
  std::string record;
  rocksdb::Status rs = db_.db()->Get(rocksdb::ReadOptions(), projections::views_family(db_),
                                     projections::ViewKeys::stream(id), &record);
  if (rs.IsNotFound()) return EndpointRef();
  if (!rs.ok())
    return Unexpected{Status::io_error("reading endpoint " + id + ": " + rs.ToString())};
  const contract::Aggregate& aggregate = source_.aggregate();
  projections::StreamBook book;
  auto state = aggregate.initial();
  if (Status s = projections::read_record(record, aggregate, &book, *state); !s.is_ok()) {
    return Unexpected{s};
  }
  const std::optional<EndpointFields> e = source_.fields(*state);
  if (!e) return EndpointRef();
  auto info = std::make_shared<EndpointInfo>();
  info->id = id;
  info->merchant = book.merchant;
  info->url = e->url;
  info->enabled_events = e->enabled_events;
  info->disabled = e->disabled;
  info->deleted = e->deleted;
  for (const auto& doc : book.documents) {
    if (doc.id == id) info->created_position = doc.position;
  }
  info->secret = secrets_.open(source_.secret_use(), e->secret_sealed).value_or("");
  return EndpointRef(std::move(info));
}

Expected<EndpointRef, Status> Directory::endpoint(const std::string& id) {
  std::uint64_t generation = 0;
  {
    std::lock_guard lock(mu_);
    if (auto it = by_id_.find(id); it != by_id_.end()) return it->second;
    generation = generation_;
  }
  auto loaded = load(id);
  if (!loaded) return loaded;
  std::lock_guard lock(mu_);
  // A miss is not kept: the views may be being rebuilt, and will have it.
  if (generation == generation_ && *loaded) by_id_[id] = *loaded;
  return loaded;
}

Expected<std::vector<EndpointRef>, Status> Directory::of_merchant(const std::string& merchant) {
  std::uint64_t generation = 0;
  {
    std::lock_guard lock(mu_);
    if (auto it = by_merchant_.find(merchant); it != by_merchant_.end()) return it->second;
    generation = generation_;
  }
  const std::string object(source_.aggregate().objects().front().object);
  const std::string prefix = projections::ViewKeys::list_prefix(object, merchant, "", "");
  std::vector<std::string> ids;
  std::unique_ptr<rocksdb::Iterator> it(
      db_.db()->NewIterator(rocksdb::ReadOptions(), projections::views_family(db_)));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    ids.push_back(it->value().ToString());
  }
  if (!it->status().ok()) return Unexpected{Status::io_error(it->status().ToString())};
  std::vector<EndpointRef> out;
  for (const std::string& id : ids) {
    auto e = endpoint(id);
    if (!e) return Unexpected{e.error()};
    if (*e && !(*e)->deleted) out.push_back(std::move(*e));
  }
  std::lock_guard lock(mu_);
  if (generation == generation_) by_merchant_[merchant] = out;
  return out;
}

void Directory::forget() {
  std::lock_guard lock(mu_);
  by_id_.clear();
  by_merchant_.clear();
  ++generation_;
}

}  // namespace payledger::webhooks
