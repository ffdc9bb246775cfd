#pragma once
// `payledger verify`: everything that can be checked of a log without trusting the views
// (docs/ledger.md, "Verifying the log"):
//   - the hash chain (eventstore/chain.h): every event matches its hash, positions are gapless,
//     and the head, if the caller anchored one elsewhere, is the one expected;
//   - the stream index: each event is its stream's version, where the index says;
//   - decoding: every event is an envelope of a type its stream's aggregate declares;
//   - the fold: each stream's events follow one another and each state keeps its aggregate's
//     money invariants (captured <= authorized, refunded <= captured, ...);
//   - the ledger: every movement's double entries balance (debits = credits).
// Every problem is named by the first position where it shows.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "contract/registry.h"
#include "domain/expected.h"
#include "eventstore/database.h"
#include "eventstore/status.h"

namespace payledger::finance {

struct VerifyOptions {
  // A head anchored elsewhere: the chain's hash at `position` must be `hash_hex`.
  std::optional<std::pair<std::uint64_t, std::string>> expect_head;
  // Called now and then with the events checked so far and the total.
  std::function<void(std::uint64_t done, std::uint64_t total)> progress;
};

struct VerifyReport {
  std::uint64_t events = 0;
  std::uint64_t streams = 0;
  std::uint64_t movements = 0;      // ledger transactions re-derived, each balanced
  std::uint64_t head_position = 0;  // the last event
  std::string head_hash;            // its hash (hex), as stored
  // "position N: why", in log order, at most kMaxProblems of them.
  std::vector<std::string> problems;
  std::uint64_t first_broken = 0;  // the first position with a problem; 0 when none
  bool ok() const { return problems.empty(); }
};

inline constexpr std::size_t kMaxProblems = 100;

// Reads the whole log of `db` (a follower is enough). Returns an error only when the database
// cannot be read; what is wrong with the log is in the report.
Expected<VerifyReport, eventstore::Status> verify_log(const eventstore::Database& db,
                                                      const contract::Registry& registry,
                                                      const VerifyOptions& options);

}  // namespace payledger::finance
