#pragma once
// The log's hash chain, which makes a change behind payledger's back detectable
// (docs/storage-format.md): every event record carries
//   hash(p) = SHA-256(hash(p - 1) || be64(p) || the event's bytes),   hash(0) = 32 zero bytes,
// written in the same batch as the event. Changing a byte of an event, deleting one or swapping
// two breaks the chain at the first position touched; rewriting every hash after it is caught
// by comparing the head with one anchored elsewhere (`payledger verify` prints it).
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "eventstore/database.h"
#include "eventstore/status.h"

namespace payledger::eventstore {

using ChainHash = std::array<unsigned char, 32>;

// The hash of the record at `position`, given the hash of the one before.
ChainHash chain_next(const ChainHash& previous, std::uint64_t position, std::string_view event);

// Lowercase hex of a hash (64 characters).
std::string chain_hex(const ChainHash& hash);

// The key of the hash of the event at `position` in the log column family: "h" be64(position).
std::string chain_key(std::uint64_t position);

// The log layout this build writes (the value of the log's `v` key). 1 had no hash chain.
inline constexpr std::string_view kLogFormat = "2";
inline constexpr std::string_view kLogFormatKey = "v";

// The stored hash at `position` (hash(0) for 0). Corruption when missing or malformed.
Status read_chain_hash(const Database& db, std::uint64_t position, ChainHash* out);

// Brings the log of an open (primary) database to kLogFormat: a log of format 1 gets the hash
// of every event it holds, written in batches (an interrupted upgrade starts over, writing the
// same hashes), then the format key. Refuses a format newer than this build knows.
// `progress(done, total)` is called now and then on long upgrades.
Status upgrade_log(Database& db, void (*progress)(std::uint64_t done, std::uint64_t total));

}  // namespace payledger::eventstore
