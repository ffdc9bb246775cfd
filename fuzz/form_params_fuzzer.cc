// libFuzzer target: a form body (bracket notation) through api::Params, as the server reads one.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/params_exercise.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  auto params = payledger::api::Params::from_form(body);
  if (params) payledger::fuzz::exercise(*params);
  return 0;
}
