// The engine run: load a month's usage, values and archive; compute zones and evaluate the
// rules; store zones and create the alert tasks (de-duplicated, prioritised, assigned).

#include <spdlog/spdlog.h>

#include <chrono>
#include <cmath>
#include <map>
#include <set>

#include "domain/usage_fields.h"
#include "engine/alert_schema.h"
#include "engine/usage_store.h"
#include "engine/zone_store.h"
#include "services/alerts/alert_service.h"
#include "services/core/audit.h"
#include "services/core/settings.h"

namespace kam::services {
namespace {

using domain::UsageField;
using engine::FieldMask;

int severity_points(const std::string& s) {
  return s == "critical" ? 40 : s == "high" ? 30 : s == "medium" ? 20 : 10;
}

struct RuleRow {
  int64_t id;
  int64_t version;
  std::string code, name, level, condition, severity, assignee;
  std::optional<int64_t> team_id;
  int64_t deadline_days;
};

Result<std::vector<RuleRow>> enabled_rules(db::Connection& c, int64_t only = 0) {
  KAM_TRY(rows, c.query("SELECT id, version, COALESCE(code, ''), name, level, condition, severity, "
                        "assignee, team_id, deadline_days "
                        "FROM alert_rules WHERE enabled = 1 ORDER BY id"));
  std::vector<RuleRow> out;
  for (const auto& r : rows) {
    if (only && r.i64(0) != only) continue;
    out.push_back({r.i64(0), r.i64(1), r.text(2), r.text(3), r.text(4), r.text(5), r.text(6),
                   r.text(7), r.opt_i64(8), r.i64(9)});
  }
  return out;
}

// The usage fields member rules read, from their inputs.
FieldMask fields_for(const std::set<engine::rules::Input>& inputs) {
  FieldMask m = engine::fields_of(
      {UsageField::kBill, UsageField::kMou, UsageField::kMinSpend, UsageField::kStatus});
  const auto& schema = engine::member_rule_schema();
  for (const auto& i : inputs) {
    if (i.field < 0) continue;
    std::string name = schema.fields[static_cast<size_t>(i.field)].name;
    for (const char* money : {"bill", "package_fee", "arrears", "min_spend"}) {
      if (name == money) name += "_fen";
    }
    int fi = domain::usage_field_index(name);
    if (fi >= 0) m.set(static_cast<size_t>(fi));
  }
  return m;
}

int64_t first_day_after(int month) {
  auto d = days_from_date(domain::month_text(domain::month_add(month, 1)) + "-01");
  return d ? *d : 0;
}

}  // namespace

Result<int> AlertService::latest_month(db::Connection& c) {
  KAM_TRY(row, c.query_one("SELECT MAX(period) FROM usage_periods WHERE kind = 'month'"));
  if (!row || row->is_null(0)) return Error::not_found("usage month (import usage first)");
  return static_cast<int>(row->i64(0));
}

Result<engine::EngineInputs> AlertService::load_inputs(db::Connection& c, int month, int frames,
                                                       const FieldMask& fields) {
  engine::EngineInputs in;
  in.month = month;
  in.ref_day = first_day_after(month);
  KAM_TRY(archive, engine::ArchiveSnapshot::load(c));
  in.archive = std::move(archive);
  KAM_TRY(zones, load_zone_config(c));
  in.zones = std::move(zones);
  domain::ValueConfig vcfg;
  {
    static const SettingsStore value_settings(SettingsKind::kValue, "the value rules");
    auto parsed = value_settings.load<domain::ValueConfig>(c);
    if (parsed) vcfg = *parsed;
  }
  in.value_config = vcfg;
  for (int k = 0; k < std::max(frames, 3); ++k) {
    KAM_TRY(f, engine::read_period(c, engine::Granularity::kMonth, domain::month_add(month, -k),
                                   fields));
    f.fill_missing(fields);
    in.frames.push_back(std::move(f));
  }
  // customer_value of the months the rules may read.
  size_t nc = in.archive.customers.size();
  const auto& tiers = engine::tier_values();
  const auto& grades = engine::grade_values();
  const auto& stages = engine::stage_values();
  auto code = [](const std::vector<std::string>& v, std::string_view s) {
    auto it = std::find(v.begin(), v.end(), s);
    return it == v.end() ? -1 : static_cast<int32_t>(it - v.begin());
  };
  for (int k = 0; k < std::max(frames, 3); ++k) {
    engine::ValueMonth vm;
    vm.resize(nc);
    KAM_CHECK(
        c.scan("SELECT customer_id, revenue_fen, margin_fen, arrears_fen, mou, data_mb, "
               "members_total, members_active, "
               "members_key, members_new, members_churned, total_score, value_rank, clv_fen, tier, "
               "grade, stage FROM "
               "customer_value WHERE month = ?",
               {static_cast<int64_t>(domain::month_add(month, -k))}, [&](const db::RowRef& r) {
                 int64_t p = in.archive.position_of(r.i64(0));
                 if (p < 0) return;
                 size_t i = static_cast<size_t>(p);
                 vm.present = true;
                 vm.revenue[i] = static_cast<double>(r.i64(1)) / 100.0;
                 vm.margin[i] = static_cast<double>(r.i64(2)) / 100.0;
                 vm.arrears[i] = static_cast<double>(r.i64(3)) / 100.0;
                 vm.mou[i] = static_cast<double>(r.i64(4));
                 vm.data_mb[i] = static_cast<double>(r.i64(5));
                 vm.members_total[i] = static_cast<double>(r.i64(6));
                 vm.members_active[i] = static_cast<double>(r.i64(7));
                 vm.members_key[i] = static_cast<double>(r.i64(8));
                 vm.members_new[i] = static_cast<double>(r.i64(9));
                 vm.members_churned[i] = static_cast<double>(r.i64(10));
                 vm.total_score[i] = std::strtod(std::string(r.text(11)).c_str(), nullptr);
                 vm.rank[i] = static_cast<double>(r.i64(12));
                 vm.clv[i] = static_cast<double>(r.i64(13)) / 100.0;
                 vm.tier[i] = code(tiers, r.text(14));
                 vm.grade[i] = code(grades, r.text(15));
                 vm.stage[i] = code(stages, r.text(16));
               }));
    in.values.push_back(std::move(vm));
  }
  // Family-plan candidates of the month.
  if (family_plan_source_) {
    KAM_TRY(ids, family_plan_source_(c, month));
    if (!ids.empty()) {
      std::sort(ids.begin(), ids.end());
      const auto& f0 = in.frames[0];
      in.family_plan.assign(f0.size(), 0);
      for (size_t r = 0; r < f0.size(); ++r)
        in.family_plan[r] = std::binary_search(ids.begin(), ids.end(), f0.member_id[r]);
    }
  }
  // The latest churn scores there are up to the month: the month's own when it was scored
  // already (a re-run), else the month before's (the engine scores the month after this run).
  {
    const auto& f0 = in.frames[0];
    std::map<int64_t, double> by_member;
    in.customer_churn_score.assign(nc, std::numeric_limits<double>::quiet_NaN());
    KAM_CHECK(
        c.scan("SELECT customer_id, member_id, score FROM churn_scores WHERE month = "
               "(SELECT MAX(month) FROM churn_scores WHERE month <= ?)",
               {static_cast<int64_t>(month)}, [&](const db::RowRef& r) {
                 double s = std::strtod(std::string(r.text(2)).c_str(), nullptr);
                 if (!r.is_null(1)) by_member[r.i64(1)] = s;
                 int64_t p = in.archive.position_of(r.i64(0));
                 if (p < 0) return;
                 double& cs = in.customer_churn_score[static_cast<size_t>(p)];
                 if (std::isnan(cs) || s > cs) cs = s;  // the customer's, or its riskiest member's
               }));
    if (!by_member.empty()) {
      in.member_churn_score.assign(f0.size(), std::numeric_limits<double>::quiet_NaN());
      for (size_t r = 0; r < f0.size(); ++r) {
        auto it = by_member.find(f0.member_id[r]);
        if (it != by_member.end()) in.member_churn_score[r] = it->second;
      }
    }
  }
  return in;
}

Result<json> AlertService::run(const Actor& a, int month,
                               const std::function<Status(db::Connection&)>& also) {
  if (a.role != domain::Role::kAdmin && a.role != domain::Role::kSupervisor &&
      a.role != domain::Role::kAnalyst) {
    return Error::forbidden(
        "running the warning engine needs the admin, supervisor or analyst role");
  }
  auto t0 = std::chrono::steady_clock::now();
  const Clock& clock = records_.clock();
  KAM_TRY(lease, records_.db().acquire());
  if (month == 0) {
    KAM_TRY(m, latest_month(*lease));
    month = m;
  }
  KAM_TRY(info, engine::period_info(*lease, engine::Granularity::kMonth, month));
  if (!info) return Error::not_found("usage of " + domain::month_text(month));
  KAM_TRY(rules, enabled_rules(*lease));

  // Which columns and how many months the rules read.
  std::set<engine::rules::Input> member_inputs;
  int frames = 3;
  std::vector<engine::RuleSpec> specs;
  for (const auto& r : rules) {
    specs.push_back({r.id, r.level, r.condition});
    auto p = engine::compile_rule(r.level, r.condition, nullptr);
    if (!p) continue;  // reported by the run
    const auto& mi = r.level == "member" ? p->inputs() : p->member_inputs();
    member_inputs.insert(mi.begin(), mi.end());
    for (const auto& i : p->inputs()) frames = std::max(frames, i.offset + 1);
    for (const auto& i : mi) frames = std::max(frames, i.offset + 1);
  }
  KAM_TRY(in, load_inputs(*lease, month, frames, fields_for(member_inputs)));
  auto out = engine::run_engine(in, specs);
  auto t1 = std::chrono::steady_clock::now();

  int64_t now = clock.now();
  json errors = json::array();
  int64_t matches = 0, created = 0, updated = 0;
  const auto& archive = in.archive;
  const auto& f0 = in.frames[0];
  {
    KAM_TRY(tx, db::Transaction::begin(lease));
    auto& c = tx.conn();
    // Zones: members (chunks), groups (rows), counts and transitions.
    KAM_CHECK(engine::write_member_zones(c, month, f0.member_id, out.member_zone));
    KAM_CHECK(c.exec("DELETE FROM customer_zones WHERE month = ?", {static_cast<int64_t>(month)}));
    KAM_CHECK(c.exec("DELETE FROM zone_counts WHERE month = ?", {static_cast<int64_t>(month)}));
    KAM_CHECK(c.exec("DELETE FROM zone_events WHERE month = ?", {static_cast<int64_t>(month)}));
    std::array<int64_t, domain::kZoneCount> mcount{}, mrev{}, ccount{}, crev{};
    const auto& bill = f0.col(UsageField::kBill);
    for (size_t r = 0; r < f0.size(); ++r) {
      mcount[static_cast<size_t>(out.member_zone[r])] += 1;
      mrev[static_cast<size_t>(out.member_zone[r])] += bill[r];
    }
    std::vector<db::Value> zrows, erows;
    size_t zn = 0, en = 0;
    auto flush = [&](std::vector<db::Value>& vals, size_t& n, const char* head,
                     size_t cols) -> Status {
      if (!n) return {};
      std::string row = "(" + std::string(cols * 2 - 1, '?') + ")";
      for (size_t i = 2; i < row.size() - 1; i += 2) row[i] = ',';
      std::string sql = head;
      for (size_t i = 0; i < n; ++i) sql += (i ? "," : "") + row;
      KAM_CHECK(c.exec(sql, vals));
      vals.clear();
      n = 0;
      return {};
    };
    for (size_t p = 0; p < archive.customers.size(); ++p) {
      if (out.customer_zone[p] < 0) continue;
      auto zone = static_cast<domain::Zone>(out.customer_zone[p]);
      ccount[static_cast<size_t>(zone)] += 1;
      if (in.values[0].present && !std::isnan(in.values[0].revenue[p])) {
        crev[static_cast<size_t>(zone)] +=
            static_cast<int64_t>(std::llround(in.values[0].revenue[p] * 100));
      }
      json by = json::object();
      for (int z = 0; z < domain::kZoneCount; ++z) {
        if (out.customer_zone_members[p][static_cast<size_t>(z)])
          by[domain::zone_name(static_cast<domain::Zone>(z))] =
              out.customer_zone_members[p][static_cast<size_t>(z)];
      }
      int8_t prev = out.customer_zone_prev[p];
      zrows.insert(
          zrows.end(),
          {static_cast<int64_t>(month), archive.customers[p].id,
           std::string(domain::zone_name(zone)),
           prev < 0 ? db::Value(nullptr)
                    : db::Value(std::string(domain::zone_name(static_cast<domain::Zone>(prev)))),
           by.dump()});
      if (++zn == 200)
        KAM_CHECK(flush(zrows, zn,
                        "INSERT INTO customer_zones(month, customer_id, zone, previous_zone, "
                        "members_by_zone) VALUES ",
                        5));
      if (prev >= 0 && prev != out.customer_zone[p]) {
        erows.insert(erows.end(), {static_cast<int64_t>(month), archive.customers[p].id,
                                   std::string(domain::zone_name(static_cast<domain::Zone>(prev))),
                                   std::string(domain::zone_name(zone)), now});
        if (++en == 200)
          KAM_CHECK(flush(
              erows, en,
              "INSERT INTO zone_events(month, customer_id, from_zone, to_zone, created_at) VALUES ",
              5));
      }
    }
    KAM_CHECK(flush(zrows, zn,
                    "INSERT INTO customer_zones(month, customer_id, zone, previous_zone, "
                    "members_by_zone) VALUES ",
                    5));
    KAM_CHECK(flush(
        erows, en,
        "INSERT INTO zone_events(month, customer_id, from_zone, to_zone, created_at) VALUES ", 5));
    for (int z = 0; z < domain::kZoneCount; ++z) {
      for (auto [level, count, rev] :
           {std::tuple{"member", mcount[static_cast<size_t>(z)], mrev[static_cast<size_t>(z)]},
            std::tuple{"customer", ccount[static_cast<size_t>(z)], crev[static_cast<size_t>(z)]}}) {
        KAM_CHECK(
            c.exec("INSERT INTO zone_counts(month, level, zone, count, revenue_fen) VALUES (?, ?, "
                   "?, ?, ?)",
                   {static_cast<int64_t>(month), std::string(level),
                    std::string(domain::zone_name(static_cast<domain::Zone>(z))), count, rev}));
      }
    }

    // Tasks: one open task per customer and rule, one per customer, rule and month.
    std::set<std::pair<int64_t, int64_t>> open, this_month;
    KAM_CHECK(
        c.scan("SELECT customer_id, rule_id, state, month FROM alert_tasks WHERE state <> 'closed' "
               "OR month = ?",
               {static_cast<int64_t>(month)}, [&](const db::RowRef& r) {
                 if (r.text(2) != "closed") open.insert({r.i64(0), r.i64(1)});
                 if (r.i64(3) == month) this_month.insert({r.i64(0), r.i64(1)});
               }));
    std::vector<db::Value> trows;
    size_t tn = 0;
    constexpr const char* kInsert =
        "INSERT INTO alert_tasks(rule_id, rule_version, customer_id, month, last_seen_month, "
        "severity, priority, zone, state, "
        "assignee_id, team_id, deadline_at, member_count, detail, created_at, updated_at, version) "
        "VALUES ";
    std::map<int64_t, const RuleRow*> by_id;
    for (const auto& r : rules) by_id[r.id] = &r;
    for (const auto& rr : out.rules) {
      const RuleRow& rule = *by_id[rr.rule_id];
      if (!rr.status) {
        errors.push_back(
            {{"rule_id", rule.id}, {"name", rule.name}, {"message", rr.status.error().message}});
        continue;
      }
      matches += static_cast<int64_t>(rr.matches.size());
      std::vector<int64_t> seen_again;
      for (const auto& m : rr.matches) {
        const auto& cust = archive.customers[static_cast<size_t>(m.customer)];
        std::pair<int64_t, int64_t> key{cust.id, rule.id};
        if (open.count(key)) {
          seen_again.push_back(cust.id);
          continue;
        }
        if (this_month.count(key)) continue;  // handled and closed this month already
        double score = in.values[0].present
                           ? in.values[0].total_score[static_cast<size_t>(m.customer)]
                           : std::nan("");
        int64_t priority = severity_points(rule.severity) +
                           (std::isnan(score) ? 0 : static_cast<int64_t>(score * 0.6));
        db::Value assignee = nullptr, team = nullptr;
        if (rule.assignee == "team") {
          team = rule.team_id ? db::Value(*rule.team_id) : db::Value(nullptr);
        } else if (rule.assignee == "phone_manager" && cust.phone_manager_id) {
          assignee = cust.phone_manager_id;
        } else {
          assignee = cust.account_manager_id;
        }
        int8_t z = out.customer_zone[static_cast<size_t>(m.customer)];
        json detail = {{"members", m.members}, {"sample_members", m.sample_members}};
        if (z >= 3) detail["care_action"] = in.zones.care_actions[static_cast<size_t>(z)];
        trows.insert(
            trows.end(),
            {rule.id, rule.version, cust.id, static_cast<int64_t>(month),
             static_cast<int64_t>(month), rule.severity, priority,
             z < 0 ? db::Value(nullptr)
                   : db::Value(std::string(domain::zone_name(static_cast<domain::Zone>(z)))),
             std::string("open"), assignee, team, now + rule.deadline_days * 86400,
             static_cast<int64_t>(m.members), detail.dump(), now, now, int64_t{1}});
        ++created;
        if (++tn == 100) {
          std::string row = "(" + std::string(17 * 2 - 1, '?') + ")";
          for (size_t i = 2; i < row.size() - 1; i += 2) row[i] = ',';
          std::string sql = kInsert;
          for (size_t i = 0; i < tn; ++i) sql += (i ? "," : "") + row;
          KAM_CHECK(c.exec(sql, trows));
          trows.clear();
          tn = 0;
        }
      }
      // Tasks still open that match again: they are seen this month too.
      for (size_t b = 0; b < seen_again.size(); b += 500) {
        size_t e = std::min(seen_again.size(), b + 500);
        db::Params p = {static_cast<int64_t>(month), rule.id, static_cast<int64_t>(month)};
        p.insert(p.end(), seen_again.begin() + static_cast<std::ptrdiff_t>(b),
                 seen_again.begin() + static_cast<std::ptrdiff_t>(e));
        KAM_TRY(n, c.exec("UPDATE alert_tasks SET last_seen_month = ? WHERE rule_id = ? AND state "
                          "<> 'closed' AND last_seen_month < ? "
                          "AND customer_id IN " +
                              db::placeholders(e - b),
                          p));
        updated += n;
      }
    }
    if (tn) {
      std::string row = "(" + std::string(17 * 2 - 1, '?') + ")";
      for (size_t i = 2; i < row.size() - 1; i += 2) row[i] = ',';
      std::string sql = kInsert;
      for (size_t i = 0; i < tn; ++i) sql += (i ? "," : "") + row;
      KAM_CHECK(c.exec(sql, trows));
    }
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    KAM_CHECK(
        c.exec("INSERT INTO engine_runs(month, started_at, finished_at, status, members, "
               "customers, rules_run, matches, "
               "tasks_created, tasks_updated, rule_errors, seconds) VALUES (?, ?, ?, 'succeeded', "
               "?, ?, ?, ?, ?, ?, ?, ?)",
               {static_cast<int64_t>(month), now, clock.now(), static_cast<int64_t>(f0.size()),
                static_cast<int64_t>(archive.customers.size()), static_cast<int64_t>(rules.size()),
                matches, created, updated, errors.dump(), secs}));
    KAM_CHECK(write_audit(c, clock, a, "run", "engine", month, nullptr,
                          {{"month", domain::month_text(month)},
                           {"tasks_created", created},
                           {"rule_errors", errors.size()}}));
    if (also) KAM_CHECK(also(c));
    KAM_CHECK(tx.commit());
  }
  double total = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  double compute = std::chrono::duration<double>(t1 - t0).count();
  spdlog::info(
      "engine {}: {} members, {} rules, {} matches, {} tasks created in {:.2f} s (compute {:.2f} "
      "s)",
      domain::month_text(month), f0.size(), rules.size(), matches, created, total, compute);
  if (after_run_) {
    {
      db::Lease done(std::move(lease));
    }  // the hook needs connections of its own (CLI pools are small)
    after_run_(month);
  }
  return json{{"month", domain::month_text(month)},
              {"members", f0.size()},
              {"customers", archive.customers.size()},
              {"rules", rules.size()},
              {"matches", matches},
              {"tasks_created", created},
              {"tasks_updated", updated},
              {"rule_errors", errors},
              {"seconds", total}};
}

Result<json> AlertService::preview(const Actor& a, const json& body) {
  // Those who set rules, and supervisors weighing a change to propose.
  if (!a.can(domain::Perm::kAlertRulesManage) && a.role != domain::Role::kSupervisor) {
    return Error::forbidden("rules are previewed by admins, analysts and supervisors");
  }
  if (!body.is_object()) return Error::invalid("", "the request body must be a JSON object");
  if (!body.contains("condition") || !body["condition"].is_string())
    return Error::invalid("condition", "is required");
  std::string level = body.value("level", "member");
  if (level != "member" && level != "customer")
    return Error::invalid("level", "must be member or customer");
  std::string condition = body["condition"].get<std::string>();
  auto program = engine::compile_rule(level, condition, nullptr);
  if (!program) {
    return json{{"valid", false},
                {"position", engine::rules::error_position(program.error())},
                {"message", program.error().message}};
  }
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(month, latest_month(*lease));
  int frames = 3;
  const auto& mi = level == "member" ? program->inputs() : program->member_inputs();
  for (const auto& i : program->inputs()) frames = std::max(frames, i.offset + 1);
  for (const auto& i : mi) frames = std::max(frames, i.offset + 1);
  json out = {{"valid", true}, {"level", level}};
  // This month and last month, each evaluated as the engine would.
  for (int k = 0; k < 2; ++k) {
    int m = domain::month_add(month, -k);
    KAM_TRY(info, engine::period_info(*lease, engine::Granularity::kMonth, m));
    json res = {{"month", domain::month_text(m)},
                {"customers", 0},
                {"members", 0},
                {"sample", json::array()}};
    if (info) {
      KAM_TRY(in, load_inputs(*lease, m, frames + 1, fields_for(mi)));
      auto run = engine::run_engine(in, {{0, level, condition}});
      const auto& rr = run.rules[0];
      if (!rr.status)
        return json{{"valid", false}, {"position", 0}, {"message", rr.status.error().message}};
      int64_t members = 0;
      for (const auto& x : rr.matches) members += x.members;
      res["customers"] = rr.matches.size();
      res["members"] = members;
      if (k == 0) {
        // A sample of the matching customers the previewer may see.
        auto scope = customer_scope_sql(a, "c");
        for (const auto& x : rr.matches) {
          if (res["sample"].size() >= 10) break;
          int64_t id = in.archive.customers[static_cast<size_t>(x.customer)].id;
          db::Params p = {id};
          p.insert(p.end(), scope.params.begin(), scope.params.end());
          KAM_TRY(row,
                  lease->query_one(
                      "SELECT c.id, c.name FROM customers c WHERE c.id = ? AND " + scope.sql, p));
          if (row)
            res["sample"].push_back(
                {{"customer_id", row->i64(0)}, {"name", row->text(1)}, {"members", x.members}});
        }
      }
    }
    out[k == 0 ? "this_month" : "last_month"] = res;
  }
  return out;
}

Result<json> AlertService::list_runs(const Actor& a, int limit) {
  if (!a.can(domain::Perm::kArchiveRead))
    return Error::forbidden("your role cannot see engine runs");
  if (limit < 1 || limit > 200) return Error::invalid("limit", "must be between 1 and 200");
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(rows, lease->query(
                    "SELECT id, month, started_at, finished_at, status, members, customers, "
                    "rules_run, matches, tasks_created, "
                    "tasks_updated, rule_errors, seconds FROM engine_runs ORDER BY id DESC LIMIT ?",
                    {static_cast<int64_t>(limit)}));
  json items = json::array();
  for (const auto& r : rows) {
    items.push_back({{"id", r.i64(0)},
                     {"month", domain::month_text(static_cast<int>(r.i64(1)))},
                     {"started_at", iso8601(r.i64(2))},
                     {"finished_at", r.is_null(3) ? json(nullptr) : json(iso8601(r.i64(3)))},
                     {"status", r.text(4)},
                     {"members", r.i64(5)},
                     {"customers", r.i64(6)},
                     {"rules", r.i64(7)},
                     {"matches", r.i64(8)},
                     {"tasks_created", r.i64(9)},
                     {"tasks_updated", r.i64(10)},
                     {"rule_errors", json::parse(r.text(11), nullptr, false)},
                     {"seconds", r.f64(12)}});
  }
  return json{{"items", items}, {"next_cursor", nullptr}, {"total", items.size()}};
}

}  // namespace kam::services
