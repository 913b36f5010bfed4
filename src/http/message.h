#pragma once
// The request and response as the router and handlers see them: plain values, no sockets.

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"

namespace kam::http {

using json = nlohmann::json;

struct Request {
  std::string method;
  std::string path;    // decoded path without the query
  std::string target;  // raw target as received
  std::map<std::string, std::string> query;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  // Uploads (routes the server streams to disk): the file holding the body, removed after the
  // handler returns unless the handler took it over (renamed or moved it).
  std::string body_file;
  std::string remote_ip;
  std::string request_id;
  std::map<std::string, std::string> path_params;

  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  // An internal error's detail (a store message, SQL text): logged with the request id, never
  // sent. The body then says only "internal error" and the request id.
  std::string internal_detail;

  static Response json_body(const json& j, int status = 200);
  static Response error(const Error& e);
  static Response no_content() {
    Response r;
    r.status = 204;
    r.content_type.clear();
    return r;
  }
};

// The body of an internal error: nothing but the request id to quote.
Response internal_error(const std::string& request_id);

// The one table from error codes to HTTP statuses.
int status_for(ErrorCode code);

// Parses a JSON body, refusing malformed text (with the byte offset) and absurd nesting.
Result<json> parse_json_body(const std::string& body);

// Splits "a=1&b=%E4%B8%AD" into decoded pairs; false on malformed percent-escapes.
bool parse_query(const std::string& qs, std::map<std::string, std::string>& out);
bool url_decode(std::string_view in, std::string& out, bool plus_is_space);

}  // namespace kam::http
