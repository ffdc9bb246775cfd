#include "projections/queries.h"

#include <algorithm>
#include <memory>

#include "projections/view_store.h"

namespace payledger::projections {
namespace {

using eventstore::Status;

struct ListKeys {
  std::string prefix;
  std::string (*object)(std::string_view, std::string_view);
  std::string (*position)(std::string_view, std::string_view);
  std::string (*list)(std::string_view, eventstore::Position);
};

ListKeys keys_for(ListKind kind, const std::string& merchant) {
  if (kind == ListKind::refunds) {
    return {ViewKeys::refund_list_prefix(merchant), ViewKeys::refund, ViewKeys::refund_position,
            ViewKeys::refund_list};
  }
  return {ViewKeys::intent_list_prefix(merchant), ViewKeys::intent, ViewKeys::intent_position,
          ViewKeys::intent_list};
}

}  // namespace

Expected<std::optional<std::string>, Status> Queries::get(const std::string& key) const {
  std::string value;
  rocksdb::Status s = db_.db()->Get(rocksdb::ReadOptions(), db_.views(), key, &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  if (!s.ok()) return Unexpected{Status::io_error(s.ToString())};
  return std::optional<std::string>(std::move(value));
}

Expected<std::optional<std::string>, Status> Queries::intent(const std::string& merchant,
                                                             const std::string& id) const {
  return get(ViewKeys::intent(merchant, id));
}

Expected<std::optional<std::string>, Status> Queries::refund(const std::string& merchant,
                                                             const std::string& id) const {
  return get(ViewKeys::refund(merchant, id));
}

Expected<std::optional<std::string>, Status> Queries::merchant_for_key(
    const std::string& key_sha256) const {
  return get(ViewKeys::api_key(key_sha256));
}

// Walks the merchant's list index from the cursor in the page's direction: forward (older)
// for a first page or starting_after, backward (newer) for ending_before.
Expected<ListPage, Status> Queries::list(const ListRequest& req) const {
  const ListKeys keys = keys_for(req.kind, req.merchant);
  const bool backward = req.ending_before.has_value();
  const auto& cursor = backward ? req.ending_before : req.starting_after;
  std::string start = keys.prefix;
  if (cursor) {
    auto pos = get(keys.position(req.merchant, *cursor));
    if (!pos) return Unexpected{pos.error()};
    if (!*pos || (*pos)->size() != 8) {
      return Unexpected{Status::not_found(backward ? "ending_before" : "starting_after")};
    }
    start = keys.list(req.merchant, eventstore::Position{eventstore::get_be64((*pos)->data())});
  }
  std::unique_ptr<rocksdb::Iterator> it(db_.db()->NewIterator(rocksdb::ReadOptions(), db_.views()));
  std::vector<std::string> ids;
  ListPage page;
  auto in_list = [&] { return it->Valid() && it->key().starts_with(keys.prefix); };
  if (backward) {
    for (it->SeekForPrev(start), it->Prev(); in_list(); it->Prev()) {
      if (ids.size() == static_cast<std::size_t>(req.limit)) {
        page.has_more = true;
        break;
      }
      ids.push_back(it->value().ToString());
    }
    std::reverse(ids.begin(), ids.end());
  } else {
    for (it->Seek(start); in_list(); it->Next()) {
      if (cursor && it->key() == start) continue;
      if (ids.size() == static_cast<std::size_t>(req.limit)) {
        page.has_more = true;
        break;
      }
      ids.push_back(it->value().ToString());
    }
  }
  if (!it->status().ok()) return Unexpected{Status::io_error(it->status().ToString())};
  for (const auto& id : ids) {
    auto obj = get(keys.object(req.merchant, id));
    if (!obj) return Unexpected{obj.error()};
    if (!*obj) return Unexpected{Status::corruption("list names a missing object " + id)};
    page.objects.push_back(std::move(**obj));
  }
  page.ids = std::move(ids);
  return page;
}

Expected<std::vector<DueIntent>, Status> Queries::due(std::int64_t now,
                                                      std::size_t max_items) const {
  std::vector<DueIntent> out;
  std::unique_ptr<rocksdb::Iterator> it(db_.db()->NewIterator(rocksdb::ReadOptions(), db_.views()));
  const std::string prefix(ViewKeys::kDuePrefix);
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix) && out.size() < max_items;
       it->Next()) {
    const std::string key = it->key().ToString();
    const auto due_at = static_cast<std::int64_t>(eventstore::get_be64(key.data() + prefix.size()));
    if (due_at > now) break;
    const std::string rest = key.substr(prefix.size() + 8);
    const auto nul = rest.find('\0');
    if (nul == std::string::npos) return Unexpected{Status::corruption("due key " + key)};
    out.push_back({due_at, rest.substr(0, nul), rest.substr(nul + 1)});
  }
  if (!it->status().ok()) return Unexpected{Status::io_error(it->status().ToString())};
  return out;
}

}  // namespace payledger::projections
