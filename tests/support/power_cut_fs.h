#pragma once
// A RocksDB file system for tests that behaves like a machine losing power: what a process
// writes to a file stays in the process's memory until the file is synced, and only a sync
// moves it to the real file (and fsyncs it there). Killing the process (SIGKILL) then drops
// every append not yet synced, which is what a power cut does to the WAL and what the event
// store's acknowledgement depends on. kill -9 alone cannot show that, because the kernel's page
// cache keeps unsynced writes across a process's death. Coarser than a real cut: file creates,
// renames and directory entries survive unsynced (RocksDB syncs its directory after them anyway).
//
// Built on rocksdb::FileSystemWrapper (public API). Only writable files are intercepted; reads,
// renames, deletes and directory syncs go to the real file system. A file closed without a
// sync is written out unsynced (as the kernel would keep it while the machine runs), so that
// RocksDB can read back what it wrote; RocksDB syncs every file it relies on before relying on it.
#include <memory>
#include <string>

#include <rocksdb/env.h>
#include <rocksdb/file_system.h>

namespace payledger::testing {

class PowerCutFileSystem final : public rocksdb::FileSystemWrapper {
 public:
  explicit PowerCutFileSystem(const std::shared_ptr<rocksdb::FileSystem>& real)
      : rocksdb::FileSystemWrapper(real) {}
  static const char* kClassName() { return "PayledgerPowerCutFileSystem"; }
  const char* Name() const override { return kClassName(); }

  rocksdb::IOStatus NewWritableFile(const std::string& fname, const rocksdb::FileOptions& options,
                                    std::unique_ptr<rocksdb::FSWritableFile>* result,
                                    rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus ReopenWritableFile(const std::string& fname,
                                       const rocksdb::FileOptions& options,
                                       std::unique_ptr<rocksdb::FSWritableFile>* result,
                                       rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus ReuseWritableFile(const std::string& fname, const std::string& old_fname,
                                      const rocksdb::FileOptions& options,
                                      std::unique_ptr<rocksdb::FSWritableFile>* result,
                                      rocksdb::IODebugContext* dbg) override;
};

// An Env whose files go through a PowerCutFileSystem over the default one. The returned Env
// must outlive every database opened with it.
std::unique_ptr<rocksdb::Env> power_cut_env();

}  // namespace payledger::testing
