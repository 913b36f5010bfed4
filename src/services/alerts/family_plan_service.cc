// CDR imports (synchronously or as background jobs) and family-plan candidates.

#include "services/alerts/family_plan_service.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <mutex>

#include "common/mapped_file.h"
#include "domain/care_rules.h"
#include "domain/masking.h"
#include "domain/usage_fields.h"
#include "engine/cdr_import.h"
#include "services/alerts/care_service.h"
#include "services/core/audit.h"
#include "services/core/import_job.h"
#include "services/core/job_owner.h"

namespace kam::services {
namespace {

constexpr const char* kImportColumns =
    "id, file_name, size_bytes, status, phase, progress_done, progress_total, encoding, "
    "rows_total, rows_counted, "
    "rows_on_net, rows_other_callers, rows_bad, pairs_stored, issue_count, issues, months, "
    "columns_ignored, message, "
    "created_by, created_at, started_at, finished_at";

json import_json(const db::Row& r) {
  auto parse = [](const std::string& s) { return json::parse(s, nullptr, false); };
  auto ts = [&](size_t i) { return r.is_null(i) ? json(nullptr) : json(iso8601(r.i64(i))); };
  auto text = [&](size_t i) { return r.is_null(i) ? json(nullptr) : json(r.text(i)); };
  return {{"id", r.i64(0)},
          {"file_name", r.text(1)},
          {"size_bytes", r.i64(2)},
          {"status", r.text(3)},
          {"phase", text(4)},
          {"progress", {{"done", r.i64(5)}, {"total", r.i64(6)}}},
          {"encoding", text(7)},
          {"rows_total", r.i64(8)},
          {"rows_counted", r.i64(9)},
          {"rows_on_net", r.i64(10)},
          {"rows_other_callers", r.i64(11)},
          {"rows_bad", r.i64(12)},
          {"pairs_stored", r.i64(13)},
          {"issue_count", r.i64(14)},
          {"issues", parse(r.text(15))},
          {"months", parse(r.text(16))},
          {"columns_ignored", parse(r.text(17))},
          {"message", text(18)},
          {"created_by", r.is_null(19) ? json(nullptr) : json(r.i64(19))},
          {"created_at", ts(20)},
          {"started_at", ts(21)},
          {"finished_at", ts(22)}};
}

int current_month(const Clock& clock) {
  std::string d = shanghai_date(clock.now());
  return std::stoi(d.substr(0, 4)) * 100 + std::stoi(d.substr(5, 2));
}

// What every end of an import sets besides its status. Parameters: message, finished_at.
constexpr const char* kFinished =
    "phase = NULL, message = ?, finished_at = ?, owner = NULL, lease_expires_at = NULL";

db::Value who(const Actor& a) {
  return a.user_id ? db::Value(a.user_id) : db::Value(nullptr);
}

}  // namespace

Result<json> FamilyPlanService::load_import(db::Connection& c, int64_t id) {
  KAM_TRY(row,
          c.query_one(std::string("SELECT ") + kImportColumns + " FROM cdr_imports WHERE id = ?",
                      {id}));
  if (!row) return Error::not_found("CDR import");
  return import_json(*row);
}

Result<int64_t> FamilyPlanService::create_record(const Actor& a, const std::string& file_name,
                                                 int64_t size, const char* status) {
  const Clock& clock = records_.clock();
  KAM_TRY(lease, records_.db().acquire());
  bool running = std::string(status) == "running";
  KAM_TRY(ins, lease->query_one("INSERT INTO cdr_imports(file_name, size_bytes, status, "
                                "created_by, created_at, started_at, owner, lease_expires_at) "
                                "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                                {file_name, size, status, who(a), clock.now(),
                                 running ? db::Value(clock.now()) : db::Value(nullptr),
                                 this_process_owner(), clock.now() + kJobLeaseSeconds}));
  return ins->i64(0);
}

Result<json> FamilyPlanService::import_file(const Actor& a, const std::string& path,
                                            const std::string& file_name,
                                            const ProgressFn& progress) {
  if (!a.can(domain::Perm::kUsageImport))
    return Error::forbidden("importing call records needs the admin or analyst role");
  KAM_TRY(file, MappedFile::open(path));
  KAM_TRY(id, create_record(a, file_name, static_cast<int64_t>(file.size()), "running"));
  return run_import(a, id, file.view(), file_name, progress);
}

Result<json> FamilyPlanService::import_bytes(const Actor& a, std::string_view bytes,
                                             const std::string& file_name) {
  if (!a.can(domain::Perm::kUsageImport))
    return Error::forbidden("importing call records needs the admin or analyst role");
  KAM_TRY(id, create_record(a, file_name, static_cast<int64_t>(bytes.size()), "running"));
  return run_import(a, id, bytes, file_name, {});
}

Result<json> FamilyPlanService::run_import(const Actor& a, int64_t id, std::string_view bytes,
                                           const std::string& file_name,
                                           const ProgressFn& progress) {
  auto& db = records_.db();
  const Clock& clock = records_.clock();
  auto finish = [&](const std::string& status, const std::string& message) -> Status {
    KAM_TRY(lease, db.acquire());
    KAM_CHECK(lease->exec(
        std::string("UPDATE cdr_imports SET status = ?, ") + kFinished + " WHERE id = ?",
        {status, message, clock.now(), id}));
    return {};
  };
  auto fail = [&](const Error& e) -> Result<json> {
    bool named = e.field.empty() || e.message.find(e.field) != std::string::npos;
    KAM_CHECK(finish("failed", e.message + (named ? "" : " (" + e.field + ")")));
    KAM_TRY(lease, db.acquire());
    return load_import(*lease, id);
  };
  // Progress goes to the import record at most twice a second, outside any write transaction.
  auto last = std::chrono::steady_clock::now() - std::chrono::seconds(1);
  std::mutex report_mu;
  auto report = [&](const std::string& phase, size_t done, size_t total) {
    std::lock_guard lock(report_mu);
    if (progress) progress(phase, done, total);
    auto now = std::chrono::steady_clock::now();
    if (now - last < std::chrono::milliseconds(500)) return;
    last = now;
    auto lease = db.acquire();
    if (!lease) return;
    (void)(*lease)->exec(
        "UPDATE cdr_imports SET phase = ?, progress_done = ?, progress_total = ? WHERE id = ?",
        {phase, static_cast<int64_t>(done), static_cast<int64_t>(total), id});
  };

  engine::CdrOptions o;
  engine::MemberDirectory members;
  {
    report("loading members", 0, 0);
    KAM_TRY(lease, db.acquire());
    auto cfg = load_care_config(*lease);
    if (!cfg) return fail(cfg.error());
    o.home = cfg->home();
    o.store_min_calls = cfg->cdr_store_min_calls;
    auto dir = engine::MemberDirectory::load(*lease);
    if (!dir) return fail(dir.error());
    members = std::move(dir).value();
  }
  o.latest_month = current_month(clock);
  o.progress = report;
  auto parsed = engine::parse_cdrs(bytes, members, o);
  if (!parsed) return fail(parsed.error());
  const auto& p = *parsed;
  json issues = json::array();
  for (const auto& i : p.issues)
    issues.push_back({{"line", i.line}, {"column", i.column}, {"reason", i.reason}});
  json months = json::array();
  for (const auto& m : p.months) months.push_back(domain::month_text(m.month));
  {
    KAM_TRY(lease, db.acquire());
    KAM_CHECK(lease->exec(
        "UPDATE cdr_imports SET encoding = ?, rows_total = ?, rows_counted = ?, rows_on_net = ?, "
        "rows_other_callers = ?, rows_bad = ?, issue_count = ?, issues = ?, months = ?, "
        "columns_ignored = ? "
        "WHERE id = ?",
        {p.encoding, static_cast<int64_t>(p.rows), static_cast<int64_t>(p.rows_counted),
         static_cast<int64_t>(p.rows_on_net), static_cast<int64_t>(p.rows_other_callers),
         static_cast<int64_t>(p.rows_bad), static_cast<int64_t>(p.issue_count), issues.dump(),
         months.dump(), json(p.columns_ignored).dump(), id}));
  }
  if (p.rows_bad > 0) {
    return fail(Error::invalid("file", std::to_string(p.rows_bad) + " of " +
                                           std::to_string(p.rows) +
                                           " rows are bad; nothing was imported from this file"));
  }
  std::string message = std::to_string(p.rows_counted) +
                        " calls by archive members to other operators in " +
                        std::to_string(p.rows) + " rows; " + std::to_string(p.pairs.size()) +
                        " member–number pairs with at least " + std::to_string(o.store_min_calls) +
                        " calls kept for " + std::to_string(p.months.size()) + " month(s)";
  // One transaction: every month's aggregates, the audit entry and the record's success.
  {
    report("writing", 0, p.pairs.size());
    KAM_TRY(lease, db.acquire());
    KAM_TRY(tx, db::Transaction::begin(lease));
    // A month in the file replaces that month's aggregates: the file is the month's records.
    for (const auto& m : p.months) {
      KAM_CHECK(tx->exec("DELETE FROM cdr_pairs WHERE month = ?", {int64_t{m.month}}));
      KAM_CHECK(tx->exec("DELETE FROM cdr_months WHERE month = ?", {int64_t{m.month}}));
      KAM_CHECK(
          tx->exec("INSERT INTO cdr_months(month, import_id, rows_total, calls_counted, "
                   "pairs_total, pairs_stored, "
                   "min_calls_stored, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                   {int64_t{m.month}, id, m.rows, m.calls_counted, m.pairs_total, m.pairs_stored,
                    int64_t{o.store_min_calls}, clock.now()}));
    }
    constexpr size_t kBatch = 500;
    const std::string one = db::placeholders(6);
    std::string full;
    for (size_t b = 0; b < p.pairs.size(); b += kBatch) {
      size_t e = std::min(p.pairs.size(), b + kBatch);
      db::Params params;
      params.reserve((e - b) * 6);
      for (size_t i = b; i < e; ++i) {
        const auto& pr = p.pairs[i];
        params.insert(params.end(),
                      {int64_t{pr.month}, pr.member_id, pr.callee,
                       domain::operator_code(pr.callee_operator), pr.calls, pr.minutes});
      }
      std::string sql =
          "INSERT INTO cdr_pairs(month, member_id, callee, callee_operator, calls, minutes) "
          "VALUES ";
      for (size_t i = b; i < e; ++i) sql += (i > b ? "," : "") + one;
      KAM_CHECK(tx->exec(sql, params));
      if (progress && (b / kBatch) % 64 == 0) progress("writing", e, p.pairs.size());
    }
    KAM_CHECK(tx->exec(std::string("UPDATE cdr_imports SET pairs_stored = ?, status = "
                                   "'succeeded', ") +
                           kFinished + " WHERE id = ?",
                       {static_cast<int64_t>(p.pairs.size()), message, clock.now(), id}));
    KAM_CHECK(write_audit(tx.conn(), clock, a, "import", "cdr_import", id, nullptr,
                          {{"file_name", file_name},
                           {"rows", p.rows},
                           {"calls_counted", p.rows_counted},
                           {"months", months},
                           {"pairs_stored", p.pairs.size()}}));
    KAM_CHECK(tx.commit());
  }
  KAM_TRY(lease, db.acquire());
  return load_import(*lease, id);
}

Result<json> FamilyPlanService::recover_interrupted() {
  return fail_interrupted_jobs(records_, JobTable::kCdr,
                               "the process importing this file stopped before its data was "
                               "stored; nothing of the file was imported: import it again");
}

Result<json> FamilyPlanService::submit_import(const Actor& a, const std::filesystem::path& path,
                                              const std::string& file_name) {
  std::error_code ec;
  if (!a.can(domain::Perm::kUsageImport)) {
    std::filesystem::remove(path, ec);
    return Error::forbidden("importing call records needs the admin or analyst role");
  }
  auto size = std::filesystem::file_size(path, ec);
  KAM_TRY(id, create_record(a, file_name, static_cast<int64_t>(ec ? 0 : size), "queued"));
  json out;
  {
    KAM_TRY(lease, records_.db().acquire());
    KAM_TRY(rec, load_import(*lease, id));
    out = rec;
  }
  jobs_.submit([this, a, id, path, file_name] {
    run_import_job(records_, JobTable::kCdr, id, path,
                   [&](std::string_view bytes) { return run_import(a, id, bytes, file_name, {}); });
  });
  return out;
}

Result<json> FamilyPlanService::get_import(const Actor& a, int64_t id) {
  if (!a.can(domain::Perm::kUsageImport))
    return Error::forbidden("CDR imports are for the admin and analyst roles");
  KAM_TRY(lease, records_.db().acquire());
  return load_import(*lease, id);
}

Result<json> FamilyPlanService::list_imports(const Actor& a, int limit) {
  if (!a.can(domain::Perm::kUsageImport))
    return Error::forbidden("CDR imports are for the admin and analyst roles");
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(recent, recent_imports(*lease, JobTable::kCdr, kImportColumns, limit));
  json items = json::array();
  for (const auto& r : recent.rows) items.push_back(import_json(r));
  return json{{"items", items}, {"next_cursor", nullptr}, {"total", recent.total}};
}

Result<json> FamilyPlanService::months(const Actor& a) {
  if (!a.can(domain::Perm::kAnalysisRead))
    return Error::forbidden("your role cannot read call-record months");
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(
      rows,
      lease->query("SELECT month, import_id, rows_total, calls_counted, pairs_total, pairs_stored, "
                   "min_calls_stored, imported_at FROM cdr_months ORDER BY month"));
  json items = json::array();
  for (const auto& r : rows) {
    items.push_back({{"month", domain::month_text(static_cast<int>(r.i64(0)))},
                     {"import_id", r.is_null(1) ? json(nullptr) : json(r.i64(1))},
                     {"rows", r.i64(2)},
                     {"calls_counted", r.i64(3)},
                     {"pairs_total", r.i64(4)},
                     {"pairs_stored", r.i64(5)},
                     {"min_calls_stored", r.i64(6)},
                     {"imported_at", iso8601(r.i64(7))}});
  }
  return json{{"items", items}, {"next_cursor", nullptr}, {"total", items.size()}};
}

Result<std::vector<int64_t>> FamilyPlanService::candidate_members(db::Connection& c, int month) {
  KAM_TRY(cfg, load_care_config(c));
  std::vector<int64_t> out;
  KAM_CHECK(
      c.scan("SELECT DISTINCT p.member_id FROM cdr_pairs p JOIN members m ON m.id = p.member_id "
             "WHERE p.month = ? AND p.calls >= ? AND m.join_date <= ? AND m.status <> 'cancelled' "
             "ORDER BY p.member_id",
             {int64_t{month}, int64_t{cfg.family_min_calls},
              domain::latest_join_date(month, cfg.family_min_tenure_months)},
             [&](const db::RowRef& r) { out.push_back(r.i64(0)); }));
  return out;
}

Result<json> FamilyPlanService::candidates(const Actor& a, const CandidateQuery& q) {
  if (!a.can(domain::Perm::kAnalysisRead))
    return Error::forbidden("your role cannot read family-plan candidates");
  if (q.limit < 1 || q.limit > 200) return Error::invalid("limit", "must be between 1 and 200");
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(cfg, load_care_config(*lease));
  int min_calls = q.min_calls.value_or(cfg.family_min_calls);
  if (min_calls < cfg.cdr_store_min_calls || min_calls > 10'000) {
    return Error::invalid("min_calls",
                          "must be between " + std::to_string(cfg.cdr_store_min_calls) +
                              " and 10000 (fewer calls are not kept from call records)");
  }
  int month = q.month;
  if (!month) {
    KAM_TRY(latest, lease->query_one("SELECT MAX(month) FROM cdr_months"));
    if (!latest || latest->is_null(0)) {
      return json{{"items", json::array()},
                  {"next_cursor", nullptr},
                  {"total", 0},
                  {"members", 0},
                  {"month", nullptr},
                  {"min_calls", min_calls},
                  {"min_tenure_months", cfg.family_min_tenure_months}};
    }
    month = static_cast<int>(latest->i64(0));
  }
  std::string where =
      "p.month = ? AND p.calls >= ? AND m.join_date <= ? AND m.status <> 'cancelled'";
  db::Params p = {int64_t{month}, int64_t{min_calls},
                  domain::latest_join_date(month, cfg.family_min_tenure_months)};
  if (q.customer_id) {
    KAM_TRY(visible, records_.customer_visible(*lease, a, *q.customer_id));
    if (!visible) return Error::not_found("customer");
    where += " AND m.customer_id = ?";
    p.push_back(*q.customer_id);
  }
  auto scope = customer_scope_sql(a, "c");
  if (!scope.all) {
    where += " AND " + scope.sql;
    p.insert(p.end(), scope.params.begin(), scope.params.end());
  }
  const std::string from =
      " FROM cdr_pairs p JOIN members m ON m.id = p.member_id JOIN customers c ON c.id = "
      "m.customer_id ";
  KAM_TRY(count, lease->query_one(
                     "SELECT COUNT(*), COUNT(DISTINCT p.member_id)" + from + "WHERE " + where, p));
  db::Params page = p;
  page.push_back(static_cast<int64_t>(q.limit + 1));
  page.push_back(q.offset);
  KAM_TRY(rows, lease->query("SELECT p.member_id, m.number, m.customer_id, c.name, "
                             "CAST(m.join_date AS TEXT), p.callee, "
                             "p.callee_operator, p.calls, p.minutes" +
                                 from + "WHERE " + where +
                                 " ORDER BY p.calls DESC, p.member_id, p.callee LIMIT ? OFFSET ?",
                             page));
  bool phones = a.can(domain::Perm::kSeePhone);
  json items = json::array();
  for (size_t i = 0; i < rows.size() && i < static_cast<size_t>(q.limit); ++i) {
    const auto& r = rows[i];
    std::string join = r.text(4).substr(0, 10);
    int tenure = is_date(join)
                     ? domain::months_between(
                           std::stoi(join.substr(0, 4)) * 100 + std::stoi(join.substr(5, 2)), month)
                     : 0;
    auto op = domain::parse_operator(r.text(6)).value_or(domain::Operator::kOther);
    std::string number = r.text(1), callee = r.text(5);
    items.push_back({{"month", domain::month_text(month)},
                     {"member_id", r.i64(0)},
                     {"number", phones ? number : domain::mask_phone(number)},
                     {"customer_id", r.i64(2)},
                     {"customer_name", r.text(3)},
                     {"join_date", join},
                     {"tenure_months", tenure},
                     {"callee", phones ? callee : domain::mask_phone(callee)},
                     {"callee_operator", domain::operator_code(op)},
                     {"callee_operator_name", domain::operator_name_zh(op)},
                     {"calls", r.i64(7)},
                     {"minutes", r.i64(8)}});
  }
  json next = rows.size() > static_cast<size_t>(q.limit) ? json(std::to_string(q.offset + q.limit))
                                                         : json(nullptr);
  return json{{"items", items},
              {"next_cursor", next},
              {"total", count ? count->i64(0) : 0},
              {"members", count ? count->i64(1) : 0},
              {"month", domain::month_text(month)},
              {"min_calls", min_calls},
              {"min_tenure_months", cfg.family_min_tenure_months}};
}

}  // namespace kam::services
