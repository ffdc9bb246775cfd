#include "tests/support/power_cut_fs.h"

#include <rocksdb/db.h>

#include <mutex>
#include <utility>

namespace payledger::testing {
namespace {

// Appends stay in `pending_` until Sync/Fsync writes them to the real file and syncs it.
// Flush and RangeSync promise no durability, so they keep the bytes pending too.
class PowerCutWritableFile final : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  explicit PowerCutWritableFile(std::unique_ptr<rocksdb::FSWritableFile> real)
      : rocksdb::FSWritableFileOwnerWrapper(std::move(real)) {}

  rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& /*options*/,
                           rocksdb::IODebugContext* /*dbg*/) override {
    std::lock_guard lock(mu_);
    pending_.append(data.data(), data.size());
    return rocksdb::IOStatus::OK();
  }
  rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                           const rocksdb::DataVerificationInfo& /*verification_info*/,
                           rocksdb::IODebugContext* dbg) override {
    return Append(data, options, dbg);
  }
  rocksdb::IOStatus PositionedAppend(const rocksdb::Slice& /*data*/, uint64_t /*offset*/,
                                     const rocksdb::IOOptions& /*options*/,
                                     rocksdb::IODebugContext* /*dbg*/) override {
    return rocksdb::IOStatus::NotSupported("positioned appends (direct I/O only)");
  }
  rocksdb::IOStatus PositionedAppend(const rocksdb::Slice& /*data*/, uint64_t /*offset*/,
                                     const rocksdb::IOOptions& /*options*/,
                                     const rocksdb::DataVerificationInfo& /*verification_info*/,
                                     rocksdb::IODebugContext* /*dbg*/) override {
    return rocksdb::IOStatus::NotSupported("positioned appends (direct I/O only)");
  }
  rocksdb::IOStatus Truncate(uint64_t size, const rocksdb::IOOptions& options,
                             rocksdb::IODebugContext* dbg) override {
    return written_out_then(options, dbg, [&] { return target()->Truncate(size, options, dbg); });
  }
  rocksdb::IOStatus Flush(const rocksdb::IOOptions& /*options*/,
                          rocksdb::IODebugContext* /*dbg*/) override {
    return rocksdb::IOStatus::OK();
  }
  rocksdb::IOStatus RangeSync(uint64_t /*offset*/, uint64_t /*nbytes*/,
                              const rocksdb::IOOptions& /*options*/,
                              rocksdb::IODebugContext* /*dbg*/) override {
    return rocksdb::IOStatus::OK();
  }
  rocksdb::IOStatus Sync(const rocksdb::IOOptions& options, rocksdb::IODebugContext* dbg) override {
    return written_out_then(options, dbg, [&] { return target()->Sync(options, dbg); });
  }
  rocksdb::IOStatus Fsync(const rocksdb::IOOptions& options,
                          rocksdb::IODebugContext* dbg) override {
    return written_out_then(options, dbg, [&] { return target()->Fsync(options, dbg); });
  }
  // Closed unsynced: the kernel would hold the bytes while the machine runs (see the header).
  rocksdb::IOStatus Close(const rocksdb::IOOptions& options,
                          rocksdb::IODebugContext* dbg) override {
    return written_out_then(options, dbg, [&] { return target()->Close(options, dbg); });
  }
  uint64_t GetFileSize(const rocksdb::IOOptions& options, rocksdb::IODebugContext* dbg) override {
    std::lock_guard lock(mu_);
    return target()->GetFileSize(options, dbg) + pending_.size();
  }
  bool IsSyncThreadSafe() const override { return true; }
  bool use_direct_io() const override { return false; }

 private:
  // Writes the pending bytes to the real file, then does `then` on it.
  template <class Then>
  rocksdb::IOStatus written_out_then(const rocksdb::IOOptions& options,
                                     rocksdb::IODebugContext* dbg, Then then) {
    std::lock_guard lock(mu_);
    rocksdb::IOStatus s = write_out(options, dbg);
    if (!s.ok()) return s;
    return then();
  }

  // REQUIRES: mu_ held.
  rocksdb::IOStatus write_out(const rocksdb::IOOptions& options, rocksdb::IODebugContext* dbg) {
    if (pending_.empty()) return rocksdb::IOStatus::OK();
    rocksdb::IOStatus s = target()->Append(pending_, options, dbg);
    if (s.ok()) s = target()->Flush(options, dbg);
    if (s.ok()) pending_.clear();
    return s;
  }

  std::mutex mu_;
  std::string pending_;
};

rocksdb::FileOptions buffered(const rocksdb::FileOptions& options) {
  rocksdb::FileOptions out = options;
  out.use_direct_writes = false;  // the pending bytes are not aligned blocks
  return out;
}

// `real`, opened with status `s`, behind a PowerCutWritableFile.
rocksdb::IOStatus wrapped(const rocksdb::IOStatus& s, std::unique_ptr<rocksdb::FSWritableFile> real,
                          std::unique_ptr<rocksdb::FSWritableFile>* result) {
  if (s.ok()) *result = std::make_unique<PowerCutWritableFile>(std::move(real));
  return s;
}

}  // namespace

rocksdb::IOStatus PowerCutFileSystem::NewWritableFile(
    const std::string& fname, const rocksdb::FileOptions& options,
    std::unique_ptr<rocksdb::FSWritableFile>* result, rocksdb::IODebugContext* dbg) {
  std::unique_ptr<rocksdb::FSWritableFile> real;
  const auto s = target()->NewWritableFile(fname, buffered(options), &real, dbg);
  return wrapped(s, std::move(real), result);
}

rocksdb::IOStatus PowerCutFileSystem::ReopenWritableFile(
    const std::string& fname, const rocksdb::FileOptions& options,
    std::unique_ptr<rocksdb::FSWritableFile>* result, rocksdb::IODebugContext* dbg) {
  std::unique_ptr<rocksdb::FSWritableFile> real;
  const auto s = target()->ReopenWritableFile(fname, buffered(options), &real, dbg);
  return wrapped(s, std::move(real), result);
}

rocksdb::IOStatus PowerCutFileSystem::ReuseWritableFile(
    const std::string& fname, const std::string& old_fname, const rocksdb::FileOptions& options,
    std::unique_ptr<rocksdb::FSWritableFile>* result, rocksdb::IODebugContext* dbg) {
  std::unique_ptr<rocksdb::FSWritableFile> real;
  const auto s = target()->ReuseWritableFile(fname, old_fname, buffered(options), &real, dbg);
  return wrapped(s, std::move(real), result);
}

std::unique_ptr<rocksdb::Env> power_cut_env() {
  return rocksdb::NewCompositeEnv(
      std::make_shared<PowerCutFileSystem>(rocksdb::FileSystem::Default()));
}

}  // namespace payledger::testing
