#include "eventstore/log_scan.h"

#include <memory>
#include <string>

#include <rocksdb/db.h>
#include <rocksdb/iterator.h>

#include "eventstore/event_store.h"

namespace payledger::eventstore {

std::uint64_t last_event_position(const Database& db) {
  std::unique_ptr<rocksdb::Iterator> it(db.db()->NewIterator(rocksdb::ReadOptions(), db.log()));
  it->SeekForPrev(std::string("g\xff", 2));
  if (!it->Valid() || it->key().size() != 9 || it->key()[0] != 'g') return 0;
  return get_be64(it->key().data() + 1);
}

Status scan_events(const Database& db, std::uint64_t from, std::uint64_t to,
                   const std::function<Status(std::uint64_t, std::string_view)>& visit) {
  rocksdb::ReadOptions read;
  // The event keys only: "h" is the byte after 'g', and event_key(to + 1) the first beyond.
  const std::string upper = to == kLogEnd ? std::string("h") : event_key(Position{to + 1});
  rocksdb::Slice upper_slice(upper);
  read.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(db.db()->NewIterator(read, db.log()));
  for (it->Seek(event_key(Position{from})); it->Valid(); it->Next()) {
    if (it->key().size() != 9) return Status::corruption("an event key of the wrong size");
    const std::string_view event(it->value().data(), it->value().size());
    if (Status s = visit(get_be64(it->key().data() + 1), event); !s.is_ok()) return s;
  }
  if (!it->status().ok()) return Status::io_error(it->status().ToString());
  return Status::ok();
}

}  // namespace payledger::eventstore
