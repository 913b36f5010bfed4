// libFuzzer target: the server's request body and query parsing (http/message.h):
// parse_json_body (the nesting check, then nlohmann::json::parse), the JSON response writer on
// what was parsed, and parse_query / url_decode on the same bytes.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>

#include "http/message.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string body(reinterpret_cast<const char*>(data), size);
  auto j = kam::http::parse_json_body(body);
  if (j.ok()) {
    // What the handlers answer is written with invalid UTF-8 replaced, never a throw.
    auto r = kam::http::Response::json_body(*j);
    if (r.body.empty()) std::abort();
  } else {
    auto r = kam::http::Response::error(j.error());
    if (r.status != 400) std::abort();
  }
  std::map<std::string, std::string> query;
  (void)kam::http::parse_query(body, query);
  std::string decoded;
  if (kam::http::url_decode(body, decoded, false) && decoded.size() > body.size()) std::abort();
  return 0;
}
