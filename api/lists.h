#pragma once
// Lists as the API answers them: {object: "list", data, has_more, url, next_cursor}, and the
// page parameters every list takes (limit, starting_after, ending_before).
#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include "api/errors.h"
#include "api/routes.h"
#include "domain/expected.h"
#include "projections/queries.h"

namespace payledger::api {

// The list object of `page`; `backward` when the page was asked with ending_before (its cursor
// to go on is then its first id).
std::string list_json(const projections::ListPage& page, const std::string& url, bool backward);

// The error of a failed Queries::list: 400 resource_missing naming the cursor parameter whose id
// the merchant does not have, else a storage error.
ApiError list_error(const eventstore::Status& s);

// `limit` as sent: an integer from 1 to 100, else an error naming limit.
Expected<int, ApiError> parse_limit(const std::string& value);

// The bounds of `created` a list is asked for, inclusive.
struct CreatedRange {
  std::int64_t min = std::numeric_limits<std::int64_t>::min();
  std::int64_t max = std::numeric_limits<std::int64_t>::max();
  bool any() const {
    return min != std::numeric_limits<std::int64_t>::min() ||
           max != std::numeric_limits<std::int64_t>::max();
  }
  // Whether a document whose index has `created` (Unix seconds) falls inside.
  bool holds(const domain::Metadata& index) const;
};

// Reads a parameter every list of projector-made documents takes: limit, starting_after,
// ending_before, created and created[gt|gte|lt|lte]. Returns false when `name` is none of them
// (nothing read), else true or the error naming it.
Expected<bool, ApiError> read_list_param(const std::string& name, const std::string& value,
                                         projections::ListRequest& list, CreatedRange& created);

// GET of one document the projector makes itself (an event, a balance transaction): the
// merchant's `object` whose id is the path's capture, or 404.
Outcome retrieve_document(const ReadCall& call, const std::string& object);

// The error when both cursors were sent.
std::optional<ApiError> check_cursors(const projections::ListRequest& list);

}  // namespace payledger::api
