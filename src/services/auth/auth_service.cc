#include "services/auth/auth_service.h"

#include <algorithm>

#include "common/crypto.h"
#include "services/core/audit.h"

namespace kam::services {

const char* AuthService::kUserColumns =
    "u.id, u.username, u.display_name, u.role, u.team_id, u.senior, u.phone, u.email, "
    "u.customer_id, u.merchant_id, u.active, u.created_at, u.updated_at, u.version, "
    "(SELECT name FROM teams WHERE id = u.team_id) AS team_name";

json permissions_json(domain::Role role) {
  json out = json::array();
  for (const auto& [p, n] : domain::perm_names()) {
    if (domain::has_perm(role, p)) out.push_back(n);
  }
  return out;
}

json AuthService::user_json(const db::Row& r) {
  auto role = domain::parse_role(r.text(3)).value_or(domain::Role::kPortalUser);
  auto opt = [&](size_t i) { return r.is_null(i) ? json(nullptr) : json(r.i64(i)); };
  return {{"id", r.i64(0)},
          {"username", r.text(1)},
          {"display_name", r.text(2)},
          {"role", r.text(3)},
          {"team_id", opt(4)},
          {"senior", r.i64(5) != 0},
          {"phone", r.is_null(6) ? json(nullptr) : json(r.text(6))},
          {"email", r.is_null(7) ? json(nullptr) : json(r.text(7))},
          {"customer_id", opt(8)},
          {"merchant_id", opt(9)},
          {"active", r.i64(10) != 0},
          {"created_at", iso8601(r.i64(11))},
          {"updated_at", iso8601(r.i64(12))},
          {"version", r.i64(13)},
          {"team_name", r.is_null(14) ? json(nullptr) : json(r.text(14))},
          {"permissions", permissions_json(role)}};
}

Result<int64_t> AuthService::throttled_until(db::Connection& c, const std::string& key) {
  KAM_TRY(row, c.query_one("SELECT locked_until FROM login_throttle WHERE key = ?", {key}));
  return row ? row->i64(0) : 0;
}

Status AuthService::record_failure(db::Connection& c, const std::string& key, int limit) {
  int64_t now = clock_.now(), window_floor = now - policy_.failure_window;
  KAM_CHECK(c.exec(
      "INSERT INTO login_throttle(key, failures, window_start, locked_until) VALUES (?, 1, ?, 0) "
      "ON CONFLICT(key) DO UPDATE SET "
      "failures = CASE WHEN login_throttle.window_start < ? THEN 1 ELSE login_throttle.failures + "
      "1 END, "
      "window_start = CASE WHEN login_throttle.window_start < ? THEN ? ELSE "
      "login_throttle.window_start END",
      {key, now, window_floor, window_floor, now}));
  KAM_TRY(row, c.query_one("SELECT failures FROM login_throttle WHERE key = ?", {key}));
  int64_t failures = row ? row->i64(0) : 0;
  if (failures >= limit) {
    // Backoff: the limit-th failure locks for backoff_base, each one after doubles it.
    int64_t over = std::min<int64_t>(failures - limit, 30);
    int64_t wait = std::min(policy_.lockout, policy_.backoff_base << over);
    KAM_CHECK(
        c.exec("UPDATE login_throttle SET locked_until = ? WHERE key = ?", {now + wait, key}));
  }
  return {};
}

Status AuthService::check_throttle(db::Connection& c, const std::vector<std::string>& keys) {
  int64_t now = clock_.now(), until = 0;
  for (const auto& k : keys) {
    KAM_TRY(u, throttled_until(c, k));
    until = std::max(until, u);
  }
  if (until <= now) return {};
  Error e{ErrorCode::kTooManyRequests, "too many failed attempts; try again later", {}};
  e.retry_after = until - now;
  return e;
}

Result<LoginResult> AuthService::login(const std::string& username, const std::string& password,
                                       const std::string& ip, const std::string& user_agent) {
  if (username.empty()) return Error::invalid("username", "is required");
  if (password.empty()) return Error::invalid("password", "is required");
  if (username.size() > 64) return Error::invalid("username", "is too long");
  if (password.size() > 256) return Error::invalid("password", "is too long");
  // Failures count per (username, client): someone guessing at a name locks only themselves
  // out, never its owner elsewhere. The client's own key bounds one address's guessing overall.
  const std::string user_key = "user:" + username + "@" + ip, ip_key = "ip:" + ip;
  int64_t now = clock_.now();
  KAM_TRY(lease, db_.acquire());
  KAM_CHECK(check_throttle(*lease, {user_key, ip_key}));
  KAM_TRY(row, lease->query_one(std::string("SELECT ") + kUserColumns +
                                    ", u.password_hash FROM users u WHERE u.username = ?",
                                {username}));
  // Always one verification, against a fixed hash for unknown users, and before the active
  // flag is looked at: timing tells neither which names exist nor which are inactive.
  static const std::string dummy = crypto::hash_password("not-a-real-password");
  bool matches = crypto::verify_password(password, row ? row->text(15) : dummy);
  bool ok = row && matches && row->i64(10) != 0;
  if (!ok) {
    KAM_TRY(tx, db::Transaction::begin(lease));
    KAM_CHECK(record_failure(tx.conn(), user_key, policy_.max_user_failures));
    KAM_CHECK(record_failure(tx.conn(), ip_key, policy_.max_ip_failures));
    KAM_CHECK(tx.commit());
    return Error{ErrorCode::kUnauthenticated, "wrong username or password", {}};
  }
  LoginResult out;
  out.token = crypto::random_token();
  out.expires_at = now + policy_.session_ttl;
  out.user = user_json(*row);
  KAM_TRY(tx, db::Transaction::begin(lease));
  KAM_CHECK(tx->exec("DELETE FROM login_throttle WHERE key = ?", {user_key}));
  KAM_CHECK(
      tx->exec("INSERT INTO sessions(token_hash, user_id, created_at, expires_at, ip, user_agent) "
               "VALUES (?, ?, ?, ?, ?, ?)",
               {crypto::sha256_hex(out.token), row->i64(0), now, out.expires_at, ip,
                user_agent.substr(0, 200)}));
  // Housekeeping: forget sessions that ended more than a day ago.
  KAM_CHECK(tx->exec("DELETE FROM sessions WHERE expires_at < ?", {now - 86400}));
  Actor who;
  who.user_id = row->i64(0);
  who.username = username;
  who.ip = ip;
  KAM_CHECK(write_audit(tx.conn(), clock_, who, "login", "user", who.user_id, nullptr, nullptr));
  KAM_CHECK(tx.commit());
  return out;
}

Status AuthService::logout(const std::string& token) {
  KAM_TRY(lease, db_.acquire());
  KAM_CHECK(
      lease->exec("UPDATE sessions SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL",
                  {clock_.now(), crypto::sha256_hex(token)}));
  return {};
}

Result<Actor> AuthService::authenticate(const std::string& token, std::string request_id,
                                        std::string ip) {
  if (token.empty() || token.size() > 128) {
    return Error{ErrorCode::kUnauthenticated, "sign in first", {}};
  }
  int64_t now = clock_.now();
  std::string hash = crypto::sha256_hex(token);
  KAM_TRY(lease, db_.acquire());
  KAM_TRY(row, lease->query_one(
                   "SELECT u.id, u.username, u.display_name, u.role, u.team_id, u.senior, "
                   "u.customer_id, u.merchant_id, s.expires_at FROM sessions s JOIN users u ON "
                   "u.id = s.user_id WHERE s.token_hash = ? AND s.revoked_at IS NULL AND "
                   "s.expires_at > ? AND s.created_at > ? AND u.active = 1",
                   {hash, now, now - policy_.session_max_age}));
  if (!row) return Error{ErrorCode::kUnauthenticated, "your session has ended; sign in again", {}};
  Actor a;
  a.user_id = row->i64(0);
  a.username = row->text(1);
  a.display_name = row->text(2);
  auto role = domain::parse_role(row->text(3));
  if (!role) return Error{ErrorCode::kUnauthenticated, "account has an unknown role", {}};
  a.role = *role;
  a.team_id = row->opt_i64(4);
  a.senior = row->i64(5) != 0;
  a.customer_id = row->opt_i64(6);
  a.merchant_id = row->opt_i64(7);
  a.request_id = std::move(request_id);
  a.ip = std::move(ip);
  if (a.role == domain::Role::kSupervisor) {
    KAM_TRY(teams,
            lease->query("WITH RECURSIVE t(id) AS (SELECT id FROM teams WHERE supervisor_id = ? "
                         "UNION SELECT teams.id FROM teams JOIN t ON teams.parent_id = t.id) "
                         "SELECT id FROM t",
                         {a.user_id}));
    for (const auto& r : teams) a.supervised_team_ids.push_back(r.i64(0));
  }
  // Sliding expiry: extend an active session once it is past half its life.
  if (row->i64(8) - now < policy_.session_ttl / 2) {
    KAM_CHECK(lease->exec("UPDATE sessions SET expires_at = ? WHERE token_hash = ?",
                          {now + policy_.session_ttl, hash}));
  }
  return a;
}

Status AuthService::check_password_strength(const std::string& pw, const std::string& field) const {
  if (pw.size() < policy_.min_password_length) {
    return Error::invalid(
        field, "must be at least " + std::to_string(policy_.min_password_length) + " characters");
  }
  if (pw.size() > 256) return Error::invalid(field, "is too long");
  bool letter = false, digit = false;
  for (unsigned char c : pw) {
    letter |= std::isalpha(c) != 0;
    digit |= std::isdigit(c) != 0;
  }
  if (!letter || !digit) return Error::invalid(field, "must mix letters and digits");
  return {};
}

Status AuthService::change_password(const Actor& a, const std::string& current,
                                    const std::string& next, const std::string& keep_token) {
  KAM_CHECK(check_password_strength(next, "new_password"));
  if (current == next)
    return Error::invalid("new_password", "must differ from the current password");
  KAM_TRY(lease, db_.acquire());
  // A stolen session cannot guess the password behind it: wrong current passwords are throttled.
  const std::string key = "password:" + std::to_string(a.user_id);
  KAM_CHECK(check_throttle(*lease, {key}));
  KAM_TRY(row, lease->query_one("SELECT password_hash FROM users WHERE id = ?", {a.user_id}));
  if (!row || !crypto::verify_password(current, row->text(0))) {
    KAM_TRY(tx, db::Transaction::begin(lease));
    KAM_CHECK(record_failure(tx.conn(), key, policy_.max_password_failures));
    KAM_CHECK(tx.commit());
    return Error::invalid("current_password", "is not your current password");
  }
  int64_t now = clock_.now();
  KAM_TRY(tx, db::Transaction::begin(lease));
  KAM_CHECK(
      tx->exec("UPDATE users SET password_hash = ?, password_changed_at = ?, updated_at = ?, "
               "version = version + 1 WHERE id = ?",
               {crypto::hash_password(next), now, now, a.user_id}));
  // Every other session of this user ends: a changed password locks out whoever else had it.
  KAM_CHECK(
      tx->exec("UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND token_hash <> ? AND "
               "revoked_at IS NULL",
               {now, a.user_id, crypto::sha256_hex(keep_token)}));
  KAM_CHECK(
      write_audit(tx.conn(), clock_, a, "change_password", "user", a.user_id, nullptr, nullptr));
  KAM_CHECK(tx.commit());
  return {};
}

Result<json> AuthService::me(const Actor& a) {
  KAM_TRY(lease, db_.acquire());
  KAM_TRY(row,
          lease->query_one(std::string("SELECT ") + kUserColumns + " FROM users u WHERE u.id = ?",
                           {a.user_id}));
  if (!row) return Error::not_found("user");
  return user_json(*row);
}

}  // namespace kam::services
