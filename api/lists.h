#pragma once
// Lists as the API answers them: {object: "list", data, has_more, url, next_cursor}, and the
// page parameters every list takes (limit, starting_after, ending_before).
#include <string>

#include "api/errors.h"
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

}  // namespace payledger::api
