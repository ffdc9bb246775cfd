#include "eventstore/chain.h"

#include <openssl/evp.h>
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <memory>

#include "domain/assert.h"
#include "eventstore/event_store.h"
#include "eventstore/log_scan.h"

namespace payledger::eventstore {
namespace {

struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

// One digest context per thread, reused: making one per event would cost more than hashing.
EVP_MD_CTX* thread_context() {
  thread_local std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  PL_ASSERT(ctx != nullptr, "OpenSSL allocates a digest context");
  return ctx.get();
}

constexpr std::uint64_t kUpgradeBatchEvents = 16'384;

}  // namespace

ChainHash chain_next(const ChainHash& previous, std::uint64_t position, std::string_view event) {
  EVP_MD_CTX* ctx = thread_context();
  std::string be;
  put_be64(be, position);
  ChainHash out{};
  unsigned int len = 0;
  const bool ok = EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr) == 1 &&
                  EVP_DigestUpdate(ctx, previous.data(), previous.size()) == 1 &&
                  EVP_DigestUpdate(ctx, be.data(), be.size()) == 1 &&
                  EVP_DigestUpdate(ctx, event.data(), event.size()) == 1 &&
                  EVP_DigestFinal_ex(ctx, out.data(), &len) == 1;
  PL_ASSERT(ok && len == out.size(), "SHA-256 never fails on memory input");
  return out;
}

std::string chain_hex(const ChainHash& hash) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(64);
  for (unsigned char b : hash) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 15]);
  }
  return out;
}

std::string chain_key(std::uint64_t position) {
  std::string k = "h";
  put_be64(k, position);
  return k;
}

Status read_chain_hash(const Database& db, std::uint64_t position, ChainHash* out) {
  *out = ChainHash{};
  if (position == 0) return Status::ok();
  std::string value;
  rocksdb::Status s = db.db()->Get(rocksdb::ReadOptions(), db.log(), chain_key(position), &value);
  if (s.IsNotFound()) {
    return Status::corruption("no hash for position " + std::to_string(position));
  }
  if (!s.ok()) return Status::io_error(s.ToString());
  if (value.size() != out->size()) {
    return Status::corruption("the hash of position " + std::to_string(position) +
                              " is not 32 bytes");
  }
  std::copy(value.begin(), value.end(), out->begin());
  return Status::ok();
}

Status upgrade_log(Database& db, void (*progress)(std::uint64_t, std::uint64_t)) {
  std::string format;
  rocksdb::Status s =
      db.db()->Get(rocksdb::ReadOptions(), db.log(), std::string(kLogFormatKey), &format);
  if (s.ok() && format == kLogFormat) return Status::ok();
  if (!s.ok() && !s.IsNotFound()) return Status::io_error(s.ToString());
  if (s.ok() && format != "1") {
    return Status::invalid_argument("the log is of format " + format + "; this build knows " +
                                    std::string(kLogFormat) + " (a newer payledger wrote it)");
  }
  const std::uint64_t total = last_event_position(db);
  ChainHash hash{};
  std::uint64_t expect = 1;
  rocksdb::WriteBatch batch;
  Status scanned = scan_events(db, 1, kLogEnd, [&](std::uint64_t position, std::string_view event) {
    if (position != expect) {
      return Status::corruption("the log has no event at position " + std::to_string(expect));
    }
    hash = chain_next(hash, position, event);
    (void)batch.Put(db.log(), chain_key(position),
                    rocksdb::Slice(reinterpret_cast<const char*>(hash.data()), hash.size()));
    ++expect;
    if (batch.Count() >= kUpgradeBatchEvents) {
      if (rocksdb::Status w = db.db()->Write(rocksdb::WriteOptions(), &batch); !w.ok()) {
        return Status::io_error(w.ToString());
      }
      batch.Clear();
      if (progress != nullptr) progress(position, total);
    }
    return Status::ok();
  });
  if (!scanned.is_ok()) return scanned;
  (void)batch.Put(db.log(), std::string(kLogFormatKey), std::string(kLogFormat));
  rocksdb::WriteOptions sync;
  sync.sync = true;
  if (s = db.db()->Write(sync, &batch); !s.ok()) return Status::io_error(s.ToString());
  if (progress != nullptr && total > 0) progress(total, total);
  return Status::ok();
}

}  // namespace payledger::eventstore
