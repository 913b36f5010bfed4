#pragma once
// Routes: method + pattern ("/api/v1/customers/{id}") → handler, with the description the
// OpenAPI document is generated from. A route without a description cannot be registered.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "http/message.h"
#include "services/actor.h"

namespace kam::http {

struct ParamDoc {
  std::string name;
  std::string type = "string";  // string | integer | boolean
  std::string description;
  bool required = false;
};

struct RouteDoc {
  std::string summary;
  std::string tag;
  std::vector<ParamDoc> query;
  std::string request_schema;   // components/schemas name, empty when no body
  std::string response_schema;  // components/schemas name, empty for 204
  bool list = false;            // response is the list envelope of response_schema
  int success_status = 200;
  std::string content_type = "application/json";
};

struct Context;
using Handler = std::function<Response(Context&)>;

struct Route {
  std::string method;
  std::string pattern;
  bool needs_auth = true;
  Handler handler;
  RouteDoc doc;
  std::vector<std::string> segments;
};

class Router {
 public:
  void add(std::string method, std::string pattern, RouteDoc doc, Handler h, bool needs_auth = true);
  struct Match {
    const Route* route = nullptr;
    std::map<std::string, std::string> params;
    bool method_mismatch = false;
  };
  Match match(const std::string& method, const std::string& path) const;
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

}  // namespace kam::http
