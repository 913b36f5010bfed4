#include "services/auth/admin_service.h"

#include "common/crypto.h"

namespace kam::services {

AdminService::AdminService(Records& records, AuthService& auth) : records_(records), auth_(auth) {
  using domain::Perm;
  user_hooks_.read_perm = Perm::kDirectoryRead;  // staff pick managers in filters and handovers
  user_hooks_.create_perm = Perm::kUsersManage;
  user_hooks_.write_perm = Perm::kUsersManage;
  user_hooks_.delete_perm = Perm::kUsersManage;
  user_hooks_.validate = [this](db::Connection& c, const Actor&, json& row,
                                const json* before) -> Status {
    const std::string& name = row["username"].get_ref<const std::string&>();
    for (unsigned char ch : name) {
      if (!(std::isalnum(ch) || ch == '.' || ch == '_' || ch == '-')) {
        return Error::invalid("username", "may use letters, digits, '.', '_' and '-' only");
      }
    }
    if (row.contains("password") && !row["password"].is_null()) {
      KAM_CHECK(auth_.check_password_strength(row["password"].get<std::string>(), "password"));
      row["password_hash"] = crypto::hash_password(row["password"].get<std::string>());
      row["password_changed_at"] = iso8601(records_.clock().now());
      row.erase("password");
    } else if (!before) {
      return Error::invalid("password", "is required");
    }
    const std::string& role = row["role"].get_ref<const std::string&>();
    if (role == "portal_user" && row["customer_id"].is_null()) {
      return Error::invalid("customer_id", "is required for portal users");
    }
    if (role == "merchant_staff" && row["merchant_id"].is_null()) {
      return Error::invalid("merchant_id", "is required for merchant staff");
    }
    if (before) {
      bool deactivating = (*before)["active"] == true && row["active"] == false;
      bool password_reset = row["password_hash"] != (*before)["password_hash"];
      if (deactivating || password_reset) {
        // Whoever was signed in with the old state is signed out now.
        KAM_CHECK(
            c.exec("UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL",
                   {records_.clock().now(), row["id"].get<int64_t>()}));
      }
      if (deactivating) {
        KAM_TRY(owned, c.query_one("SELECT COUNT(*) FROM customers WHERE account_manager_id = ?",
                                   {row["id"].get<int64_t>()}));
        if (owned && owned->i64(0) > 0) {
          return Error::conflict("this user still manages " + std::to_string(owned->i64(0)) +
                                     " customers; hand them over first",
                                 "active");
        }
      }
    }
    return {};
  };

  team_hooks_.read_perm = Perm::kDirectoryRead;
  team_hooks_.create_perm = Perm::kUsersManage;
  team_hooks_.write_perm = Perm::kUsersManage;
  team_hooks_.delete_perm = Perm::kUsersManage;
  team_hooks_.validate = [](db::Connection& c, const Actor&, json& row,
                            const json* before) -> Status {
    if (!row["supervisor_id"].is_null()) {
      KAM_TRY(sup, c.query_one("SELECT role FROM users WHERE id = ?",
                               {row["supervisor_id"].get<int64_t>()}));
      if (sup && sup->text(0) != "supervisor" && sup->text(0) != "admin") {
        return Error::invalid("supervisor_id", "must be a user with the supervisor role");
      }
    }
    if (before && !row["parent_id"].is_null()) {
      // No cycles: walk up from the new parent and never meet this team.
      int64_t self = row["id"].get<int64_t>();
      std::optional<int64_t> cur = row["parent_id"].get<int64_t>();
      for (int depth = 0; cur && depth < 64; ++depth) {
        if (*cur == self)
          return Error::invalid("parent_id", "would make the team its own ancestor");
        KAM_TRY(up, c.query_one("SELECT parent_id FROM teams WHERE id = ?", {*cur}));
        cur = up ? up->opt_i64(0) : std::nullopt;
      }
    }
    return {};
  };
}

Result<json> AdminService::regions(const Actor& a) {
  if (!a.can(domain::Perm::kArchiveRead)) return Error::forbidden("your role cannot read regions");
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(rows, lease->query("SELECT code, name, level, parent_code FROM regions ORDER BY code"));
  json by_code = json::object();
  json roots = json::array();
  std::vector<std::pair<std::string, std::string>> links;
  for (const auto& r : rows) {
    by_code[r.text(0)] = {{"code", r.text(0)},
                          {"name", r.text(1)},
                          {"level", r.text(2)},
                          {"children", json::array()}};
    links.emplace_back(r.text(0), r.text(3));
  }
  // Children are attached deepest-first so each subtree is complete when copied upwards.
  for (auto it = links.rbegin(); it != links.rend(); ++it) {
    const auto& [code, parent] = *it;
    if (!parent.empty() && by_code.contains(parent)) {
      auto& kids = by_code[parent]["children"];
      kids.insert(kids.begin(), by_code[code]);
    }
  }
  for (const auto& [code, parent] : links) {
    if (parent.empty() || !by_code.contains(parent)) roots.push_back(by_code[code]);
  }
  return json{{"items", roots}};
}

}  // namespace kam::services
