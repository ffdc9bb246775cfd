#include "finance/verify.h"

#include <rocksdb/db.h>
#include <rocksdb/iterator.h>

#include <memory>
#include <unordered_map>

#include "contract/aggregate.h"
#include "domain/assert.h"
#include "eventstore/chain.h"
#include "eventstore/codec.h"
#include "eventstore/event_store.h"
#include "eventstore/log_scan.h"
#include "projections/ledger.h"

namespace payledger::finance {
namespace {

using eventstore::ChainHash;
using eventstore::Status;

struct Folded {
  const contract::Aggregate* aggregate = nullptr;
  std::unique_ptr<contract::State> state;
  std::uint64_t version = 0;
  bool broken = false;  // an event broke an invariant: its state is no longer judged
};

// One pass over the log, event by event.
class Verifier {
 public:
  Verifier(const eventstore::Database& db, const contract::Registry& registry,
           const VerifyOptions& options, VerifyReport& report)
      : db_(db), registry_(registry), options_(options), report_(report) {}

  Status run();

 private:
  void problem(std::uint64_t position, const std::string& why);
  Status check_chain(std::uint64_t position, std::string_view event);
  Status check_index(std::uint64_t position, const eventstore::EventHeader& h);
  void fold(std::uint64_t position, const eventstore::EventHeader& h, json::Value data);
  Status check_tail(std::uint64_t last);

  const eventstore::Database& db_;
  const contract::Registry& registry_;
  const VerifyOptions& options_;
  VerifyReport& report_;
  eventstore::EnvelopeParser parser_;
  ChainHash previous_{};  // the stored hash of the position before (computed when missing)
  std::unordered_map<std::string, Folded> streams_;
};

void Verifier::problem(std::uint64_t position, const std::string& why) {
  if (report_.first_broken == 0) report_.first_broken = position;
  if (report_.problems.size() < kMaxProblems) {
    report_.problems.push_back("position " + std::to_string(position) + ": " + why);
  }
}

// The event must match its stored hash, computed from the stored hash before it: so a changed
// event breaks at its own position only, and each problem is named where it is.
Status Verifier::check_chain(std::uint64_t position, std::string_view event) {
  const ChainHash computed = eventstore::chain_next(previous_, position, event);
  if (options_.expect_head && options_.expect_head->first == position &&
      eventstore::chain_hex(computed) != options_.expect_head->second) {
    problem(position, "the chain's hash here is " + eventstore::chain_hex(computed) +
                          ", not the anchored " + options_.expect_head->second);
  }
  ChainHash stored{};
  Status s = eventstore::read_chain_hash(db_, position, &stored);
  if (s.code() == Status::Code::io_error) return s;
  if (!s.is_ok()) {
    problem(position, s.message());
    stored = computed;
  } else if (stored != computed) {
    problem(position, "the event does not match its hash (changed, or moved from elsewhere)");
  }
  previous_ = stored;
  report_.head_hash = eventstore::chain_hex(stored);
  return Status::ok();
}

Status Verifier::check_index(std::uint64_t position, const eventstore::EventHeader& h) {
  std::string value;
  const rocksdb::Status s =
      db_.db()->Get(rocksdb::ReadOptions(), db_.log(),
                    eventstore::stream_index_key(h.meta.stream_id, h.meta.version.value), &value);
  if (!s.ok() && !s.IsNotFound()) return Status::io_error(s.ToString());
  if (s.IsNotFound() || value.size() != 8 || eventstore::get_be64(value.data()) != position) {
    problem(position, "the stream index does not place " + h.meta.stream_id + " version " +
                          std::to_string(h.meta.version.value) + " here");
  }
  return Status::ok();
}

void Verifier::fold(std::uint64_t position, const eventstore::EventHeader& h, json::Value data) {
  Folded& f = streams_[h.meta.stream_id];
  if (f.aggregate == nullptr) {
    f.aggregate = registry_.for_stream(h.meta.stream_id);
    if (f.aggregate == nullptr) return problem(position, "no aggregate owns " + h.meta.stream_id);
    f.state = f.aggregate->initial();
  }
  if (!f.aggregate->declares(h.type)) {
    return problem(position, h.meta.stream_id + " has an event of type " + h.type +
                                 ", which its aggregate does not declare");
  }
  if (h.meta.version.value != f.version + 1) {
    return problem(position, h.meta.stream_id + " version " + std::to_string(h.meta.version.value) +
                                 " follows version " + std::to_string(f.version));
  }
  if (f.broken) return;
  contract::Applied applied;
  try {
    const ThrowingAssertions judging;  // the evolve's own assertions, reported here
    if (Status s = f.aggregate->apply(*f.state, h, data, &applied); !s.is_ok()) {
      return problem(position, h.type + " does not decode: " + s.message());
    }
  } catch (const InvariantBroken& e) {
    f.broken = true;
    return problem(position, h.meta.stream_id + " after " + h.type + ": " + e.what);
  }
  f.version = h.meta.version.value;
  if (const std::string broken = f.aggregate->broken_invariant(*f.state); !broken.empty()) {
    problem(position, h.meta.stream_id + " after " + h.type + ": " + broken);
  }
  for (const contract::Movement& m : applied.moved) {
    std::int64_t debits = 0;
    std::int64_t credits = 0;
    for (const projections::Entry& e : projections::entries_of(m)) {
      debits += e.debit_minor;
      credits += e.credit_minor;
    }
    if (debits != credits) {
      problem(position, "the entries of " + m.source + " do not balance: debits " +
                            std::to_string(debits) + ", credits " + std::to_string(credits));
    }
    ++report_.movements;
  }
}

// Nothing after the last event: a hash without its event means the last event was deleted.
Status Verifier::check_tail(std::uint64_t last) {
  std::unique_ptr<rocksdb::Iterator> it(db_.db()->NewIterator(rocksdb::ReadOptions(), db_.log()));
  it->Seek(eventstore::chain_key(last + 1));
  if (!it->status().ok()) return Status::io_error(it->status().ToString());
  if (it->Valid() && it->key().size() == 9 && it->key()[0] == 'h') {
    problem(last + 1, "missing (the log ends before it, but its hash is there)");
  }
  std::string format;
  const rocksdb::Status s = db_.db()->Get(rocksdb::ReadOptions(), db_.log(),
                                          std::string(eventstore::kLogFormatKey), &format);
  if (!s.ok() || format != eventstore::kLogFormat) {
    problem(1, "the log has no hash chain (format 1): payledgerd upgrades it when it opens it");
  }
  return Status::ok();
}

Status Verifier::run() {
  const std::uint64_t total = eventstore::last_event_position(db_);
  std::uint64_t expect = 1;
  Status scanned = eventstore::scan_events(
      db_, 1, eventstore::kLogEnd, [&](std::uint64_t position, std::string_view event) {
        for (; expect < position; ++expect) {
          problem(expect, "missing (the log goes on at " + std::to_string(position) + ")");
          ChainHash stored{};
          Status read = eventstore::read_chain_hash(db_, expect, &stored);
          if (read.code() == Status::Code::io_error) return read;
          if (read.is_ok()) previous_ = stored;  // the chain goes on from the missing one's hash
        }
        if (Status s = check_chain(position, event); !s.is_ok()) return s;
        eventstore::EventHeader h;
        json::Value data;
        if (Status s = parser_.parse(event, &h, &data); !s.is_ok()) {
          problem(position, "not an event envelope: " + s.message());
        } else {
          if (Status s = check_index(position, h); !s.is_ok()) return s;
          fold(position, h, data);
        }
        ++report_.events;
        report_.head_position = position;
        expect = position + 1;
        if (options_.progress && position % 4096 == 0) options_.progress(position, total);
        return Status::ok();
      });
  if (!scanned.is_ok()) return scanned;
  if (Status s = check_tail(report_.head_position); !s.is_ok()) return s;
  if (options_.expect_head &&
      (options_.expect_head->first > report_.head_position || options_.expect_head->first == 0)) {
    problem(options_.expect_head->first, "the anchored position is not in the log (cut off?)");
  }
  report_.streams = streams_.size();
  if (options_.progress) options_.progress(report_.head_position, total);
  return Status::ok();
}

}  // namespace

Expected<VerifyReport, Status> verify_log(const eventstore::Database& db,
                                          const contract::Registry& registry,
                                          const VerifyOptions& options) {
  VerifyReport report;
  Verifier verifier(db, registry, options, report);
  if (Status s = verifier.run(); !s.is_ok()) return Unexpected{s};
  return report;
}

}  // namespace payledger::finance
