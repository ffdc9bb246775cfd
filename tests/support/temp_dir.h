#pragma once
// A fresh directory under /tmp for one test, removed when the test ends.
#include <string>

namespace payledger::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace payledger::testing
