#pragma once
// Who is asking: the authenticated user of a request, with what the services need to decide
// access (role, team, supervised teams, own group for portal users).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/roles.h"
#include "storage/db.h"

namespace kam::services {

struct Actor {
  int64_t user_id = 0;
  std::string username;
  std::string display_name;
  domain::Role role = domain::Role::kPortalUser;
  std::optional<int64_t> team_id;
  bool senior = false;
  std::optional<int64_t> customer_id;        // portal users: their group
  std::optional<int64_t> merchant_id;        // merchant staff: their merchant
  std::vector<int64_t> supervised_team_ids;  // supervisors: their teams and the teams below
  std::string request_id;
  std::string ip;

  bool can(domain::Perm p) const { return domain::has_perm(role, p); }

  // The system itself (CLI, scheduled jobs): full scope, audited as "system".
  static Actor system(std::string what = "system");
};

// A WHERE fragment over a customers alias restricting rows to the actor's scope.
struct ScopeSql {
  std::string sql;  // e.g. "(c.account_manager_id = ? OR c.phone_manager_id = ?)"
  db::Params params;
  bool all = false;
};
// The staff scope: outsiders (portal users, merchant staff) match nothing here, so every staff
// view is closed to them by default.
ScopeSql customer_scope_sql(const Actor& a, const std::string& alias);
// A portal user's group and all its sub-groups (any depth); nothing for anyone else. Only the
// views made for the portal ask for it.
ScopeSql portal_scope_sql(const Actor& a, const std::string& alias);

}  // namespace kam::services
