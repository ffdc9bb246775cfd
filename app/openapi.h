#pragma once
// docs/openapi.yaml, the OpenAPI description of payledgerd's routes, as JSON: generated at build
// time (app/openapi_json.py) and served at GET /v1/openapi.json.
#include <string_view>

namespace payledger::api {

std::string_view openapi_json();

}  // namespace payledger::api
