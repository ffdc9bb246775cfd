#include "projections/queries.h"

#include <rocksdb/db.h>

#include <algorithm>
#include <memory>

#include "contract/aggregate.h"
#include "projections/documents.h"
#include "projections/view_store.h"

namespace payledger::projections {

using eventstore::Status;

Expected<std::optional<std::string>, Status> Queries::get(const std::string& key) const {
  std::string value;
  rocksdb::Status s =
      db_.db()->Get(rocksdb::ReadOptions(), projections::views_family(db_), key, &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  if (!s.ok()) return Unexpected{Status::io_error(s.ToString())};
  return std::optional<std::string>(std::move(value));
}

Expected<std::optional<std::string>, Status> Queries::object(const std::string& object,
                                                             const std::string& merchant,
                                                             const std::string& id) const {
  return get(ViewKeys::object(object, merchant, id));
}

Expected<std::optional<std::string>, Status> Queries::merchant_for_key(
    const std::string& key_sha256) const {
  return get(ViewKeys::object(contract::kApiKeyObject, "", key_sha256));
}

// Whether the object `id` has every filter of the request but the first (the list walked).
Expected<bool, Status> Queries::matches(const ListRequest& req, const std::string& id) const {
  if (req.filters.size() < 2 && !req.accept) return true;
  auto meta_value = get(ViewKeys::document(req.object, req.merchant, id));
  if (!meta_value) return Unexpected{meta_value.error()};
  if (!*meta_value) return false;
  auto meta = decode_document_meta(**meta_value);
  if (!meta) return Unexpected{meta.error()};
  const bool in_lists =
      req.filters.empty() ||
      std::all_of(std::next(req.filters.begin()), req.filters.end(), [&](const auto& f) {
        auto it = meta->index.find(f.first);
        return it != meta->index.end() && it->second == f.second;
      });
  return in_lists && (!req.accept || req.accept(meta->index));
}

// Walks the list of the request's first filter (or of all objects) from the cursor in the
// page's direction: forward (older) for a first page or starting_after, backward (newer) for
// ending_before. Further filters are checked object by object.
Expected<ListPage, Status> Queries::list(const ListRequest& req) const {
  std::string filter;
  std::string value;
  if (!req.filters.empty()) std::tie(filter, value) = *req.filters.begin();
  const std::string prefix = ViewKeys::list_prefix(req.object, req.merchant, filter, value);
  const bool backward = req.ending_before.has_value();
  const auto& cursor = backward ? req.ending_before : req.starting_after;
  std::string start = prefix;
  if (cursor) {
    auto meta_value = get(ViewKeys::document(req.object, req.merchant, *cursor));
    if (!meta_value) return Unexpected{meta_value.error()};
    auto meta = *meta_value ? decode_document_meta(**meta_value)
                            : Expected<DocumentMeta, Status>(Unexpected{Status::not_found("")});
    if (!meta) return Unexpected{Status::not_found(backward ? "ending_before" : "starting_after")};
    start = ViewKeys::list(req.object, req.merchant, filter, value, meta->position);
  }
  std::unique_ptr<rocksdb::Iterator> it(
      db_.db()->NewIterator(rocksdb::ReadOptions(), projections::views_family(db_)));
  std::vector<std::string> ids;
  ListPage page;
  auto in_list = [&] { return it->Valid() && it->key().starts_with(prefix); };
  auto take = [&]() -> Expected<bool, Status> {  // false: the page is full
    std::string id = it->value().ToString();
    auto match = matches(req, id);
    if (!match) return Unexpected{match.error()};
    if (!*match) return true;  // not in every filter's list: skip it
    if (ids.size() == static_cast<std::size_t>(req.limit)) {
      page.has_more = true;
      return false;
    }
    ids.push_back(std::move(id));
    return true;
  };
  if (backward) {
    // The cursor's own entry is not on the page; it may be absent (deleted, or not in this
    // filter's list), and then the entry found is the first of the page.
    it->SeekForPrev(start);
    if (it->Valid() && it->key() == start) it->Prev();
    for (; in_list(); it->Prev()) {
      auto more = take();
      if (!more) return Unexpected{more.error()};
      if (!*more) break;
    }
    std::reverse(ids.begin(), ids.end());
  } else {
    for (it->Seek(start); in_list(); it->Next()) {
      if (cursor && it->key() == start) continue;
      auto more = take();
      if (!more) return Unexpected{more.error()};
      if (!*more) break;
    }
  }
  if (!it->status().ok()) return Unexpected{Status::io_error(it->status().ToString())};
  for (const auto& id : ids) {
    auto obj = get(ViewKeys::object(req.object, req.merchant, id));
    if (!obj) return Unexpected{obj.error()};
    if (!*obj) return Unexpected{Status::corruption("list names a missing object " + id)};
    page.objects.push_back(std::move(**obj));
  }
  page.ids = std::move(ids);
  return page;
}

namespace {
// The due entries under `prefix` (be64 due time, then the stream id) up to `up_to`.
Expected<std::vector<DueStream>, Status> due_under(const eventstore::Database& db,
                                                   const std::string& prefix, std::int64_t up_to,
                                                   std::size_t max_items) {
  std::vector<DueStream> out;
  std::unique_ptr<rocksdb::Iterator> it(
      db.db()->NewIterator(rocksdb::ReadOptions(), projections::views_family(db)));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix) && out.size() < max_items;
       it->Next()) {
    const std::string key = it->key().ToString();
    if (key.size() <= prefix.size() + 8) return Unexpected{Status::corruption("due key " + key)};
    const auto due_at = static_cast<std::int64_t>(eventstore::get_be64(key.data() + prefix.size()));
    if (due_at > up_to) break;
    out.push_back({due_at, key.substr(prefix.size() + 8), it->value().ToString()});
  }
  if (!it->status().ok()) return Unexpected{Status::io_error(it->status().ToString())};
  return out;
}
}  // namespace

Expected<std::vector<DueStream>, Status> Queries::due(std::int64_t now,
                                                      std::size_t max_items) const {
  return due_under(db_, std::string(ViewKeys::kDuePrefix), now, max_items);
}

Expected<std::vector<DueStream>, Status> Queries::due_on_clock(const std::string& clock,
                                                               std::int64_t up_to,
                                                               std::size_t max_items) const {
  return due_under(db_, ViewKeys::clock_due_prefix(clock), up_to, max_items);
}

Expected<std::vector<AccountTotals>, eventstore::Status> Queries::account_totals(
    const std::string& merchant) const {
  return projections::account_totals(db_, merchant);
}

}  // namespace payledger::projections
