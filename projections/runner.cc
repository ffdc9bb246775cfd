#include "projections/runner.h"

#include <cstdio>

#include "domain/assert.h"
#include "projections/view_store.h"

namespace payledger::projections {

namespace {
constexpr std::size_t kBatchEvents = 2048;
}

eventstore::Status reset_views(eventstore::Database& db) {
  if (eventstore::Status s = db.reset_views(); !s.is_ok()) return s;
  rocksdb::Status s =
      db.db()->Put(rocksdb::WriteOptions(), db.views(), ViewKeys::kFormatKey, ViewKeys::kFormat);
  if (!s.ok()) return eventstore::Status::io_error(s.ToString());
  return eventstore::Status::ok();
}

eventstore::Status ensure_view_format(eventstore::Database& db) {
  std::string format;
  rocksdb::Status s =
      db.db()->Get(rocksdb::ReadOptions(), db.views(), ViewKeys::kFormatKey, &format);
  if (s.ok() && format == ViewKeys::kFormat) return eventstore::Status::ok();
  if (!s.ok() && !s.IsNotFound()) return eventstore::Status::io_error(s.ToString());
  return reset_views(db);
}

Runner::Runner(eventstore::EventStore& store, eventstore::Database& db,
               const contract::Registry& registry, ProjectionObserver* observer)
    : store_(store),
      projector_(db, registry, "read_side", /*bulk=*/false, observer),
      observer_(observer),
      projected_(projector_.watermark().value) {
  thread_ = std::thread([this] { loop(); });
}

Runner::~Runner() {
  stopping_ = true;
  store_.wake_all();
  thread_.join();
  projected_.wake_all();
}

bool Runner::wait_for(eventstore::Position p, std::chrono::milliseconds timeout) const {
  return projected_.wait_for(p.value, timeout);
}

void Runner::loop() {
  std::vector<eventstore::StoredEvent> events;
  while (!stopping_) {
    const eventstore::Position next{projected_.reached() + 1};
    if (!store_.wait_for(next, std::chrono::milliseconds(100))) continue;
    eventstore::Status s = store_.read_all(next, kBatchEvents, &events);
    if (s.is_ok()) s = projector_.apply(events);
    if (!s.is_ok()) {
      // A view that cannot be built is a bug or a broken disk; serving stale views silently
      // would break read-your-writes, so stop here and say why.
      std::fprintf(stderr, "projection failed at position %llu: %s\n",
                   static_cast<unsigned long long>(next.value), s.to_string().c_str());
      PL_ASSERT(false, "every logged event projects");
    }
    if (events.empty()) continue;
    projected_.advance(projector_.watermark().value);
    if (observer_ != nullptr) {
      observer_->projected(events.size(), store_.last_position().value - projected_.reached());
    }
  }
}

}  // namespace payledger::projections
