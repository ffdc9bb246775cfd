#include "api/lists.h"

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>

#include "api/routes.h"

namespace payledger::api {

using Json = nlohmann::json;

std::string list_json(const projections::ListPage& page, const std::string& url, bool backward) {
  std::string out = R"({"object":"list","data":[)";
  for (std::size_t i = 0; i < page.objects.size(); ++i) {
    if (i > 0) out.push_back(',');
    out += page.objects[i];  // already-rendered JSON objects
  }
  Json cursor = nullptr;
  if (page.has_more && !page.ids.empty()) cursor = backward ? page.ids.front() : page.ids.back();
  out += "],\"has_more\":" + Json(page.has_more).dump() + ",\"url\":" + Json(url).dump() +
         ",\"next_cursor\":" + cursor.dump() + "}";
  return out;
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

}  // namespace payledger::api
