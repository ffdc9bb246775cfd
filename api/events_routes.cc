#include "api/events_routes.h"

#include <charconv>
#include <limits>

#include "api/lists.h"

namespace payledger::api {
namespace {

constexpr std::size_t kMaxTypes = 20;  // Stripe's limit on types[]

// What GET /v1/events was asked, parsed.
struct EventQuery {
  projections::ListRequest list;
  std::vector<std::string> patterns;  // type wildcards and types[]: an event matching any
  bool type_given = false;
  CreatedRange created;
};

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
  auto listed = read_list_param(name, value, q.list, q.created);
  if (!listed) return listed.error();
  if (*listed) return std::nullopt;
  if (name == "type" || is_types(name)) {
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
  if (auto e = check_cursors(q.list)) return Unexpected{*e};
  return q;
}

Outcome list_events(ReadCall& call) {
  auto parsed = parse_query(call);
  if (!parsed) return error_outcome(parsed.error());
  EventQuery& q = *parsed;
  if (!q.patterns.empty() || q.created.any()) {
    q.list.accept = [patterns = q.patterns, range = q.created](const domain::Metadata& index) {
      const auto type = index.find("type");
      if (type == index.end()) return false;
      const bool typed =
          patterns.empty() || std::any_of(patterns.begin(), patterns.end(), [&](const auto& p) {
            return contract::selects_event_type(p, type->second);
          });
      return typed && range.holds(index);
    };
  }
  auto page = call.queries.list(q.list);
  if (!page) return error_outcome(list_error(page.error()));
  return Outcome{200, list_json(*page, "/v1/events", q.list.ending_before.has_value()), {}};
}

Outcome retrieve_event(ReadCall& call) {
  return retrieve_document(call, std::string(contract::kEventObject));
}

}  // namespace

void add_event_routes(Routes& routes) {
  const std::string object(contract::kEventObject);
  const std::string prefix(contract::kEventIdPrefix);
  routes.add_read({"/v1/events", "/v1/events", object, "", list_events});
  routes.add_read({"/v1/events/([^/]+)", "/v1/events/:id", object, prefix, retrieve_event});
}

}  // namespace payledger::api
