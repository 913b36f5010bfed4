// Routes of sign-in, sessions, users, teams, regions and the audit trail.

#include "http/api.h"
#include "http/archive/routes_entities.h"
#include "services/core/audit.h"

namespace kam::http {

void Api::add_auth_routes() {
  router_.add(
      "POST", "/api/v1/auth/login",
      {.summary = "Sign in; answers a session token and sets the kam_session cookie",
       .tag = "auth",
       .request_schema = "LoginInput",
       .response_schema = "LoginResult"},
      [this](Context& c) {
        auto body = c.body();
        if (!body) return Response::error(body.error());
        if (!body->is_object())
          return Response::error(Error::invalid("", "the request body must be a JSON object"));
        for (const char* k : {"username", "password"}) {
          if (!body->contains(k) || !(*body)[k].is_string()) {
            return Response::error(Error::invalid(k, "is required"));
          }
        }
        auto r = c.s.auth.login((*body)["username"].get<std::string>(),
                                (*body)["password"].get<std::string>(), c.req.remote_ip,
                                c.req.header("user-agent"));
        if (!r) return Response::error(r.error());
        Response res = Response::json_body(
            {{"token", r->token}, {"expires_at", iso8601(r->expires_at)}, {"user", r->user}});
        std::string cookie = "kam_session=" + r->token +
                             "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" +
                             std::to_string(r->expires_at - c.s.clock.now());
        if (options_.secure_cookie) cookie += "; Secure";
        res.headers.emplace_back("Set-Cookie", cookie);
        return res;
      },
      false);
  router_.add("POST", "/api/v1/auth/logout",
              {.summary = "Sign out (revokes the session)", .tag = "auth", .success_status = 204},
              [](Context& c) {
                auto s = c.s.auth.logout(c.token);
                if (!s) return Response::error(s.error());
                Response res = Response::no_content();
                res.headers.emplace_back(
                    "Set-Cookie", "kam_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
                return res;
              });
  router_.add("GET", "/api/v1/auth/me",
              {.summary = "The signed-in user and their permissions",
               .tag = "auth",
               .response_schema = "User"},
              [](Context& c) { return reply(c.s.auth.me(c.actor)); });
  router_.add(
      "POST", "/api/v1/auth/password",
      {.summary = "Change your password (ends your other sessions)",
       .tag = "auth",
       .request_schema = "PasswordChange",
       .success_status = 204},
      [](Context& c) {
        auto body = c.body();
        if (!body) return Response::error(body.error());
        if (!body->is_object())
          return Response::error(Error::invalid("", "the request body must be a JSON object"));
        for (const char* k : {"current_password", "new_password"}) {
          if (!body->contains(k) || !(*body)[k].is_string())
            return Response::error(Error::invalid(k, "is required"));
        }
        return reply(c.s.auth.change_password(c.actor,
                                              (*body)["current_password"].get<std::string>(),
                                              (*body)["new_password"].get<std::string>(), c.token));
      });
}

void Api::add_admin_routes() {
  add_entity_routes(router_, s_.records, domain::user_spec(), s_.admin.user_hooks(),
                    {.remove = false});
  add_entity_routes(router_, s_.records, domain::team_spec(), s_.admin.team_hooks(), {});
  router_.add("GET", "/api/v1/regions",
              {.summary = "The region tree (province, city, district)",
               .tag = "administration",
               .response_schema = "RegionTree"},
              [](Context& c) { return reply(c.s.admin.regions(c.actor)); });
  router_.add("GET", "/api/v1/audit",
              {.summary = "The audit trail, newest first",
               .tag = "administration",
               .query = {{"entity", "string", "entity name, e.g. customer"},
                         {"entity_id", "integer", "one record"},
                         {"user_id", "integer", "who made the change"},
                         {"from", "string", "at or after (date or ISO time)"},
                         {"to", "string", "before (date or ISO time)"},
                         {"limit", "integer", "page size, 1-200"},
                         {"cursor", "string", "next_cursor from the previous page"}},
               .response_schema = "AuditEntry",
               .list = true},
              [](Context& c) {
                services::AuditQuery q;
                q.entity = c.query("entity");
                auto int_param = [&](const char* k, std::optional<int64_t>& out) -> Status {
                  std::string v = c.query(k);
                  if (v.empty()) return {};
                  if (v.find_first_not_of("0123456789") != std::string::npos || v.size() > 18) {
                    return Error::invalid(k, "must be an integer");
                  }
                  out = std::stoll(v);
                  return {};
                };
                auto time_param = [&](const char* k, std::optional<int64_t>& out) -> Status {
                  std::string v = c.query(k);
                  if (v.empty()) return {};
                  auto t = parse_iso8601(v);
                  if (!t) return Error::invalid(k, "must be a date or ISO-8601 time");
                  out = *t;
                  return {};
                };
                std::optional<int64_t> limit;
                for (auto s : {int_param("entity_id", q.entity_id), int_param("user_id", q.user_id),
                               time_param("from", q.from), time_param("to", q.to),
                               int_param("limit", limit)}) {
                  if (!s) return Response::error(s.error());
                }
                if (limit) {
                  if (*limit < 1 || *limit > 200)
                    return Response::error(Error::invalid("limit", "must be between 1 and 200"));
                  q.limit = static_cast<int>(*limit);
                }
                q.cursor = c.query("cursor");
                return reply(services::list_audit(c.s.db, c.actor, q));
              });
}

}  // namespace kam::http
