#pragma once
// The application behind the socket: health, metrics, the JSON API under /api/v1 and the web
// front end's static files. `handle` is a plain function of the request.

#include <chrono>
#include <filesystem>

#include "http/metrics.h"
#include "http/router.h"
#include "http/server.h"
#include "services/services.h"

namespace kam::http {

struct ApiOptions {
  std::filesystem::path web_dir;  // built front end (web/dist); empty to serve none
  bool secure_cookie = false;     // add `Secure` when served behind TLS
  // Addresses of our own reverse proxies: only from them is X-Forwarded-For believed (the
  // client is the nearest address in it that is not one of them). Empty: never believed.
  std::vector<std::string> trusted_proxies;
};

// What a handler gets: the request, the caller and the services.
struct Context {
  const Request& req;
  services::Services& s;
  services::Actor actor;
  std::string token;

  Result<json> body() const { return parse_json_body(req.body); }
  // A positive integer path parameter, or an error naming it.
  Result<int64_t> id(const std::string& name = "id") const;
  // Query parameters as a list query (limit, cursor, sort and filters).
  Result<services::ListQuery> list_query() const;
  std::string query(const std::string& key) const {
    auto it = req.query.find(key);
    return it == req.query.end() ? std::string() : it->second;
  }
  // Checked query parameters: an absent one gives its default, a bad one an error naming it.
  // An integer in [lo, hi]:
  Result<int64_t> query_int(const std::string& key, int64_t def, int64_t lo, int64_t hi) const;
  Result<std::optional<int64_t>> query_opt_int(const std::string& key, int64_t lo,
                                               int64_t hi) const;
  // A positive integer id:
  Result<std::optional<int64_t>> query_id(const std::string& key) const;
  // A month YYYY-MM as yyyymm (0 when absent):
  Result<int> query_month(const std::string& key = "month") const;
  // The `cursor` of a list paged by position (0 when absent):
  Result<int64_t> query_offset() const;
  // The JSON body, or an empty object when there is none.
  Result<json> body_or_empty() const;
};

// Handler adapters: a positive integer path parameter, the JSON body and the list query are
// checked before the handler runs; a bad one answers 400 naming it.
//   router.add("PATCH", "/api/v1/things/{id}", doc, with_id([](Context& c, int64_t id) {...}));
template <class Fn>
Handler with_id(Fn fn, std::string name = "id") {
  return [fn, name](Context& c) {
    auto id = c.id(name);
    if (!id) return Response::error(id.error());
    return fn(c, *id);
  };
}

template <class Fn>
Handler with_body(Fn fn) {
  return [fn](Context& c) {
    auto body = c.body();
    if (!body) return Response::error(body.error());
    return fn(c, *body);
  };
}

template <class Fn>
Handler with_id_body(Fn fn) {
  return [fn](Context& c) {
    auto id = c.id();
    if (!id) return Response::error(id.error());
    auto body = c.body();
    if (!body) return Response::error(body.error());
    return fn(c, *id, *body);
  };
}

template <class Fn>
Handler with_list(Fn fn) {
  return [fn](Context& c) {
    auto q = c.list_query();
    if (!q) return Response::error(q.error());
    return fn(c, *q);
  };
}

class Api {
 public:
  Api(services::Services& s, ApiOptions options);
  Response handle(Request& req);
  // From a request's headers alone, before its body is read: the route, the session and the
  // route's right (refused at once otherwise), whether the body is an upload, and its limit.
  Preflight preflight(const Request& head);
  const Router& router() const { return router_; }
  Metrics& metrics() { return metrics_; }
  // The OpenAPI 3.1 document for every registered route.
  json openapi() const;

 private:
  Response dispatch(Request& req, std::string& route_label);
  // The headers every answer carries (request id, the clock's Date, security headers), and
  // the access log line and metrics.
  void finish(const Request& req, Response& res, const std::string& route,
              std::chrono::steady_clock::time_point start);
  // The client's address: the peer, or behind a trusted proxy the address it forwarded.
  std::string client_ip(const Request& req) const;
  // The session named by the request's Authorization header or cookie.
  Result<services::Actor> authenticate(const Request& req);
  Response serve_static(const Request& req) const;
  void add_auth_routes();
  void add_archive_routes();
  void add_view_routes();
  void add_admin_routes();
  void add_usage_routes();
  void add_alert_routes();
  void add_churn_routes();
  void add_care_routes();
  void add_service_desk_routes();
  void add_knowledge_routes();

  services::Services& s_;
  ApiOptions options_;
  Router router_;
  Metrics metrics_;
};

// Wraps a Result in a response: the value as JSON, or the error.
Response reply(const Result<json>& r, int status = 200);
Response reply(const Status& s);

}  // namespace kam::http
