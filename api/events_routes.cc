#include "api/events_routes.h"

#include <charconv>
#include <limits>

#include "api/lists.h"

namespace payledger::api {
namespace {

constexpr std::size_t kMaxTypes = 20;  // Stripe's limit on types[]

// The bounds of `created` the request asks for, inclusive.
struct CreatedRange {
  std::int64_t min = std::numeric_limits<std::int64_t>::min();
  std::int64_t max = std::numeric_limits<std::int64_t>::max();
};

// What GET /v1/events was asked, parsed.
struct EventQuery {
  projections::ListRequest list;
  std::vector<std::string> patterns;  // type wildcards and types[]: an event matching any
  bool type_given = false;
  CreatedRange created;
};

Expected<std::int64_t, ApiError> parse_time(const std::string& name, const std::string& value) {
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
  if (ec != std::errc() || end != value.data() + value.size()) {
    return Unexpected{invalid_param(name, "parameter_invalid_integer",
                                    name + " must be a Unix timestamp in seconds.")};
  }
  return v;
}

// created, created[gt], created[gte], created[lt], created[lte].
std::optional<ApiError> read_created(const std::string& name, const std::string& value,
                                     CreatedRange& range) {
  auto t = parse_time(name, value);
  if (!t) return t.error();
  if (name == "created") {
    range.min = std::max(range.min, *t);
    range.max = std::min(range.max, *t);
  } else if (name == "created[gt]") {
    range.min = std::max(range.min, *t == std::numeric_limits<std::int64_t>::max() ? *t : *t + 1);
  } else if (name == "created[gte]") {
    range.min = std::max(range.min, *t);
  } else if (name == "created[lt]") {
    range.max = std::min(range.max, *t == std::numeric_limits<std::int64_t>::min() ? *t : *t - 1);
  } else {
    range.max = std::min(range.max, *t);
  }
  return std::nullopt;
}

std::optional<ApiError> read_type(const std::string& name, const std::string& value,
                                  EventQuery& q) {
  if (!contract::valid_event_type_pattern(value)) {
    return invalid_param(name, "parameter_invalid",
                         name + " must be an event type, a prefix ending in '.*', or '*'.");
  }
  if (name == "type") {
    q.type_given = true;
    if (value.find('*') == std::string::npos) {
      q.list.filters["type"] = value;  // one type: its own list
      return std::nullopt;
    }
  }
  q.patterns.push_back(value);
  if (q.patterns.size() > kMaxTypes) {
    return invalid_param("types", "parameter_invalid", "types takes at most 20 event types.");
  }
  return std::nullopt;
}

bool is_types(const std::string& name) {
  return name == "types" || name == "types[]" ||
         (name.starts_with("types[") && name.ends_with("]"));
}

std::optional<ApiError> read_param(const std::string& name, const std::string& value,
                                   EventQuery& q) {
  if (name == "limit") {
    auto limit = parse_limit(value);
    if (!limit) return limit.error();
    q.list.limit = *limit;
  } else if (name == "starting_after" || name == "ending_before") {
    if (!value.empty())
      (name == "starting_after" ? q.list.starting_after : q.list.ending_before) = value;
  } else if (name == "created" || name == "created[gt]" || name == "created[gte]" ||
             name == "created[lt]" || name == "created[lte]") {
    return read_created(name, value, q.created);
  } else if (name == "type" || is_types(name)) {
    return read_type(name == "type" ? name : "types", value, q);
  } else {
    return invalid_param(name, "parameter_unknown", "Received unknown parameter: " + name + ".");
  }
  return std::nullopt;
}

Expected<EventQuery, ApiError> parse_query(const ReadCall& call) {
  EventQuery q;
  q.list.object = std::string(contract::kEventObject);
  q.list.merchant = call.merchant.value;
  bool types_given = false;
  for (const auto& [name, value] : call.query) {
    types_given = types_given || is_types(name);
    if (auto e = read_param(name, value, q)) return Unexpected{*e};
  }
  if (q.type_given && types_given) {
    return Unexpected{invalid_param("types", "parameter_invalid", "Pass type or types, not both.")};
  }
  if (q.list.starting_after && q.list.ending_before) {
    return Unexpected{invalid_param("ending_before", "parameter_invalid",
                                    "Pass starting_after or ending_before, not both.")};
  }
  return q;
}

Outcome list_events(ReadCall& call) {
  auto parsed = parse_query(call);
  if (!parsed) return error_outcome(parsed.error());
  EventQuery& q = *parsed;
  const bool any_created = q.created.min != std::numeric_limits<std::int64_t>::min() ||
                           q.created.max != std::numeric_limits<std::int64_t>::max();
  if (!q.patterns.empty() || any_created) {
    q.list.accept = [patterns = q.patterns, range = q.created](const domain::Metadata& index) {
      const auto type = index.find("type");
      const auto created = index.find("created");
      if (type == index.end() || created == index.end()) return false;
      const bool typed =
          patterns.empty() || std::any_of(patterns.begin(), patterns.end(), [&](const auto& p) {
            return contract::selects_event_type(p, type->second);
          });
      std::int64_t at = 0;
      const std::string& text = created->second;
      if (std::from_chars(text.data(), text.data() + text.size(), at).ec != std::errc()) {
        return false;
      }
      return typed && at >= range.min && at <= range.max;
    };
  }
  auto page = call.queries.list(q.list);
  if (!page) return error_outcome(list_error(page.error()));
  return Outcome{200, list_json(*page, "/v1/events", q.list.ending_before.has_value()), {}};
}

Outcome retrieve_event(ReadCall& call) {
  const std::string& id = call.path.at(0);
  const std::string object(contract::kEventObject);
  auto found = call.queries.object(object, call.merchant.value, id);
  if (!found) return error_outcome(storage_error(found.error().to_string()));
  if (!*found) return error_outcome(not_found(object, id));
  return Outcome{200, std::move(**found), {}};
}

}  // namespace

void add_event_routes(Routes& routes) {
  const std::string object(contract::kEventObject);
  const std::string prefix(contract::kEventIdPrefix);
  routes.add_read({"/v1/events", "/v1/events", object, "", list_events});
  routes.add_read({"/v1/events/([^/]+)", "/v1/events/:id", object, prefix, retrieve_event});
}

}  // namespace payledger::api
