#include "services/archive/archive_service.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "domain/masking.h"
#include "services/core/audit.h"

namespace kam::services {
namespace {

using domain::EntitySpec;

int64_t id_of(const json& j, const char* key) {
  return j.contains(key) && j[key].is_number_integer() ? j[key].get<int64_t>() : 0;
}

std::string lower_ascii(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// LIKE pattern for a fragment anywhere, with % and _ taken literally.
std::string like_pattern(const std::string& q) {
  std::string out = "%";
  for (char c : q) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out + "%";
}

bool all_digits(const std::string& s) {
  return !s.empty() &&
         std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

Result<std::optional<db::Row>> user_row(db::Connection& c, int64_t id) {
  return c.query_one("SELECT id, role, active, team_id, senior FROM users WHERE id = ?", {id});
}

Status check_competitors(const json& v) {
  if (v.is_null()) return {};
  if (!v.is_array()) return Error::invalid("competitors", "must be a list");
  if (v.size() > 10) return Error::invalid("competitors", "may list at most 10 operators");
  for (size_t i = 0; i < v.size(); ++i) {
    const json& c = v[i];
    std::string at = "competitors[" + std::to_string(i) + "]";
    if (!c.is_object()) return Error::invalid(at, "must be an object");
    for (auto it = c.begin(); it != c.end(); ++it) {
      if (it.key() != "operator" && it.key() != "services" && it.key() != "bundle_end_date") {
        return Error::invalid(at + "." + it.key(), "is not a field of a competitor");
      }
    }
    if (!c.contains("operator") || !c["operator"].is_string() ||
        c["operator"].get<std::string>().empty() ||
        utf8_length(c["operator"].get<std::string>()) > 40) {
      return Error::invalid(at + ".operator", "is required (up to 40 characters)");
    }
    if (c.contains("services") &&
        !(c["services"].is_string() && utf8_length(c["services"].get<std::string>()) <= 200)) {
      return Error::invalid(at + ".services", "must be text up to 200 characters");
    }
    if (c.contains("bundle_end_date") && !c["bundle_end_date"].is_null() &&
        !(c["bundle_end_date"].is_string() && is_date(c["bundle_end_date"].get<std::string>()))) {
      return Error::invalid(at + ".bundle_end_date", "must be a date YYYY-MM-DD");
    }
  }
  return {};
}

// Fills city and province from the district (and province from the city) and checks they agree.
Status complete_region(db::Connection& c, json& row) {
  auto parent_of = [&](const std::string& code) -> Result<std::optional<std::string>> {
    KAM_TRY(r, c.query_one("SELECT parent_code, level FROM regions WHERE code = ?", {code}));
    if (!r) return std::optional<std::string>{};
    return r->opt_text(0);
  };
  if (row["district_code"].is_string()) {
    KAM_TRY(city, parent_of(row["district_code"].get<std::string>()));
    if (!city) return Error::invalid("district_code", "is not a known district");
    if (row["city_code"].is_null()) row["city_code"] = *city;
    if (row["city_code"] != *city)
      return Error::invalid("district_code", "is not in the given city");
  }
  if (row["city_code"].is_string()) {
    KAM_TRY(prov, parent_of(row["city_code"].get<std::string>()));
    if (!prov) return Error::invalid("city_code", "is not a known city");
    if (row["province_code"].is_null()) row["province_code"] = *prov;
    if (row["province_code"] != *prov)
      return Error::invalid("city_code", "is not in the given province");
  }
  return {};
}

}  // namespace

ArchiveService::ArchiveService(Records& records) : records_(records) {
  init_customer_hooks();
  init_child_hooks();
}

const RecordHooks& ArchiveService::hooks(const EntitySpec& s) const {
  if (&s == &domain::customer_spec()) return customer_;
  if (&s == &domain::member_spec()) return member_;
  if (&s == &domain::key_person_spec()) return key_person_;
  if (&s == &domain::contract_spec()) return contract_;
  if (&s == &domain::contact_spec()) return contact_;
  return need_;
}

Status ArchiveService::refresh_search_text(db::Connection& c, int64_t customer_id) {
  KAM_TRY(cust, c.query_one("SELECT name, short_name, credit_code FROM customers WHERE id = ?",
                            {customer_id}));
  if (!cust) return {};
  std::string text = cust->text(0) + " " + cust->text(1) + " " + cust->text(2);
  KAM_TRY(kps, c.query("SELECT name FROM key_persons WHERE customer_id = ? ORDER BY id LIMIT 100",
                       {customer_id}));
  for (const auto& k : kps) text += " " + k.text(0);
  KAM_CHECK(c.exec("UPDATE customers SET search_text = ? WHERE id = ? AND search_text <> ?",
                   {lower_ascii(text), customer_id, lower_ascii(text)}));
  return {};
}

// Long by design: the rules of the entities as a table of hooks (validate, after write, filters,
// decorate), one short lambda per rule.
void ArchiveService::init_customer_hooks() {
  using domain::Perm;
  customer_.create_perm = Perm::kCustomerCreate;
  customer_.delete_perm = Perm::kCustomerDelete;
  customer_.validate = [this](db::Connection& c, const Actor& a, json& row,
                              const json* before) -> Status {
    bool group = row["kind"] == "group";
    if (!group && row["phone"].is_null())
      return Error::invalid("phone", "is required for an individual subscriber");
    KAM_CHECK(check_competitors(row["competitors"]));
    KAM_CHECK(complete_region(c, row));
    if (!before) {
      if (row["account_manager_id"].is_null()) {
        if (a.role != domain::Role::kAccountManager)
          return Error::invalid("account_manager_id", "is required");
        row["account_manager_id"] = a.user_id;
      }
      int64_t am = row["account_manager_id"].get<int64_t>();
      KAM_TRY(u, user_row(c, am));
      if (!u || u->i64(2) == 0)
        return Error::invalid("account_manager_id", "is not an active user");
      if (u->text(1) != "account_manager" && u->text(1) != "supervisor") {
        return Error::invalid("account_manager_id", "must be an account manager");
      }
      if (a.role == domain::Role::kAccountManager && am != a.user_id) {
        return Error::invalid("account_manager_id",
                              "account managers create customers for themselves");
      }
      if (a.role == domain::Role::kSupervisor && am != a.user_id &&
          std::find(a.supervised_team_ids.begin(), a.supervised_team_ids.end(), u->i64(3)) ==
              a.supervised_team_ids.end()) {
        return Error::invalid("account_manager_id", "is not in one of your teams");
      }
      if (row["phone_manager_id"].is_null() && !u->is_null(3)) {
        // By default the team's phone manager looks after the new customer's phone care.
        KAM_TRY(pm, c.query_one("SELECT id FROM users WHERE team_id = ? AND role = 'phone_manager' "
                                "AND active = 1 ORDER BY id LIMIT 1",
                                {u->i64(3)}));
        if (pm) row["phone_manager_id"] = pm->i64(0);
      }
      if (!row["phone_manager_id"].is_null()) {
        KAM_TRY(pm, user_row(c, row["phone_manager_id"].get<int64_t>()));
        if (!pm || pm->i64(2) == 0 || pm->text(1) != "phone_manager") {
          return Error::invalid("phone_manager_id", "must be an active phone manager");
        }
      }
    }
    bool parent_changed = !before || (*before)["parent_id"] != row["parent_id"];
    if (parent_changed && !row["parent_id"].is_null()) {
      int64_t parent = row["parent_id"].get<int64_t>();
      KAM_TRY(visible, records_.customer_visible(c, a, parent));
      if (!visible) return Error::invalid("parent_id", "refers to a customer that does not exist");
      if (before) {
        int64_t self = id_of(*before, "id");
        std::optional<int64_t> cur = parent;
        for (int depth = 0; cur && depth < 64; ++depth) {
          if (*cur == self)
            return Error::invalid("parent_id", "would make the customer its own ancestor");
          KAM_TRY(up, c.query_one("SELECT parent_id FROM customers WHERE id = ?", {*cur}));
          cur = up ? up->opt_i64(0) : std::nullopt;
        }
      }
    }
    return {};
  };
  customer_.after_write = [this](db::Connection& c, const Actor& a, const json& after) -> Status {
    int64_t id = id_of(after, "id");
    KAM_CHECK(refresh_search_text(c, id));
    KAM_TRY(existing, c.query_one("SELECT COUNT(*) FROM assignments WHERE customer_id = ?", {id}));
    if (existing && existing->i64(0) == 0) {
      int64_t now = records_.clock().now();
      db::Value by = a.user_id ? db::Value(a.user_id) : db::Value(nullptr);
      for (const char* role : {"account_manager", "phone_manager"}) {
        std::string key = std::string(role) + "_id";
        if (after[key].is_null()) continue;
        KAM_CHECK(c.exec(
            "INSERT INTO assignments(customer_id, role, user_id, started_at, reason, assigned_by) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            {id, std::string(role), after[key].get<int64_t>(), now, std::string("customer created"),
             by}));
      }
    }
    return {};
  };
  customer_.before_delete = [](db::Connection& c, const Actor&, const json& before) -> Status {
    int64_t id = id_of(before, "id");
    KAM_TRY(kids, c.query_one("SELECT COUNT(*) FROM customers WHERE parent_id = ?", {id}));
    if (kids && kids->i64(0) > 0)
      return Error::conflict("this customer still has branches; move or delete them first");
    KAM_TRY(members, c.query_one("SELECT COUNT(*) FROM members WHERE customer_id = ?", {id}));
    if (members && members->i64(0) > 0) {
      return Error::conflict("this customer still has " + std::to_string(members->i64(0)) +
                             " members; set its status to churned instead of deleting it");
    }
    for (const char* table :
         {"handover_items WHERE handover_id IN (SELECT id FROM handovers WHERE customer_id = ?)",
          "handovers WHERE customer_id = ?", "assignments WHERE customer_id = ?",
          "contacts WHERE customer_id = ?", "needs WHERE customer_id = ?",
          "contracts WHERE customer_id = ?"}) {
      KAM_CHECK(c.exec(std::string("DELETE FROM ") + table, {id}));
    }
    KAM_CHECK(c.exec("UPDATE key_persons SET reports_to_id = NULL WHERE customer_id = ?", {id}));
    KAM_CHECK(c.exec("DELETE FROM key_persons WHERE customer_id = ?", {id}));
    return {};
  };
  customer_.filters = [](db::Connection& c, const Actor& a, const ListQuery& q, std::string& where,
                         db::Params& p) -> Status {
    if (auto it = q.params.find("q"); it != q.params.end() && !it->second.empty()) {
      std::string text = lower_ascii(it->second);
      if (utf8_length(text) > 100) return Error::invalid("q", "is longer than 100 characters");
      auto b = text.find_first_not_of(' '), e = text.find_last_not_of(' ');
      text = b == std::string::npos ? "" : text.substr(b, e - b + 1);
      if (!text.empty()) {
        std::string clause;
        if (c.dialect() == db::Dialect::kSqlite && utf8_length(text) >= 3) {
          std::string phrase = "\"";
          for (char ch : text) phrase += ch == '"' ? std::string("\"\"") : std::string(1, ch);
          phrase += "\"";
          clause = "t.id IN (SELECT rowid FROM customer_fts WHERE customer_fts MATCH ?)";
          p.push_back(phrase);
        } else {
          clause = std::string("t.search_text ") +
                   (c.dialect() == db::Dialect::kPostgres ? "ILIKE" : "LIKE") + " ? ESCAPE '\\'";
          p.push_back(like_pattern(text));
        }
        // Member numbers and subscribers' phones only for those who see them unmasked: a
        // prefix search would otherwise recover a masked number digit by digit.
        if (all_digits(text) && text.size() >= 3 && sees_unmasked(a, domain::Mask::kPhone)) {
          clause +=
              " OR t.id IN (SELECT customer_id FROM members WHERE number >= ? AND number < ?) OR "
              "t.phone = ?";
          p.push_back(text);
          p.push_back(text + "~");
          p.push_back(text);
        }
        where += " AND (" + clause + ")";
      }
    }
    if (auto it = q.params.find("region"); it != q.params.end() && !it->second.empty()) {
      where += " AND (t.province_code = ? OR t.city_code = ? OR t.district_code = ?)";
      p.insert(p.end(), {it->second, it->second, it->second});
    }
    if (auto it = q.params.find("manager"); it != q.params.end() && !it->second.empty()) {
      int64_t m;
      try {
        m = std::stoll(it->second);
      } catch (...) {
        return Error::invalid("manager", "must be a user id");
      }
      where += " AND (t.account_manager_id = ? OR t.phone_manager_id = ?)";
      p.insert(p.end(), {m, m});
    }
    if (auto it = q.params.find("tier"); it != q.params.end() && !it->second.empty()) {
      // The value tier of the latest computed month.
      const std::string& tier = it->second;
      if (tier != "gold" && tier != "silver" && tier != "bronze" && tier != "do_not_serve") {
        return Error::invalid("tier", "must be gold, silver, bronze or do_not_serve");
      }
      where +=
          " AND t.id IN (SELECT v.customer_id FROM customer_value v WHERE v.month = (SELECT "
          "MAX(month) FROM "
          "customer_value) AND v.tier = ?)";
      p.push_back(tier);
    }
    return {};
  };
}

// Long by design: the rules of the entities as a table of hooks (validate, after write, filters,
// decorate), one short lambda per rule.
void ArchiveService::init_child_hooks() {
  using domain::Perm;
  member_.decorate = [this](json& m) {
    // Tenure (网龄) in whole months from the join date.
    if (!m["join_date"].is_string()) return;
    auto joined = days_from_date(m["join_date"].get<std::string>());
    auto today = days_from_date(shanghai_date(records_.clock().now()));
    if (joined && today) m["tenure_months"] = std::max<int64_t>(0, (*today - *joined) * 12 / 365);
  };
  member_.validate = [this](db::Connection&, const Actor&, json& row, const json*) -> Status {
    auto joined = days_from_date(row["join_date"].get<std::string>());
    auto today = days_from_date(shanghai_date(records_.clock().now()));
    if (joined && today && *joined > *today) return Error::invalid("join_date", "is in the future");
    if (row["kind"] == "mobile" && !domain::is_mobile_number(row["number"].get<std::string>())) {
      return Error::invalid("number", "is not a mobile number (11 digits, 13x-19x)");
    }
    return {};
  };

  key_person_.validate = [](db::Connection& c, const Actor& a, json& row,
                            const json* before) -> Status {
    int64_t customer = id_of(row, "customer_id");
    if (row["senior"].is_null()) row["senior"] = row["level"] == "decision_maker";
    if (!row["reports_to_id"].is_null()) {
      int64_t boss = row["reports_to_id"].get<int64_t>();
      KAM_TRY(r, c.query_one("SELECT customer_id FROM key_persons WHERE id = ?", {boss}));
      if (!r || r->i64(0) != customer)
        return Error::invalid("reports_to_id", "must be a key person of the same customer");
      if (before) {
        std::optional<int64_t> cur = boss;
        for (int depth = 0; cur && depth < 64; ++depth) {
          if (*cur == id_of(*before, "id"))
            return Error::invalid("reports_to_id", "would make a cycle in the decision chain");
          KAM_TRY(up, c.query_one("SELECT reports_to_id FROM key_persons WHERE id = ?", {*cur}));
          cur = up ? up->opt_i64(0) : std::nullopt;
        }
      }
    }
    // Tiered ownership (关键人分层分级): senior key persons belong to a senior manager.
    if (row["owner_id"].is_null()) {
      KAM_TRY(cust,
              c.query_one("SELECT account_manager_id FROM customers WHERE id = ?", {customer}));
      int64_t owner = cust ? cust->i64(0) : a.user_id;
      if (row["senior"] == true) {
        KAM_TRY(sup,
                c.query_one("SELECT t.supervisor_id FROM users u JOIN teams t ON t.id = u.team_id "
                            "WHERE u.id = ? AND t.supervisor_id IS NOT NULL",
                            {owner}));
        KAM_TRY(am_senior, c.query_one("SELECT senior FROM users WHERE id = ?", {owner}));
        if (!(am_senior && am_senior->i64(0)) && sup) owner = sup->i64(0);
      }
      row["owner_id"] = owner;
    }
    KAM_TRY(owner, user_row(c, row["owner_id"].get<int64_t>()));
    if (!owner || owner->i64(2) == 0) return Error::invalid("owner_id", "is not an active user");
    if (row["senior"] == true && owner->i64(4) == 0 && owner->text(1) != "supervisor" &&
        owner->text(1) != "admin") {
      return Error::invalid("owner_id",
                            "a senior key person must be owned by a senior manager or supervisor");
    }
    return {};
  };
  key_person_.after_write = [](db::Connection& c, const Actor&, const json& after) -> Status {
    return refresh_search_text(c, id_of(after, "customer_id"));
  };
  key_person_.before_delete = [](db::Connection& c, const Actor&, const json& before) -> Status {
    KAM_CHECK(c.exec(
        "UPDATE key_persons SET reports_to_id = ? WHERE reports_to_id = ?",
        {before["reports_to_id"].is_null() ? db::Value(nullptr)
                                           : db::Value(before["reports_to_id"].get<int64_t>()),
         id_of(before, "id")}));
    KAM_CHECK(c.exec("UPDATE contacts SET key_person_id = NULL WHERE key_person_id = ?",
                     {id_of(before, "id")}));
    KAM_CHECK(c.exec(
        "UPDATE handover_items SET ref_id = NULL WHERE kind = 'key_person_intro' AND ref_id = ?",
        {id_of(before, "id")}));
    return {};
  };
  key_person_.decorate = [this](json& k) {
    if (!k["birthday"].is_string()) return;
    auto bday = k["birthday"].get<std::string>();
    auto today = shanghai_date(records_.clock().now());
    // Days until the next birthday, for care reminders.
    for (int year = std::stoi(today.substr(0, 4)); year <= std::stoi(today.substr(0, 4)) + 1;
         ++year) {
      std::string md = bday.substr(5);
      if (md == "02-29" && !is_date(std::to_string(year) + "-02-29")) md = "02-28";
      auto next = days_from_date(std::to_string(year) + "-" + md);
      auto now = days_from_date(today);
      if (next && now && *next >= *now) {
        k["days_to_birthday"] = *next - *now;
        break;
      }
    }
  };

  contract_.validate = [](db::Connection&, const Actor&, json& row, const json*) -> Status {
    if (row["end_date"].get<std::string>() < row["start_date"].get<std::string>()) {
      return Error::invalid("end_date", "is before the start date");
    }
    return {};
  };
  contract_.decorate = [this](json& k) {
    auto end = days_from_date(k["end_date"].get<std::string>());
    auto today = days_from_date(shanghai_date(records_.clock().now()));
    if (end && today) k["days_left"] = *end - *today;
  };

  contact_.create_perm = Perm::kContactWrite;
  contact_.write_perm = Perm::kContactWrite;
  contact_.delete_perm = Perm::kContactWrite;
  contact_.author_field = "user_id";
  contact_.validate = [this](db::Connection& c, const Actor& a, json& row,
                             const json* before) -> Status {
    if (!before) row["user_id"] = a.user_id;
    if (!row["key_person_id"].is_null()) {
      KAM_TRY(r, c.query_one("SELECT customer_id FROM key_persons WHERE id = ?",
                             {row["key_person_id"].get<int64_t>()}));
      if (!r || r->i64(0) != id_of(row, "customer_id")) {
        return Error::invalid("key_person_id", "must be a key person of this customer");
      }
    }
    auto at = parse_iso8601(row["occurred_at"].get<std::string>());
    if (at && *at > records_.clock().now() + 86400)
      return Error::invalid("occurred_at", "is in the future");
    if (!row["next_step_date"].is_null() && (row["next_step"].is_null())) {
      return Error::invalid("next_step", "is required when a next-step date is set");
    }
    return {};
  };
  contact_.after_write = [](db::Connection& c, const Actor&, const json& after) -> Status {
    if (after["key_person_id"].is_null()) return {};
    auto at = parse_iso8601(after["occurred_at"].get<std::string>());
    KAM_CHECK(
        c.exec("UPDATE key_persons SET last_contact_at = ? WHERE id = ? AND "
               "(last_contact_at IS NULL OR last_contact_at < ?)",
               {*at, after["key_person_id"].get<int64_t>(), *at}));
    return {};
  };
  contact_.filters = [](db::Connection&, const Actor&, const ListQuery& q, std::string& where,
                        db::Params& p) -> Status {
    for (const char* key : {"from", "to"}) {
      auto it = q.params.find(key);
      if (it == q.params.end() || it->second.empty()) continue;
      auto t = parse_iso8601(it->second);
      if (!t) return Error::invalid(key, "must be a date or ISO-8601 time");
      where += std::string(" AND t.occurred_at ") + (std::string(key) == "from" ? ">= ?" : "< ?");
      p.push_back(*t);
    }
    return {};
  };

  need_.validate = [](db::Connection&, const Actor& a, json& row, const json* before) -> Status {
    if (!before) row["created_by"] = a.user_id ? json(a.user_id) : json(nullptr);
    return {};
  };
}

}  // namespace kam::services
