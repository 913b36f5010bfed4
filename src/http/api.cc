#include "http/api.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/ip/address.hpp>
#include <chrono>

#include "common/crypto.h"
#include "http/orders/routes_orders.h"

namespace kam::http {
namespace {

bool sane_request_id(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  for (unsigned char c : s) {
    if (!(std::isalnum(c) || c == '-' || c == '_')) return false;
  }
  return true;
}

std::string cookie_value(const std::string& header, const std::string& name) {
  size_t pos = 0;
  while (pos < header.size()) {
    size_t semi = header.find(';', pos);
    if (semi == std::string::npos) semi = header.size();
    std::string part = header.substr(pos, semi - pos);
    auto b = part.find_first_not_of(' ');
    if (b != std::string::npos) part = part.substr(b);
    if (part.rfind(name + "=", 0) == 0) return part.substr(name.size() + 1);
    pos = semi + 1;
  }
  return {};
}

}  // namespace

Response reply(const Result<json>& r, int status) {
  if (!r) return Response::error(r.error());
  return Response::json_body(r.value(), status);
}

Response reply(const Status& s) {
  if (!s) return Response::error(s.error());
  return Response::no_content();
}

Result<int64_t> Context::id(const std::string& name) const {
  auto it = req.path_params.find(name);
  if (it == req.path_params.end()) return Error::invalid(name, "is missing");
  const std::string& v = it->second;
  if (v.empty() || v.size() > 18 || v.find_first_not_of("0123456789") != std::string::npos ||
      v[0] == '0') {
    return Error::invalid(name, "must be a positive integer id");
  }
  return static_cast<int64_t>(std::stoll(v));
}

Result<std::optional<int64_t>> Context::query_opt_int(const std::string& key, int64_t lo,
                                                      int64_t hi) const {
  std::string v = query(key);
  if (v.empty()) return std::optional<int64_t>{};
  auto range = [&] {
    return Error::invalid(
        key, "must be an integer between " + std::to_string(lo) + " and " + std::to_string(hi));
  };
  bool negative = v[0] == '-';
  std::string digits = negative ? v.substr(1) : v;
  if (digits.empty() || digits.size() > 18 ||
      digits.find_first_not_of("0123456789") != std::string::npos) {
    return range();
  }
  int64_t n = std::stoll(digits) * (negative ? -1 : 1);
  if (n < lo || n > hi) return range();
  return std::optional<int64_t>(n);
}

Result<int64_t> Context::query_int(const std::string& key, int64_t def, int64_t lo,
                                   int64_t hi) const {
  KAM_TRY(v, query_opt_int(key, lo, hi));
  return v.value_or(def);
}

Result<std::optional<int64_t>> Context::query_id(const std::string& key) const {
  std::string v = query(key);
  if (v.empty()) return std::optional<int64_t>{};
  if (v.size() > 18 || v.find_first_not_of("0123456789") != std::string::npos || v[0] == '0') {
    return Error::invalid(key, "must be a positive integer id");
  }
  return std::optional<int64_t>(std::stoll(v));
}

Result<int> Context::query_month(const std::string& key) const {
  std::string v = query(key);
  if (v.empty()) return 0;
  auto m = domain::parse_month(v);
  if (!m) return Error::invalid(key, "must be a month YYYY-MM");
  return *m;
}

Result<int64_t> Context::query_offset() const {
  std::string v = query("cursor");
  if (v.empty()) return int64_t{0};
  if (v.size() > 12 || v.find_first_not_of("0123456789") != std::string::npos) {
    return Error::invalid("cursor", "is not a cursor from this list");
  }
  return static_cast<int64_t>(std::stoll(v));
}

Result<json> Context::body_or_empty() const {
  if (req.body.empty()) return json::object();
  return body();
}

Result<services::ListQuery> Context::list_query() const {
  services::ListQuery q;
  for (const auto& [k, v] : req.query) {
    if (k == "limit") {
      if (v.empty() || v.size() > 4 || v.find_first_not_of("0123456789") != std::string::npos) {
        return Error::invalid("limit", "must be an integer between 1 and 200");
      }
      q.limit = std::stoi(v);
    } else if (k == "cursor") {
      q.cursor = v;
    } else if (k == "sort") {
      q.sort = v;
    } else {
      q.params[k] = v;
    }
  }
  return q;
}

Api::Api(services::Services& s, ApiOptions options) : s_(s), options_(std::move(options)) {
  add_auth_routes();
  add_archive_routes();
  add_view_routes();
  add_admin_routes();
  add_usage_routes();
  add_alert_routes();
  add_churn_routes();
  add_care_routes();
  add_service_desk_routes();
  add_knowledge_routes();
  add_order_routes(router_);
  router_.add(
      "GET", "/api/v1/openapi.json",
      {.summary = "This API's OpenAPI 3.1 description",
       .tag = "meta",
       .response_schema = "OpenApi"},
      [this](Context&) { return Response::json_body(openapi()); }, false);
}

Preflight Api::preflight(const Request& raw_head) {
  Preflight pf;
  Request head = raw_head;
  head.remote_ip = client_ip(raw_head);
  if (head.path.rfind("/api/", 0) != 0) return pf;  // health, metrics, static: default limits
  auto m = router_.match(head.method, head.path);
  if (!m.route) return pf;  // dispatch answers 404 / 405 (a body of at most the default)
  pf.upload = !m.route->doc.upload_content_type.empty();
  pf.body_limit = m.route->doc.max_body_bytes;
  auto refuse = [&](const Error& e) {
    Request req = head;
    req.request_id = crypto::request_id();
    Response res = Response::error(e);
    finish(req, res, m.route->pattern, std::chrono::steady_clock::now());
    pf.refuse = std::move(res);
    return pf;
  };
  if (!m.route->needs_auth) return pf;
  auto actor = authenticate(head);
  if (!actor) return refuse(actor.error());
  if (m.route->doc.perm && !actor->can(*m.route->doc.perm))
    return refuse(Error::forbidden("your role may not send this"));
  return pf;
}

std::string Api::client_ip(const Request& req) const {
  const auto& trusted = options_.trusted_proxies;
  auto is_trusted = [&](const std::string& ip) {
    return std::find(trusted.begin(), trusted.end(), ip) != trusted.end();
  };
  if (!is_trusted(req.remote_ip)) return req.remote_ip;
  std::string xff = req.header("x-forwarded-for");
  // From the right: each proxy appends the address it heard from; the first one that is not a
  // proxy of ours is the client (anything left of it the client could have written itself).
  size_t end = xff.size();
  while (end > 0) {
    size_t comma = xff.rfind(',', end - 1);
    size_t begin = comma == std::string::npos ? 0 : comma + 1;
    std::string ip = xff.substr(begin, end - begin);
    ip.erase(0, ip.find_first_not_of(" \t"));
    ip.erase(ip.find_last_not_of(" \t") + 1);
    boost::system::error_code ec;
    auto addr = boost::asio::ip::make_address(ip, ec);
    if (ec) return req.remote_ip;  // garbage: believe only the peer
    if (!is_trusted(ip)) return addr.to_string();
    if (comma == std::string::npos) break;
    end = comma;
  }
  return req.remote_ip;
}

Result<services::Actor> Api::authenticate(const Request& req) {
  std::string token;
  std::string auth = req.header("authorization");
  if (auth.rfind("Bearer ", 0) == 0) token = auth.substr(7);
  if (token.empty()) token = cookie_value(req.header("cookie"), "kam_session");
  return s_.auth.authenticate(token, req.request_id, req.remote_ip);
}

Response Api::handle(Request& req) {
  auto start = std::chrono::steady_clock::now();
  std::string rid = req.header("x-request-id");
  req.request_id = sane_request_id(rid) ? rid : crypto::request_id();
  req.remote_ip = client_ip(req);
  std::string route = "unmatched";
  Response res;
  try {
    res = dispatch(req, route);
  } catch (const std::exception& e) {
    spdlog::error("rid={} unhandled error on {} {}: {}", req.request_id, req.method, req.path,
                  e.what());
    res = internal_error(req.request_id);
  }
  if (!res.internal_detail.empty()) {
    // Log what went wrong with the request id; the client gets only the id to quote.
    spdlog::error("rid={} internal error on {} {}: {}", req.request_id, req.method, req.path,
                  res.internal_detail);
    auto headers = std::move(res.headers);
    res = internal_error(req.request_id);
    res.headers = std::move(headers);
  }
  finish(req, res, route, start);
  return res;
}

void Api::finish(const Request& req, Response& res, const std::string& route,
                 std::chrono::steady_clock::time_point start) {
  res.headers.emplace_back("X-Request-Id", req.request_id);
  // The service clock's time (which `--now` / KAM_NOW may fix): the web takes "now" from it.
  res.headers.emplace_back("Date", http_date(s_.clock.now()));
  res.headers.emplace_back("X-Content-Type-Options", "nosniff");
  res.headers.emplace_back("X-Frame-Options", "DENY");
  res.headers.emplace_back("Referrer-Policy", "same-origin");
  if (req.path.rfind("/api/", 0) == 0) res.headers.emplace_back("Cache-Control", "no-store");
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  metrics_.observe(route, req.method, res.status, secs);
  spdlog::info("rid={} {} {} {} {}B {:.1f}ms ip={}", req.request_id, req.method, req.path,
               res.status, res.body.size(), secs * 1000, req.remote_ip);
}

Response Api::dispatch(Request& req, std::string& route_label) {
  if (req.path == "/healthz") {
    route_label = "/healthz";
    return Response::json_body({{"status", "ok"}});
  }
  if (req.path == "/readyz") {
    route_label = "/readyz";
    auto lease = s_.db.acquire();
    if (!lease) return Response::error(lease.error());
    auto r = (*lease)->query_one("SELECT 1");
    if (!r) return Response::error({ErrorCode::kUnavailable, "store not reachable", {}});
    return Response::json_body({{"status", "ready"}, {"store", s_.db.describe()}});
  }
  if (req.path == "/metrics") {
    route_label = "/metrics";
    Response r;
    r.content_type = "text/plain; version=0.0.4";
    r.body = metrics_.render();
    return r;
  }
  if (req.path.rfind("/api/", 0) != 0) {
    route_label = "static";
    if (req.method != "GET" && req.method != "HEAD") {
      return Response::error({ErrorCode::kNotFound, "no such page", {}});
    }
    return serve_static(req);
  }
  auto m = router_.match(req.method, req.path);
  if (!m.route) {
    if (m.method_mismatch) {
      Response r = Response::error(
          {ErrorCode::kInvalid, "method " + req.method + " is not allowed here", {}});
      r.status = 405;
      return r;
    }
    return Response::error({ErrorCode::kNotFound, "no such API route: " + req.path, {}});
  }
  route_label = m.route->pattern;
  req.path_params = std::move(m.params);
  Context ctx{req, s_, {}, {}};
  if (m.route->needs_auth) {
    std::string auth = req.header("authorization");
    if (auth.rfind("Bearer ", 0) == 0) ctx.token = auth.substr(7);
    if (ctx.token.empty()) ctx.token = cookie_value(req.header("cookie"), "kam_session");
    auto actor = authenticate(req);
    if (!actor) return Response::error(actor.error());
    // The route's right, as the preflight checks it for bodies: the same answer without one.
    if (m.route->doc.perm && !actor->can(*m.route->doc.perm))
      return Response::error(Error::forbidden("your role may not send this"));
    ctx.actor = std::move(actor).value();
  } else {
    ctx.actor.request_id = req.request_id;
    ctx.actor.ip = req.remote_ip;
  }
  return m.route->handler(ctx);
}

}  // namespace kam::http
