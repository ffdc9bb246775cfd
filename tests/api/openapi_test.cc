// docs/openapi.yaml against the server's own route table, both ways: GET /v1/openapi.json (no
// key) must describe every (method, path) the server registered, and nothing it does not serve;
// the routes a customer's browser or an operator opens without a key are the description's
// operations without security, and only those.
#include <doctest/doctest.h>

#include <cctype>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "contract/aggregate.h"
#include "tests/support/test_server.h"

using namespace payledger;
using payledger::testing::Json;
using payledger::testing::Server;

namespace {

// "/v1/customers/:id" -> "/v1/customers/{id}": a route's label as an OpenAPI path.
std::string openapi_path(const std::string& label) {
  std::string out;
  std::size_t at = 0;
  while (at < label.size()) {
    const std::size_t slash = label.find('/', at);
    const std::size_t end = slash == std::string::npos ? label.size() : slash;
    const std::string segment = label.substr(at, end - at);
    out += segment.starts_with(":") ? "{" + segment.substr(1) + "}" : segment;
    if (slash != std::string::npos) out += "/";
    at = end + 1;
  }
  return out;
}

std::string lines(const std::set<std::string>& operations) {
  std::ostringstream out;
  for (const std::string& op : operations) out << "\n  " << op;
  return out.str();
}

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// "GET /v1/customers/{id}" -> whether the operation says it needs no key (`security: []`).
std::map<std::string, bool> described_operations(const Json& description) {
  std::map<std::string, bool> out;
  for (const auto& [path, item] : description.at("paths").items()) {
    for (const auto& [method, operation] : item.items()) {
      if (method == "parameters" || method == "summary" || method == "description" ||
          method == "servers") {
        continue;
      }
      const bool open = operation.contains("security") && operation["security"].empty();
      out[upper(method) + " " + path] = open;
    }
  }
  return out;
}

}  // namespace

TEST_CASE("a route label is an OpenAPI path") {
  CHECK(openapi_path("/v1/customers") == "/v1/customers");
  CHECK(openapi_path("/v1/customers/:id") == "/v1/customers/{id}");
  CHECK(openapi_path("/v1/payment_intents/:id/confirm") == "/v1/payment_intents/{id}/confirm");
  CHECK(openapi_path("/checkout/checkout.js") == "/checkout/checkout.js");
}

TEST_CASE("GET /v1/openapi.json describes every route the server serves, and only those") {
  Server s;
  const payledger::testing::Reply r = s.get("/v1/openapi.json", /*key=*/"");
  REQUIRE(r.status == 200);
  CHECK(r.header("Content-Type") == "application/json");
  REQUIRE(r.body.is_object());
  CHECK(r.body["openapi"].get<std::string>().starts_with("3.1"));
  CHECK(r.body["info"]["version"] == std::string(contract::kApiVersion));
  const std::map<std::string, bool> described = described_operations(r.body);

  std::set<std::string> served;
  std::set<std::string> served_without_key;
  for (const api::RouteInfo& route : s.app().route_table()) {
    const std::string op = route.method + " " + openapi_path(route.label);
    CHECK_MESSAGE(served.insert(op).second, "registered twice: " << op);
    if (!route.needs_key) served_without_key.insert(op);
  }
  // The route table holds what every part of the server registers.
  CHECK(served.contains("GET /v1/customers/{id}"));
  CHECK(served.contains("POST /v1/payment_intents/{id}/confirm"));
  CHECK(served.contains("GET /v1/checkout/sessions/{id}/line_items"));
  CHECK(served.contains("POST /v1/events/{id}/retry"));
  CHECK(served.contains("GET /v1/openapi.json"));
  CHECK(served_without_key.contains("GET /healthz"));
  CHECK(served_without_key.contains("GET /pay/3ds/{id}"));

  std::set<std::string> missing;       // served, not described
  std::set<std::string> not_served;    // described, not served
  std::set<std::string> wrong_access;  // a key where none is needed, or the reverse
  for (const std::string& op : served) {
    const auto d = described.find(op);
    if (d == described.end()) {
      missing.insert(op);
    } else if (d->second != served_without_key.contains(op)) {
      wrong_access.insert(op + (d->second ? " (described without a key; the server wants one)"
                                          : " (served without a key; described with security)"));
    }
  }
  for (const auto& [op, open] : described) {
    if (!served.contains(op)) not_served.insert(op);
  }
  CHECK_MESSAGE(
      missing.empty(),
      "routes the server serves that docs/openapi.yaml does not describe:" << lines(missing));
  CHECK_MESSAGE(not_served.empty(),
                "operations docs/openapi.yaml describes that the server does not serve:"
                    << lines(not_served));
  CHECK_MESSAGE(wrong_access.empty(), "security differs:" << lines(wrong_access));
  CHECK(described.size() == served.size());
}

TEST_CASE("the description needs no key, and a key changes nothing") {
  Server s;
  const payledger::testing::Reply open = s.get("/v1/openapi.json", "");
  const payledger::testing::Reply keyed = s.get("/v1/openapi.json");
  REQUIRE(open.status == 200);
  CHECK(keyed.status == 200);
  CHECK(open.raw == keyed.raw);
  CHECK(open.header("Access-Control-Allow-Origin") == "*");
}
