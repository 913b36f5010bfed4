#include "services/core/actor.h"

namespace kam::services {

Actor Actor::system(std::string what) {
  Actor a;
  a.user_id = 0;
  a.username = std::move(what);
  a.display_name = a.username;
  a.role = domain::Role::kAdmin;
  return a;
}

ScopeSql customer_scope_sql(const Actor& a, const std::string& c) {
  using domain::Scope;
  ScopeSql s;
  switch (domain::customer_scope(a.role)) {
    case Scope::kAll:
      s.sql = "1=1";
      s.all = true;
      break;
    case Scope::kOwn:
      s.sql = "(" + c + ".account_manager_id = ? OR " + c + ".phone_manager_id = ?)";
      s.params = {a.user_id, a.user_id};
      break;
    case Scope::kTeam: {
      // Customers whose account or phone manager belongs to a team the supervisor leads.
      std::string teams = a.supervised_team_ids.empty()
                              ? std::string("(NULL)")
                              : db::placeholders(a.supervised_team_ids.size());
      std::string in_team = "(SELECT u.id FROM users u WHERE u.team_id IN " + teams + ")";
      s.sql = "(" + c + ".account_manager_id = ? OR " + c + ".account_manager_id IN " + in_team +
              " OR " + c + ".phone_manager_id IN " + in_team + ")";
      s.params.push_back(a.user_id);
      for (int pass = 0; pass < 2; ++pass) {
        for (auto t : a.supervised_team_ids) s.params.push_back(t);
      }
      break;
    }
    case Scope::kOwnGroup:  // outsiders see no staff view: the portal scope is asked for apart
    case Scope::kNone:
      s.sql = "1=0";
      break;
  }
  return s;
}

ScopeSql portal_scope_sql(const Actor& a, const std::string& c) {
  ScopeSql s;
  if (a.role != domain::Role::kPortalUser || !a.customer_id) {
    s.sql = "1=0";
    return s;
  }
  // The group and its sub-groups at any depth (UNION, not UNION ALL: a cycle ends the walk).
  s.sql = c +
          ".id IN (WITH RECURSIVE portal_group(id) AS (SELECT id FROM customers WHERE id = ? "
          "UNION SELECT k.id FROM "
          "customers k JOIN portal_group g ON k.parent_id = g.id) SELECT id FROM portal_group)";
  s.params = {*a.customer_id};
  return s;
}

}  // namespace kam::services
