#pragma once
// Routes: method + pattern ("/api/v1/customers/{id}") → handler, with the description the
// OpenAPI document is generated from. A route without a description cannot be registered.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "domain/entity_spec.h"
#include "domain/roles.h"
#include "http/message.h"
#include "services/core/actor.h"

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
  // Uploads: the body is a file of this type (e.g. "text/csv"), streamed to disk by the
  // server (Request::body_file) instead of parsed as JSON.
  std::string upload_content_type;
  // Checked from the headers before any of the body is read (uploads name it): a role without
  // it is refused at once. The service checks it again, with the record's scope.
  std::optional<domain::Perm> perm;
  // The most bytes the body may have (0: the server's default for JSON or uploads).
  size_t max_body_bytes = 0;
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
  void add(std::string method, std::string pattern, RouteDoc doc, Handler h,
           bool needs_auth = true);
  struct Match {
    const Route* route = nullptr;
    std::map<std::string, std::string> params;
    bool method_mismatch = false;
  };
  Match match(const std::string& method, const std::string& path) const;
  const std::vector<Route>& routes() const { return routes_; }

  // What the OpenAPI document needs beyond the routes: each area registers its own schemas
  // (components/schemas), the entity specs behind its record routes, and its tag.
  void add_schema(const std::string& name, json schema) { schemas_[name] = std::move(schema); }
  void add_entity(const domain::EntitySpec& spec);
  void add_tag(const std::string& name, const std::string& description) {
    tags_.emplace_back(name, description);
  }
  const json& schemas() const { return schemas_; }
  const std::vector<const domain::EntitySpec*>& entities() const { return entities_; }
  const std::vector<std::pair<std::string, std::string>>& tags() const { return tags_; }

 private:
  std::vector<Route> routes_;
  json schemas_ = json::object();
  std::vector<const domain::EntitySpec*> entities_;
  std::vector<std::pair<std::string, std::string>> tags_;
};

}  // namespace kam::http
