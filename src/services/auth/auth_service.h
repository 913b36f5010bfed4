#pragma once
// Accounts and sessions: argon2id passwords, opaque session tokens stored only as hashes,
// expiry and revocation, login throttling per user and per address (kept in the store so it
// holds across several `kam serve` processes).

#include <nlohmann/json.hpp>

#include "common/clock.h"
#include "services/core/actor.h"

namespace kam::services {

using json = nlohmann::json;

struct LoginResult {
  std::string token;
  int64_t expires_at = 0;
  json user;
};

struct AuthPolicy {
  int64_t session_ttl = 12 * 3600;          // idle sessions end after this
  int64_t session_max_age = 7 * 24 * 3600;  // and every session after this, however active
  int max_user_failures = 5;                // per (username, client address) within the window
  int max_ip_failures = 20;                 // per client address within the window
  int max_password_failures = 5;            // wrong current passwords per user within the window
  int64_t failure_window = 15 * 60;
  int64_t backoff_base = 30;  // the first lock; each further failure doubles it …
  int64_t lockout = 15 * 60;  // … up to this
  size_t min_password_length = 10;
};

class AuthService {
 public:
  AuthService(db::Database& db, const Clock& clock, AuthPolicy policy = {})
      : db_(db), clock_(clock), policy_(policy) {}

  Result<LoginResult> login(const std::string& username, const std::string& password,
                            const std::string& ip, const std::string& user_agent);
  Status logout(const std::string& token);
  // The actor for a session token, or kUnauthenticated.
  Result<Actor> authenticate(const std::string& token, std::string request_id, std::string ip);
  Status change_password(const Actor& a, const std::string& current, const std::string& next,
                         const std::string& keep_token);
  Result<json> me(const Actor& a);

  Status check_password_strength(const std::string& pw, const std::string& field) const;

  static json user_json(const db::Row& r);
  static const char* kUserColumns;

 private:
  Result<int64_t> throttled_until(db::Connection& c, const std::string& key);
  Status record_failure(db::Connection& c, const std::string& key, int limit);
  // 429 with Retry-After while any of the keys is locked.
  Status check_throttle(db::Connection& c, const std::vector<std::string>& keys);

  db::Database& db_;
  const Clock& clock_;
  AuthPolicy policy_;
};

json permissions_json(domain::Role role);

}  // namespace kam::services
