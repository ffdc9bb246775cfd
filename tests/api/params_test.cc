#include <doctest/doctest.h>

#include "api/idempotency.h"
#include "api/key_cache.h"
#include "api/params.h"
#include "api/routes.h"

#include <nlohmann/json.hpp>

using namespace payledger::api;

TEST_CASE("form bodies nest by brackets and convert on read") {
  auto p = Params::from_form("amount=10&metadata[a]=1&metadata[b]=x%20y&confirm=true");
  REQUIRE(p.has_value());
  CHECK(p->integer("amount") == 10);
  CHECK(p->boolean("confirm") == true);
  auto m = p->metadata("metadata");
  CHECK(m.size() == 2);
  CHECK(m["b"] == "x y");
  CHECK_FALSE(p->finish().has_value());
}

TEST_CASE("getters record the first error; finish names unknown parameters") {
  auto p = Params::from_json(R"({"amount":"ten","extra":1})");
  REQUIRE(p.has_value());
  (void)p->integer("amount");
  auto e = p->finish();
  REQUIRE(e.has_value());
  CHECK(e->param == "amount");
  auto q = Params::from_json(R"({"amount":10,"extra":1})");
  (void)q->integer("amount");
  REQUIRE(q->finish().has_value());
  CHECK(q->finish()->param == "extra");
  CHECK(q->finish()->code == "parameter_unknown");
}

TEST_CASE("metadata limits: 50 keys, 40-character keys, 500-character values") {
  std::string body = "{\"metadata\":{";
  for (int i = 0; i < 51; ++i)
    body += (i ? "," : "") + std::string("\"k") + std::to_string(i) + "\":\"v\"";
  body += "}}";
  auto p = Params::from_json(body);
  (void)p->metadata("metadata");
  CHECK(p->finish()->param == "metadata");
  auto q = Params::from_json("{\"metadata\":{\"" + std::string(41, 'k') + "\":\"v\"}}");
  (void)q->metadata("metadata");
  CHECK(q->finish()->param == "metadata[" + std::string(41, 'k') + "]");
  auto r = Params::from_json("{\"metadata\":{\"k\":\"" + std::string(501, 'v') + "\"}}");
  (void)r->metadata("metadata");
  CHECK(r->finish()->param == "metadata[k]");
}

namespace {

std::string repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

}  // namespace

TEST_CASE("limits count characters (code points), not UTF-8 bytes") {
  const std::string e_acute = "\u00e9";  // 2 bytes in UTF-8
  const std::string u_umlaut = "\u00fc";
  auto value_500 = Params::from_json("{\"metadata\":{\"k\":\"" + repeat(e_acute, 500) + "\"}}");
  CHECK(value_500->metadata("metadata").at("k").size() == 1000);
  CHECK_FALSE(value_500->finish().has_value());
  auto value_501 = Params::from_json("{\"metadata\":{\"k\":\"" + repeat(e_acute, 501) + "\"}}");
  (void)value_501->metadata("metadata");
  REQUIRE(value_501->finish().has_value());
  CHECK(value_501->finish()->param == "metadata[k]");

  const std::string key_40 = repeat(u_umlaut, 40);
  auto key = Params::from_json("{\"metadata\":{\"" + key_40 + "\":\"v\"}}");
  CHECK(key->metadata("metadata").count(key_40) == 1);
  CHECK_FALSE(key->finish().has_value());
  auto key_41 = Params::from_json("{\"metadata\":{\"" + repeat(u_umlaut, 41) + "\":\"v\"}}");
  (void)key_41->metadata("metadata");
  REQUIRE(key_41->finish().has_value());
  CHECK(key_41->finish()->param == "metadata[" + repeat(u_umlaut, 41) + "]");

  // 1000 characters of 3 and 4 bytes each (what api/server.cc allows a description).
  const std::string description = repeat("\u20ac", 500) + repeat("\U0001F600", 500);
  auto at_limit = Params::from_form("description=" + description);
  CHECK(at_limit->string("description", 1000) == description);
  CHECK_FALSE(at_limit->finish().has_value());
  auto over = Params::from_json("{\"description\":\"" + description + "x\"}");
  CHECK_FALSE(over->string("description", 1000).has_value());
  REQUIRE(over->finish().has_value());
  CHECK(over->finish()->param == "description");
}

TEST_CASE("in-flight idempotency keys are exclusive until ended") {
  InFlightKeys keys;
  CHECK(keys.try_begin("m\0k"));
  CHECK_FALSE(keys.try_begin("m\0k"));
  keys.end("m\0k");
  CHECK(keys.try_begin("m\0k"));
}

TEST_CASE("idempotency records round-trip and reject garbage") {
  const IdempotencyRecord r{"abc", 200, "{\"id\":\"pi_1\"}", 42};
  auto back = decode_record(encode_record(r));
  REQUIRE(back.has_value());
  CHECK(back->body == r.body);
  CHECK(back->created == 42);
  CHECK_FALSE(back->legacy_sha256);
  CHECK_FALSE(decode_record("nope").has_value());
  // Records written before the fingerprint was keyed still decode, marked as such.
  auto legacy = decode_record(R"({"request_sha256":"ab","status":200,"body":"{}","created":1})");
  REQUIRE(legacy.has_value());
  CHECK(legacy->legacy_sha256);
  CHECK(legacy->request_hmac == "ab");
  CHECK_FALSE(decode_record("{\"status\":200}").has_value());
}

TEST_CASE("bracket paths read nested objects; an unknown member is named in full") {
  auto p = Params::from_form("address[line1]=1+Main&address[zip]=9&shipping[address][city]=X");
  REQUIRE(p.has_value());
  CHECK(p->is_object("address"));
  CHECK(p->string("address[line1]") == "1 Main");
  CHECK(p->string("shipping[address][city]") == "X");
  auto e = p->finish();
  REQUIRE(e.has_value());
  CHECK(e->param == "address[zip]");
}

TEST_CASE("updates: absent, unset (empty or null) and set are told apart; metadata is patched") {
  auto p = Params::from_json(R"({"name":"","email":null,"phone":"1","metadata":{"a":"","b":"2"}})");
  REQUIRE(p.has_value());
  CHECK(p->update_string("name") == "");
  CHECK(p->update_string("email") == "");
  CHECK(p->update_string("phone") == "1");
  CHECK_FALSE(p->update_string("description").has_value());
  auto patch = p->metadata_patch("metadata");
  REQUIRE(patch.has_value());
  CHECK_FALSE(patch->clear);
  CHECK(patch->entries.at("a") == std::nullopt);
  CHECK(patch->entries.at("b") == "2");
  CHECK_FALSE(p->finish().has_value());
  auto all = Params::from_form("metadata=");
  REQUIRE(all.has_value());
  CHECK(all->metadata_patch("metadata")->clear);
}

// Found by schemathesis: JSON's null unset a metadata key only as "" did (null was "not a
// string"), and metadata="junk" cleared every key.
TEST_CASE("metadata: null is no value, as \"\" is; a scalar is no patch") {
  auto p = Params::from_json(R"({"metadata":{"a":null,"b":"2"}})");
  REQUIRE(p.has_value());
  auto patch = p->metadata_patch("metadata");
  REQUIRE(patch.has_value());
  CHECK(patch->entries.at("a") == std::nullopt);
  CHECK(patch->entries.at("b") == "2");
  CHECK_FALSE(p->finish().has_value());
  auto created = Params::from_json(R"({"metadata":{"a":null,"b":"2"}})");
  CHECK(created->metadata("metadata") == payledger::domain::Metadata{{"b", "2"}});
  CHECK_FALSE(created->finish().has_value());
  auto junk = Params::from_json(R"({"metadata":"junk"})");
  (void)junk->metadata_patch("metadata");
  REQUIRE(junk->finish().has_value());
  CHECK(junk->finish()->param == "metadata");
  CHECK(junk->finish()->code == "parameter_invalid");
}

// Found by schemathesis: {"address": {}} was "Received unknown parameter: address".
TEST_CASE("an object parameter sent empty is known once its members were asked for") {
  for (const char* body : {R"({"customer":{}})", R"({"customer":null})", R"({"customer":""})"}) {
    CAPTURE(body);
    auto p = Params::from_json(body);
    REQUIRE(p.has_value());
    CHECK_FALSE(p->string("customer[email]").has_value());
    CHECK_FALSE(p->finish().has_value());
  }
  auto unasked = Params::from_json(R"({"other":{}})");
  REQUIRE(unasked->finish().has_value());
  CHECK(unasked->finish()->param == "other");
  auto scalar = Params::from_json(R"({"customer":"x"})");
  (void)scalar->string("customer[email]");
  REQUIRE(scalar->finish().has_value());
  CHECK(scalar->finish()->param == "customer");
  auto form = Params::from_form("address=&shipping=junk");
  REQUIRE(form.has_value());
  CHECK(form->object_given("address") == false);
  CHECK_FALSE(form->object_given("phone").has_value());
  CHECK(form->object_given("shipping") == false);
  REQUIRE(form->finish().has_value());
  CHECK(form->finish()->param == "shipping");
  auto object = Params::from_json(R"({"address":{"city":"X"}})");
  CHECK(object->object_given("address") == true);
  CHECK(object->string("address[city]") == "X");
  CHECK_FALSE(object->finish().has_value());
}

TEST_CASE("the canonical form ignores order and encoding, not values") {
  auto json = Params::from_json(R"({"amount":100,"confirm":true,"metadata":{"k":"v"}})");
  auto form = Params::from_form("metadata[k]=v&confirm=true&amount=100");
  auto other = Params::from_form("metadata[k]=v&confirm=true&amount=101");
  REQUIRE((json && form && other));
  CHECK(json->canonical_form() == form->canonical_form());
  CHECK(json->canonical_form() != other->canonical_form());
}

TEST_CASE("the key cache forgets after its TTL and never grows past its bound") {
  KeyCache cache(std::chrono::seconds(30), 2);
  const auto t0 = std::chrono::steady_clock::now();
  cache.remember("h1", "mer_1", t0);
  CHECK(cache.find("h1", t0 + std::chrono::seconds(29)) == "mer_1");
  CHECK_FALSE(cache.find("h1", t0 + std::chrono::seconds(30)).has_value());
  cache.remember("a", "m", t0);
  cache.remember("b", "m", t0);
  cache.remember("c", "m", t0);  // full: starts over
  CHECK_FALSE(cache.find("a", t0).has_value());
  CHECK(cache.find("c", t0) == "m");
}

TEST_CASE("lists: a JSON array and a form's indices read alike, and the same canonically") {
  auto json = Params::from_json(
      R"({"line_items":[{"price":"price_a","quantity":2},{"price":"price_b","quantity":1}],
          "countries":["US","CA"]})");
  auto form = Params::from_form(
      "line_items[0][price]=price_a&line_items[0][quantity]=2&line_items[1][price]=price_b"
      "&line_items[1][quantity]=1&countries[0]=US&countries[1]=CA");
  REQUIRE(json.has_value());
  REQUIRE(form.has_value());
  CHECK(json->canonical_form() == form->canonical_form());
  for (Params* p : {&*json, &*form}) {
    REQUIRE(p->count("line_items") == 2);
    CHECK(p->string("line_items[1][price]") == "price_b");
    CHECK(p->integer("line_items[0][quantity]") == 2);
    (void)p->string("line_items[0][price]");
    (void)p->integer("line_items[1][quantity]");
    CHECK(p->strings("countries", 10, 2) == std::vector<std::string>{"US", "CA"});
    CHECK_FALSE(p->finish().has_value());
  }
  // An element nobody asked for is unknown; a gap in the indices is not a list.
  auto extra = Params::from_form("line_items[0][price]=a&line_items[0][colour]=red");
  CHECK(extra->count("line_items") == 1);
  (void)extra->string("line_items[0][price]");
  REQUIRE(extra->finish().has_value());
  CHECK(extra->finish()->param == "line_items[0][colour]");
  auto gap = Params::from_form("line_items[0][price]=a&line_items[2][price]=b");
  CHECK(gap->count("line_items") == 0);
  REQUIRE(gap->finish().has_value());
  CHECK(gap->finish()->param == "line_items");
  auto too_many = Params::from_json(R"({"countries":["US","CA","GB"]})");
  CHECK_FALSE(too_many->strings("countries", 2, 2).has_value());
  CHECK(too_many->finish()->param == "countries");
}

TEST_CASE("list_of pages a list held in one document as the views' lists are paged") {
  std::vector<std::pair<std::string, std::string>> items;
  for (int i = 0; i < 5; ++i) {
    items.emplace_back("it_" + std::to_string(i), R"({"id":"it_)" + std::to_string(i) + R"("})");
  }
  auto page = [&](std::multimap<std::string, std::string> q) {
    Outcome o = list_of(items, q, "/v1/x");
    return std::make_pair(o.http_status, nlohmann::json::parse(o.body));
  };
  auto [status, first] = page({{"limit", "2"}});
  CHECK(status == 200);
  CHECK(first["data"].size() == 2);
  CHECK(first["has_more"] == true);
  CHECK(first["next_cursor"] == "it_1");
  auto [s2, next] = page({{"limit", "2"}, {"starting_after", "it_3"}});
  CHECK(next["data"].size() == 1);
  CHECK(next["data"][0]["id"] == "it_4");
  CHECK(next["has_more"] == false);
  auto [s3, back] = page({{"limit", "2"}, {"ending_before", "it_3"}});
  CHECK(back["data"][0]["id"] == "it_1");
  CHECK(back["data"][1]["id"] == "it_2");
  CHECK(back["has_more"] == true);
  CHECK(page({{"starting_after", "it_9"}}).second["error"]["param"] == "starting_after");
  CHECK(page({{"limit", "0"}}).second["error"]["param"] == "limit");
  CHECK(page({{"colour", "red"}}).second["error"]["param"] == "colour");
}
