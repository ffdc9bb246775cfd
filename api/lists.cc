#include "api/lists.h"

#include <algorithm>
#include <charconv>

#include "api/routes.h"
#include "json/writer.h"

namespace payledger::api {

std::string list_json(const projections::ListPage& page, const std::string& url, bool backward) {
  json::Writer w;
  w.begin_object();
  w.text("object", "list");
  w.key("data");
  w.begin_array();
  for (const std::string& object : page.objects) w.raw_value(object);  // rendered already
  w.end_array();
  w.flag("has_more", page.has_more);
  w.text("url", url);
  w.key("next_cursor");
  if (page.has_more && !page.ids.empty()) {
    w.string(backward ? page.ids.front() : page.ids.back());
  } else {
    w.null();
  }
  w.end_object();
  return w.take();
}

Expected<int, ApiError> parse_limit(const std::string& value) {
  int limit = 0;
  auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), limit);
  if (ec != std::errc() || ptr != value.data() + value.size() || limit < 1 || limit > 100) {
    return Unexpected{invalid_param("limit", "parameter_invalid_integer",
                                    "limit must be an integer from 1 to 100.")};
  }
  return limit;
}

ApiError list_error(const eventstore::Status& s) {
  if (s.code() == eventstore::Status::Code::not_found) {
    const std::string& param = s.message();
    return invalid_param(param, "resource_missing",
                         param + " names an object this account does not have.");
  }
  return storage_error(s.to_string());
}

Outcome list_of(const std::vector<std::pair<std::string, std::string>>& items,
                const std::multimap<std::string, std::string>& query, const std::string& url) {
  int limit = 10;
  std::optional<std::string> after;
  std::optional<std::string> before;
  for (const auto& [name, value] : query) {
    if (name == "limit") {
      auto parsed = parse_limit(value);
      if (!parsed) return error_outcome(parsed.error());
      limit = *parsed;
    } else if (name == "starting_after" || name == "ending_before") {
      if (!value.empty()) (name == "starting_after" ? after : before) = value;
    } else {
      return error_outcome(
          invalid_param(name, "parameter_unknown", "Received unknown parameter: " + name + "."));
    }
  }
  if (after && before) {
    return error_outcome(invalid_param("ending_before", "parameter_invalid",
                                       "Pass starting_after or ending_before, not both."));
  }
  auto position_of = [&](const std::string& id) {
    return std::find_if(items.begin(), items.end(),
                        [&](const auto& item) { return item.first == id; });
  };
  const std::string* cursor = after ? &*after : before ? &*before : nullptr;
  const auto at = cursor ? position_of(*cursor) : items.end();
  if (cursor && at == items.end()) {
    const std::string param = after ? "starting_after" : "ending_before";
    return error_outcome(invalid_param(param, "resource_missing",
                                       param + " names an object this list does not have."));
  }
  // The page is [first, last) of `items`.
  auto first = items.begin();
  auto last = items.end();
  if (after) first = std::next(at);
  if (before) {
    last = at;
    first = std::distance(items.begin(), last) > limit ? std::prev(last, limit) : items.begin();
  } else if (std::distance(first, last) > limit) {
    last = std::next(first, limit);
  }
  projections::ListPage page;
  for (auto it = first; it != last; ++it) {
    page.ids.push_back(it->first);
    page.objects.push_back(it->second);
  }
  page.has_more = before ? first != items.begin() : last != items.end();
  return Outcome{200, list_json(page, url, before.has_value()), {}};
}

namespace {

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
  constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  if (name == "created") {
    range.min = std::max(range.min, *t);
    range.max = std::min(range.max, *t);
  } else if (name == "created[gt]") {
    range.min = std::max(range.min, *t == kMax ? *t : *t + 1);
  } else if (name == "created[gte]") {
    range.min = std::max(range.min, *t);
  } else if (name == "created[lt]") {
    range.max = std::min(range.max, *t == kMin ? *t : *t - 1);
  } else {
    range.max = std::min(range.max, *t);
  }
  return std::nullopt;
}

}  // namespace

bool CreatedRange::holds(const domain::Metadata& index) const {
  const auto created = index.find("created");
  if (created == index.end()) return false;
  std::int64_t at = 0;
  const std::string& text = created->second;
  if (std::from_chars(text.data(), text.data() + text.size(), at).ec != std::errc()) return false;
  return at >= min && at <= max;
}

Expected<bool, ApiError> read_list_param(const std::string& name, const std::string& value,
                                         projections::ListRequest& list, CreatedRange& created) {
  if (name == "limit") {
    auto limit = parse_limit(value);
    if (!limit) return Unexpected{limit.error()};
    list.limit = *limit;
  } else if (name == "starting_after" || name == "ending_before") {
    if (!value.empty())
      (name == "starting_after" ? list.starting_after : list.ending_before) = value;
  } else if (name == "created" || name == "created[gt]" || name == "created[gte]" ||
             name == "created[lt]" || name == "created[lte]") {
    if (auto e = read_created(name, value, created)) return Unexpected{*e};
  } else {
    return false;
  }
  return true;
}

Outcome retrieve_document(const ReadCall& call, const std::string& object) {
  const std::string& id = call.path.at(0);
  auto found = call.queries.object(object, call.merchant.value, id);
  if (!found) return error_outcome(storage_error(found.error().to_string()));
  if (!*found) return error_outcome(not_found(object, id));
  return Outcome{200, std::move(**found), {}};
}

std::optional<ApiError> check_cursors(const projections::ListRequest& list) {
  if (list.starting_after && list.ending_before) {
    return invalid_param("ending_before", "parameter_invalid",
                         "Pass starting_after or ending_before, not both.");
  }
  return std::nullopt;
}

}  // namespace payledger::api
