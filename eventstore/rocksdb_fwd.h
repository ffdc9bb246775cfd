#pragma once
// RocksDB's types that the public headers of the event store and the layers above name only by
// pointer or reference, declared without <rocksdb/db.h>: that header is 100k preprocessed lines,
// and these headers are included by nearly every file (docs/performance.md, "The test command's
// time"). A .cc file that calls RocksDB includes the RocksDB header it uses.
namespace rocksdb {
class DB;
class ColumnFamilyHandle;
class Env;
class Iterator;
class WriteBatch;
struct ColumnFamilyDescriptor;
struct ColumnFamilyOptions;
}  // namespace rocksdb
