#include "api/urls.h"

#include <algorithm>

namespace payledger::api {

bool acceptable_redirect_url(const std::string& url, RedirectRules rules) {
  if (std::any_of(url.begin(), url.end(), [&](char c) {
        return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f || c == '\\' ||
               (c == '#' && !rules.fragment_allowed);
      })) {
    return false;
  }
  const bool https = url.starts_with("https://");
  if (!https && !url.starts_with("http://")) return false;
  const std::string rest = url.substr(https ? 8 : 7);
  const std::string authority = rest.substr(0, rest.find_first_of("/?#"));
  if (authority.empty() || authority.find('@') != std::string::npos) return false;
  std::string host = authority;
  const auto colon = authority.rfind(':');
  if (colon != std::string::npos && authority.back() != ']') {
    const std::string port = authority.substr(colon + 1);
    if (port.empty() || port.size() > 5 ||
        !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return false;
    }
    host = authority.substr(0, colon);
  }
  if (host.empty()) return false;
  if (https || rules.plain_http_anywhere) return true;
  return host == "localhost" || host == "127.0.0.1" || host == "[::1]";
}

}  // namespace payledger::api
