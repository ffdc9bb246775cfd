#include "projections/runner.h"

#include <rocksdb/db.h>

#include "domain/assert.h"
#include "projections/view_store.h"

namespace payledger::projections {

namespace {
constexpr std::size_t kBatchEvents = 2048;
}

eventstore::Status reset_views(eventstore::Database& db) {
  if (eventstore::Status s = db.reset_family(kViewsFamily); !s.is_ok()) return s;
  rocksdb::Status s = db.db()->Put(rocksdb::WriteOptions(), projections::views_family(db),
                                   ViewKeys::kFormatKey, ViewKeys::kFormat);
  if (!s.ok()) return eventstore::Status::io_error(s.ToString());
  return eventstore::Status::ok();
}

eventstore::Status ensure_view_format(eventstore::Database& db) {
  std::string format;
  rocksdb::Status s = db.db()->Get(rocksdb::ReadOptions(), projections::views_family(db),
                                   ViewKeys::kFormatKey, &format);
  if (s.ok() && format == ViewKeys::kFormat) return eventstore::Status::ok();
  if (!s.ok() && !s.IsNotFound()) return eventstore::Status::io_error(s.ToString());
  return reset_views(db);
}

Runner::Runner(eventstore::EventStore& store, eventstore::Database& db,
               const contract::Registry& registry, ProjectionObserver* observer)
    : store_(store),
      projector_(db, registry, "read_side", /*bulk=*/false, observer),
      observer_(observer),
      projected_(projector_.watermark().value),
      follower_(store, *this, {"projection runner", kBatchEvents}) {
  follower_.start();
}

Runner::~Runner() {
  follower_.stop();
  projected_.wake_all();
}

bool Runner::wait_for(eventstore::Position p, std::chrono::milliseconds timeout) const {
  return projected_.wait_for(p.value, timeout);
}

// A batch that cannot be written (a failing disk) is retried by the follower from the
// checkpoint; an event that cannot be projected is quarantined by the projector.
eventstore::Status Runner::consume(const std::vector<eventstore::StoredEvent>& events) {
  if (auto s = projector_.apply(events); !s.is_ok()) return s;
  projected_.advance(projector_.watermark().value);
  if (observer_ != nullptr) {
    observer_->projected(events.size(), store_.last_position().value - projected_.reached());
  }
  return eventstore::Status::ok();
}

}  // namespace payledger::projections
