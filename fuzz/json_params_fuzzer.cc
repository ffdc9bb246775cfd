// libFuzzer target: a JSON body through api::Params, as the server reads one. The same
// parameters as a form body give the same canonical form (what idempotency compares).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/params_exercise.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  auto params = payledger::api::Params::from_json(body);
  if (params) payledger::fuzz::exercise(*params);
  return 0;
}
