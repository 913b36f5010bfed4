// Care tasks: generation (idempotent by key), the scoped inbox, state changes and the care
// configuration.

#include "services/alerts/care_service.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <set>

#include "domain/masking.h"
#include "services/core/audit.h"
#include "services/core/cursor.h"
#include "services/core/settings.h"

namespace kam::services {
namespace {

constexpr const char* kTaskColumns =
    "t.id, t.customer_id, c.name, t.key_person_id, kp.name, t.member_id, m.number, t.kind, "
    "CAST(t.due_date AS TEXT), "
    "t.title, t.detail, t.assignee_id, u.display_name, t.state, t.note, t.closed_by, t.closed_at, "
    "t.created_at, "
    "t.updated_at, t.version";
constexpr const char* kTaskFrom =
    " FROM care_tasks t JOIN customers c ON c.id = t.customer_id LEFT JOIN key_persons kp ON kp.id "
    "= t.key_person_id "
    "LEFT JOIN members m ON m.id = t.member_id LEFT JOIN users u ON u.id = t.assignee_id";

// Care tasks are the account team's work: the roles that work or manage them read them.
bool can_read_care(const Actor& a) {
  return a.can(domain::Perm::kCareWork) || a.can(domain::Perm::kCareManage);
}

json opt_id(const db::Row& r, size_t i) {
  return r.is_null(i) ? json(nullptr) : json(r.i64(i));
}
json opt_text(const db::Row& r, size_t i) {
  return r.is_null(i) ? json(nullptr) : json(r.text(i));
}

json task_json(const Actor& a, const db::Row& r) {
  json detail = json::parse(r.text(10), nullptr, false);
  json number = opt_text(r, 6);
  if (number.is_string() && !a.can(domain::Perm::kSeePhone))
    number = domain::mask_phone(number.get<std::string>());
  std::string state = r.text(13);
  return {{"id", r.i64(0)},
          {"customer_id", r.i64(1)},
          {"customer_name", r.text(2)},
          {"key_person_id", opt_id(r, 3)},
          {"key_person_name", opt_text(r, 4)},
          {"member_id", opt_id(r, 5)},
          {"member_number", number},
          {"kind", r.text(7)},
          {"due_date", r.text(8).substr(0, 10)},
          {"title", r.text(9)},
          {"detail", detail.is_discarded() ? json::object() : detail},
          {"assignee_id", r.i64(11)},
          {"assignee_name", opt_text(r, 12)},
          {"state", state},
          {"transitions", domain::care_transitions(state)},
          {"note", opt_text(r, 14)},
          {"closed_by", opt_id(r, 15)},
          {"closed_at", r.is_null(16) ? json(nullptr) : json(iso8601(r.i64(16)))},
          {"created_at", iso8601(r.i64(17))},
          {"updated_at", iso8601(r.i64(18))},
          {"version", r.i64(19)}};
}

// Tasks the actor may see: their customers' (the customer scope) and those assigned to them.
void scope_where(const Actor& a, std::string& where, db::Params& p) {
  auto scope = customer_scope_sql(a, "c");
  if (scope.all) return;
  where += " AND (" + scope.sql + " OR t.assignee_id = ?)";
  p.insert(p.end(), scope.params.begin(), scope.params.end());
  p.push_back(a.user_id);
}

Result<int64_t> id_param(const ListQuery& q, const std::string& name) {
  auto it = q.params.find(name);
  if (it == q.params.end() || it->second.empty()) return int64_t{0};
  const std::string& v = it->second;
  if (v.size() > 18 || v.find_first_not_of("0123456789") != std::string::npos || v[0] == '0') {
    return Error::invalid(name, "must be a positive integer id");
  }
  return static_cast<int64_t>(std::stoll(v));
}

}  // namespace

const SettingsStore& care_settings() {
  static const SettingsStore s(SettingsKind::kCare, "the care rules");
  return s;
}

Result<domain::CareConfig> load_care_config(db::Connection& c) {
  return care_settings().load<domain::CareConfig>(c);
}

Result<json> CareService::generate(const Actor& a, std::string today) {
  if (!a.can(domain::Perm::kCareManage))
    return Error::forbidden("generating care tasks needs the admin or supervisor role");
  if (today.empty()) today = shanghai_date(records_.clock().now());
  if (!is_date(today)) return Error::invalid("date", "must be a date YYYY-MM-DD");
  const Clock& clock = records_.clock();
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(cfg, load_care_config(*lease));
  KAM_TRY(candidates, care_candidates(*lease, cfg, today));

  std::map<std::string, int64_t> created, found;
  for (const auto& k : domain::care_kinds()) created[k] = 0;
  int64_t now = clock.now();
  KAM_TRY(tx, db::Transaction::begin(lease));
  // Multi-row inserts; a key already there is left alone (ON CONFLICT DO NOTHING), so a rerun,
  // or two runs at once, add only what is new.
  constexpr size_t kBatch = 200;
  const std::string cols =
      "INSERT INTO care_tasks (customer_id, key_person_id, member_id, kind, due_date, title, "
      "detail, assignee_id, "
      "dedup_key, created_at, updated_at) VALUES ";
  const std::string one = db::placeholders(11);
  for (size_t b = 0; b < candidates.size();) {
    // One statement per kind at a time, so the changed-row count is the kind's.
    const std::string& kind = candidates[b].kind;
    size_t e = b;
    db::Params p;
    while (e < candidates.size() && e - b < kBatch && candidates[e].kind == kind) {
      const auto& cand = candidates[e];
      p.insert(p.end(), {cand.customer_id, db::opt(cand.key_person_id), db::opt(cand.member_id),
                         cand.kind, cand.due_date, cand.title, cand.detail.dump(), cand.assignee_id,
                         cand.key, now, now});
      ++e;
    }
    std::string sql = cols;
    for (size_t i = b; i < e; ++i) sql += (i > b ? "," : "") + one;
    sql += " ON CONFLICT (dedup_key) DO NOTHING";
    KAM_TRY(n, tx->exec(sql, p));
    created[kind] += n;
    found[kind] += static_cast<int64_t>(e - b);
    b = e;
  }
  int64_t total = 0;
  for (const auto& [k, n] : created) total += n;
  json out = {{"date", today},
              {"created", created},
              {"created_total", total},
              {"existing", static_cast<int64_t>(candidates.size()) - total}};
  KAM_CHECK(write_audit(tx.conn(), clock, a, "generate", "care_task", 0, nullptr, out));
  KAM_CHECK(tx.commit());
  spdlog::info("care tasks for {}: {} due, {} new", today, candidates.size(), total);
  return out;
}

Result<std::optional<json>> CareService::load(db::Connection& c, const Actor& a, int64_t id) {
  std::string where = "t.id = ?";
  db::Params p = {id};
  scope_where(a, where, p);
  KAM_TRY(rows, c.query(std::string("SELECT ") + kTaskColumns + kTaskFrom + " WHERE " + where, p));
  if (rows.empty()) return std::optional<json>{};
  return std::optional<json>(task_json(a, rows[0]));
}

Result<json> CareService::list(const Actor& a, const ListQuery& q) {
  if (!can_read_care(a)) return Error::forbidden("your role cannot read care tasks");
  if (q.limit < 1 || q.limit > 200) return Error::invalid("limit", "must be between 1 and 200");
  if (!q.sort.empty() && q.sort != "due_date")
    return Error::invalid("sort", "care tasks are listed by due date");
  std::string where = "1=1";
  db::Params p;
  scope_where(a, where, p);
  static const std::set<std::string> known = {"state", "kind",        "from",
                                              "to",    "customer_id", "assignee_id"};
  for (const auto& [k, v] : q.params) {
    if (!known.count(k)) return Error::invalid(k, "is not a filter of care tasks");
  }
  auto param = [&](const char* k) {
    auto it = q.params.find(k);
    return it == q.params.end() ? std::string() : it->second;
  };
  if (auto s = param("state"); !s.empty()) {
    const auto& st = domain::care_states();
    if (std::find(st.begin(), st.end(), s) == st.end())
      return Error::invalid("state", "must be one of: open, done, skipped");
    where += " AND t.state = ?";
    p.push_back(s);
  }
  if (auto k = param("kind"); !k.empty()) {
    if (!domain::is_care_kind(k)) {
      std::string all;
      for (const auto& n : domain::care_kinds()) all += (all.empty() ? "" : ", ") + n;
      return Error::invalid("kind", "must be one of: " + all);
    }
    where += " AND t.kind = ?";
    p.push_back(k);
  }
  for (const char* k : {"from", "to"}) {
    auto d = param(k);
    if (d.empty()) continue;
    if (!is_date(d)) return Error::invalid(k, "must be a date YYYY-MM-DD");
    where += std::string(" AND t.due_date ") + (std::string(k) == "from" ? ">=" : "<=") + " ?";
    p.push_back(d);
  }
  KAM_TRY(customer, id_param(q, "customer_id"));
  if (customer) {
    where += " AND t.customer_id = ?";
    p.push_back(customer);
  }
  KAM_TRY(assignee, id_param(q, "assignee_id"));
  if (assignee) {
    where += " AND t.assignee_id = ?";
    p.push_back(assignee);
  }
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(count,
          lease->query_one(std::string("SELECT COUNT(*)") + kTaskFrom + " WHERE " + where, p));
  if (!q.cursor.empty()) {
    KAM_TRY(cur, decode_cursor(q.cursor));
    if (!cur.value.is_string() || !is_date(cur.value.get<std::string>())) {
      return Error::invalid("cursor", "is not a cursor from this list");
    }
    where += " AND (t.due_date > ? OR (t.due_date = ? AND t.id > ?))";
    p.push_back(cur.value.get<std::string>());
    p.push_back(cur.value.get<std::string>());
    p.push_back(cur.id);
  }
  p.push_back(static_cast<int64_t>(q.limit + 1));
  KAM_TRY(rows, lease->query(std::string("SELECT ") + kTaskColumns + kTaskFrom + " WHERE " + where +
                                 " ORDER BY t.due_date, t.id LIMIT ?",
                             p));
  json items = json::array();
  for (size_t i = 0; i < rows.size() && i < static_cast<size_t>(q.limit); ++i)
    items.push_back(task_json(a, rows[i]));
  json next = nullptr;
  if (rows.size() > static_cast<size_t>(q.limit)) {
    const json& last = items.back();
    next = encode_cursor({last["due_date"], last["id"].get<int64_t>()});
  }
  return json{{"items", items}, {"next_cursor", next}, {"total", count ? count->i64(0) : 0}};
}

Result<json> CareService::get(const Actor& a, int64_t id) {
  if (!can_read_care(a)) return Error::forbidden("your role cannot read care tasks");
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(task, load(*lease, a, id));
  if (!task) return Error::not_found("care task");
  return *task;
}

Result<json> CareService::update(const Actor& a, int64_t id, const json& body) {
  if (!a.can(domain::Perm::kCareWork)) return Error::forbidden("your role cannot work care tasks");
  // Scope before the body: a task outside it answers 404 whatever the body holds.
  const Clock& clock = records_.clock();
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(tx, db::Transaction::begin(lease));
  KAM_TRY(before, load(tx.conn(), a, id));
  if (!before) return Error::not_found("care task");
  if (!body.is_object()) return Error::invalid("", "the request body must be a JSON object");
  for (const auto& [k, v] : body.items()) {
    if (k != "state" && k != "note" && k != "version")
      return Error::invalid(k, "is not a field of a care task you can change");
  }
  if (!body.contains("version"))
    return Error::invalid("version", "is required: send the version you read");
  if (!body["version"].is_number_integer()) return Error::invalid("version", "must be an integer");
  std::optional<std::string> state, note;
  if (body.contains("state")) {
    const auto& s = body["state"];
    const auto& st = domain::care_states();
    if (!s.is_string() || std::find(st.begin(), st.end(), s.get<std::string>()) == st.end()) {
      return Error::invalid("state", "must be one of: open, done, skipped");
    }
    state = s.get<std::string>();
  }
  if (body.contains("note") && !body["note"].is_null()) {
    if (!body["note"].is_string()) return Error::invalid("note", "must be a string");
    note = body["note"].get<std::string>();
    if (utf8_length(*note) > 2000) return Error::invalid("note", "is longer than 2000 characters");
    for (unsigned char ch : *note) {
      if ((ch < 0x20 && ch != '\n' && ch != '\r' && ch != '\t') || ch == 0x7f) {
        return Error::invalid("note", "contains control characters");
      }
    }
  }
  int64_t version = body["version"].get<int64_t>();
  if ((*before)["version"].get<int64_t>() != version) {
    return Error::conflict("this care task was changed by someone else (now version " +
                               std::to_string((*before)["version"].get<int64_t>()) +
                               "); reload and try again",
                           "version");
  }
  std::string from = (*before)["state"].get<std::string>();
  std::string to = state.value_or(from);
  if (to != from) {
    auto allowed = domain::care_transitions(from);
    if (std::find(allowed.begin(), allowed.end(), to) == allowed.end()) {
      std::string list;
      for (const auto& s : allowed) list += (list.empty() ? "" : ", ") + s;
      return Error::conflict("a " + from + " care task cannot become " + to + "; allowed: " + list,
                             "state");
    }
  }
  json old_note = (*before)["note"];
  json new_note = body.contains("note") ? (note ? json(*note) : json(nullptr)) : old_note;
  if (to == from && new_note == old_note) return *before;  // nothing changed: no new version
  bool closing = to != from && to != "open";
  bool reopening = to != from && to == "open";
  KAM_TRY(n,
          tx->exec(
              "UPDATE care_tasks SET state = ?, note = ?, "
              "closed_by = CASE WHEN ? = 1 THEN ? WHEN ? = 1 THEN NULL ELSE closed_by END, "
              "closed_at = CASE WHEN ? = 1 THEN ? WHEN ? = 1 THEN NULL ELSE closed_at END, "
              "updated_at = ?, version = version + 1 WHERE id = ? AND version = ?",
              {to, new_note.is_null() ? db::Value(nullptr) : db::Value(new_note.get<std::string>()),
               int64_t{closing}, a.user_id ? db::Value(a.user_id) : db::Value(nullptr),
               int64_t{reopening}, int64_t{closing}, clock.now(), int64_t{reopening}, clock.now(),
               id, version}));
  if (n == 0)
    return Error::conflict("this care task was changed by someone else; reload and try again",
                           "version");
  json diff_before = json::object(), diff_after = json::object();
  if (to != from) {
    diff_before["state"] = from;
    diff_after["state"] = to;
  }
  if (new_note != old_note) {
    diff_before["note"] = old_note;
    diff_after["note"] = new_note;
  }
  KAM_CHECK(write_audit(tx.conn(), clock, a, "update", "care_task", id, diff_before, diff_after));
  KAM_TRY(after, load(tx.conn(), Actor::system(), id));
  KAM_CHECK(tx.commit());
  json out = *after;
  if (out["member_number"].is_string() && !a.can(domain::Perm::kSeePhone)) {
    out["member_number"] = domain::mask_phone(out["member_number"].get<std::string>());
  }
  return out;
}

Result<json> CareService::get_config(const Actor& a) {
  if (!can_read_care(a)) return Error::forbidden("your role cannot read the care configuration");
  return care_settings().answer<domain::CareConfig>(records_.db());
}

Result<json> CareService::put_config(const Actor& a, const json& body) {
  if (!a.can(domain::Perm::kCareManage))
    return Error::forbidden("changing the care rules needs the admin or supervisor role");
  KAM_CHECK(care_settings().change<domain::CareConfig>(records_.db(), records_.clock(), a, body));
  return get_config(a);
}

Result<json> CareService::holidays(const Actor& a, const std::string& from, const std::string& to) {
  if (!a.can(domain::Perm::kArchiveRead))
    return Error::forbidden("your role cannot read the care calendar");
  std::string where = "1=1";
  db::Params p;
  if (!from.empty()) {
    if (!is_date(from)) return Error::invalid("from", "must be a date YYYY-MM-DD");
    where += " AND day >= ?";
    p.push_back(from);
  }
  if (!to.empty()) {
    if (!is_date(to)) return Error::invalid("to", "must be a date YYYY-MM-DD");
    where += " AND day <= ?";
    p.push_back(to);
  }
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(rows, lease->query("SELECT CAST(day AS TEXT), code, name FROM holidays WHERE " + where +
                                 " ORDER BY day",
                             p));
  json items = json::array();
  for (const auto& r : rows)
    items.push_back({{"date", r.text(0).substr(0, 10)}, {"code", r.text(1)}, {"name", r.text(2)}});
  return json{{"items", items}, {"next_cursor", nullptr}, {"total", items.size()}};
}

}  // namespace kam::services
