#pragma once
// URLs a merchant gives for a customer's browser to be sent to (return_url, success_url).
#include <string>

namespace payledger::api {

struct RedirectRules {
  bool plain_http_anywhere = false;  // else http only to this machine, for development
  bool fragment_allowed = false;     // false when the server appends a query to the URL
};

// Whether `url` is an absolute https URL (or http, as `rules` say) whose authority is read
// exactly: no user info ("http://localhost:80@elsewhere" goes elsewhere), and nothing a Location
// header could not carry (controls, spaces, backslashes).
bool acceptable_redirect_url(const std::string& url, RedirectRules rules);

}  // namespace payledger::api
