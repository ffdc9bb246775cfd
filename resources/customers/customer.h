#pragma once
// Customers (Stripe's shape): the people who pay. Pure: events, state, decide and evolve; no
// I/O, no JSON, no HTTP. Rejections are ordered by precedence.
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "domain/events.h"
#include "domain/expected.h"
#include "domain/fields.h"
#include "domain/types.h"
#include "resources/customers/id.h"

namespace payledger::customers {

using domain::Field;

struct Address {
  std::string line1, line2, city, postal_code, state, country;  // country: ISO 3166-1 alpha-2
  bool operator==(const Address&) const = default;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("line1", s.line1, Field::nullable);
    v("line2", s.line2, Field::nullable);
    v("city", s.city, Field::nullable);
    v("postal_code", s.postal_code, Field::nullable);
    v("state", s.state, Field::nullable);
    v("country", s.country, Field::nullable);
  }
};

struct Shipping {
  std::string name;
  std::string phone;
  Address address;
  bool operator==(const Shipping&) const = default;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("name", s.name);
    v("phone", s.phone, Field::nullable);
    v("address", s.address);
  }
};

// The fields a merchant sets, at creation and at each update.
struct Profile {
  std::string email;
  std::string name;
  std::string phone;
  std::string description;
  std::optional<Address> address;
  std::optional<Shipping> shipping;
  domain::Metadata metadata;
  bool operator==(const Profile&) const = default;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("email", s.email, Field::nullable);
    v("name", s.name, Field::nullable);
    v("phone", s.phone, Field::nullable);
    v("description", s.description, Field::nullable);
    v("address", s.address);
    v("shipping", s.shipping);
    v("metadata", s.metadata);
  }
};

struct CustomerCreated {
  static constexpr std::string_view kType = "customer.created";
  static constexpr int kSchemaVersion = 1;
  static constexpr std::string_view kSummary = "a customer exists, with its profile";
  CustomerId id;
  Profile profile;
  std::string test_clock = {};  // the test clock it lives on (fixed for its life); empty: none
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("id", s.id);
    Profile::fields(s.profile, v);
    v("test_clock", s.test_clock, Field::nullable);
  }
};

struct CustomerUpdated {  // the whole profile after the update
  static constexpr std::string_view kType = "customer.updated";
  static constexpr int kSchemaVersion = 1;
  static constexpr std::string_view kSummary = "the customer's profile changed; data is all of it";
  Profile profile;
  template <class S, class V>
  static void fields(S& s, V& v) {
    Profile::fields(s.profile, v);
  }
};

struct CustomerDeleted {
  static constexpr std::string_view kType = "customer.deleted";
  static constexpr int kSchemaVersion = 1;
  static constexpr std::string_view kSummary = "the customer was deleted (a tombstone)";
  template <class S, class V>
  static void fields(S&, V&) {}
};

using Event = std::variant<CustomerCreated, CustomerUpdated, CustomerDeleted>;

struct Customer {
  CustomerId id;
  Profile profile;
  bool deleted = false;
  domain::UnixSeconds created;  // on its test clock, if it has one
  std::string test_clock = {};
  bool operator==(const Customer&) const = default;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("id", s.id);
    v("profile", s.profile);
    v("deleted", s.deleted);
    v("created", s.created);
    v("test_clock", s.test_clock, Field::nullable);
  }
};

enum class Rejection : std::uint8_t {
  customer_exists,           // create: the id is taken (a generated id collided)
  customer_missing,          // update or delete: no such customer, or deleted
  email_invalid,             // not something@something, or with spaces
  country_invalid,           // address[country] is not two letters
  shipping_invalid,          // shipping without a name or an address
  shipping_country_invalid,  // shipping[address][country] is not two letters
};

// An update: each field given replaces the one kept; metadata is patched.
struct ProfileUpdate {
  std::optional<std::string> email, name, phone, description;
  std::optional<std::optional<Address>> address;  // set, or clear (inner nullopt)
  std::optional<std::optional<Shipping>> shipping;
  domain::MetadataPatch metadata;
};

struct CreateCustomer {
  CustomerId id;
  Profile profile;
  std::string test_clock = {};  // a live clock of the merchant (the caller checks)
};
struct UpdateCustomer {
  ProfileUpdate update;
};
struct DeleteCustomer {};

using State = std::optional<Customer>;
using Decision = Expected<std::vector<Event>, Rejection>;

Decision decide(const State& state, const CreateCustomer& cmd);
Decision decide(const State& state, const UpdateCustomer& cmd);
Decision decide(const State& state, const DeleteCustomer& cmd);

// REQUIRES: `event` is the stream's next.
State evolve(State state, const domain::RecordedOf<Event>& event);

}  // namespace payledger::customers
