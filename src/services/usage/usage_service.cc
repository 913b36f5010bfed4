// Importing usage (synchronously or as background jobs), the value computation and its
// configuration.

#include "services/usage/usage_service.h"

#include "services/core/import_job.h"
#include "services/core/job_owner.h"
#include "services/core/settings.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <fstream>
#include <future>
#include <map>
#include <memory>
#include <set>

#include "engine/member_directory.h"
#include "engine/usage_import.h"
#include "engine/value_compute.h"
#include "services/core/audit.h"

namespace kam::services {
namespace {

using engine::Granularity;

int current_month(const Clock& clock) {
  std::string d = shanghai_date(clock.now());
  return std::stoi(d.substr(0, 4)) * 100 + std::stoi(d.substr(5, 2));
}

int today_ymd(const Clock& clock) {
  std::string d = shanghai_date(clock.now());
  return std::stoi(d.substr(0, 4)) * 10000 + std::stoi(d.substr(5, 2)) * 100 +
         std::stoi(d.substr(8, 2));
}

json import_json(const db::Row& r) {
  auto parse = [](const std::string& s) { return json::parse(s, nullptr, false); };
  auto ts = [&](size_t i) { return r.is_null(i) ? json(nullptr) : json(iso8601(r.i64(i))); };
  return {{"id", r.i64(0)},
          {"file_name", r.text(1)},
          {"size_bytes", r.i64(2)},
          {"status", r.text(3)},
          {"phase", r.opt_text(4) ? json(r.text(4)) : json(nullptr)},
          {"progress", {{"done", r.i64(5)}, {"total", r.i64(6)}}},
          {"allow_unknown_numbers", r.i64(7) != 0},
          {"encoding", r.opt_text(8) ? json(r.text(8)) : json(nullptr)},
          {"kind", r.opt_text(9) ? json(r.text(9)) : json(nullptr)},
          {"rows_total", r.i64(10)},
          {"rows_imported", r.i64(11)},
          {"rows_bad", r.i64(12)},
          {"rows_skipped", r.i64(13)},
          {"issue_count", r.i64(14)},
          {"issues", parse(r.text(15))},
          {"periods", parse(r.text(16))},
          {"columns_ignored", parse(r.text(17))},
          {"message", r.opt_text(18) ? json(r.text(18)) : json(nullptr)},
          {"created_by", r.is_null(19) ? json(nullptr) : json(r.i64(19))},
          {"created_at", ts(20)},
          {"started_at", ts(21)},
          {"finished_at", ts(22)}};
}

constexpr const char* kImportColumns =
    "id, file_name, size_bytes, status, phase, progress_done, progress_total, allow_unknown, "
    "encoding, kind, "
    "rows_total, rows_imported, rows_bad, rows_skipped, issue_count, issues, periods, "
    "columns_ignored, message, "
    "created_by, created_at, started_at, finished_at";

// What every end of an import sets besides its status: status-specific message, the time, and
// no owner any more. Parameters: message, finished_at.
constexpr const char* kFinished =
    "phase = NULL, message = ?, finished_at = ?, owner = NULL, lease_expires_at = NULL";

}  // namespace

UsageService::UsageService(Records& records) : records_(records) {}

Result<json> UsageService::load_import(db::Connection& c, int64_t id) {
  KAM_TRY(row,
          c.query_one(std::string("SELECT ") + kImportColumns + " FROM usage_imports WHERE id = ?",
                      {id}));
  if (!row) return Error::not_found("usage import");
  return import_json(*row);
}

Result<json> UsageService::import_file(
    const Actor& a, std::string bytes, const ImportRequest& r,
    const std::function<void(const std::string&, size_t, size_t)>& progress) {
  if (!a.can(domain::Perm::kUsageImport))
    return Error::forbidden("importing usage needs the admin or analyst role");
  auto& db = records_.db();
  const Clock& clock = records_.clock();
  int64_t id = 0;
  {
    KAM_TRY(lease, db.acquire());
    KAM_TRY(tx, db::Transaction::begin(lease));
    KAM_TRY(ins,
            tx->query_one("INSERT INTO usage_imports(file_name, size_bytes, status, "
                          "allow_unknown, created_by, created_at, started_at, owner, "
                          "lease_expires_at) VALUES (?, ?, 'running', ?, ?, ?, ?, ?, ?) "
                          "RETURNING id",
                          {r.file_name, static_cast<int64_t>(bytes.size()),
                           static_cast<int64_t>(r.allow_unknown_numbers),
                           a.user_id ? db::Value(a.user_id) : db::Value(nullptr), clock.now(),
                           clock.now(), this_process_owner(), clock.now() + kJobLeaseSeconds}));
    id = ins->i64(0);
    KAM_CHECK(tx.commit());
  }
  return run_import(a, id, std::move(bytes), r, progress);
}

Result<json> UsageService::run_import(
    const Actor& a, int64_t id, std::string bytes, const ImportRequest& r,
    const std::function<void(const std::string&, size_t, size_t)>& progress) {
  auto& db = records_.db();
  const Clock& clock = records_.clock();
  auto finish = [&](const std::string& status, const std::string& message) -> Status {
    KAM_TRY(lease, db.acquire());
    KAM_CHECK(lease->exec(
        std::string("UPDATE usage_imports SET status = ?, ") + kFinished + " WHERE id = ?",
        {status, message, clock.now(), id}));
    return {};
  };
  auto fail = [&](const Error& e) -> Result<json> {
    std::string msg = e.message + (e.field.empty() || e.message.find(e.field) != std::string::npos
                                       ? ""
                                       : " (" + e.field + ")");
    KAM_CHECK(finish("failed", msg));
    KAM_TRY(lease, db.acquire());
    return load_import(*lease, id);
  };
  // Progress goes to the import record at most twice a second, outside any write transaction.
  auto last = std::chrono::steady_clock::now() - std::chrono::seconds(1);
  auto report = [&](const std::string& phase, size_t done, size_t total) {
    if (progress) progress(phase, done, total);
    auto now = std::chrono::steady_clock::now();
    if (now - last < std::chrono::milliseconds(500)) return;
    last = now;
    auto lease = db.acquire();
    if (!lease) return;
    (void)(*lease)->exec(
        "UPDATE usage_imports SET phase = ?, progress_done = ?, progress_total = ? WHERE id = ?",
        {phase, static_cast<int64_t>(done), static_cast<int64_t>(total), id});
  };

  engine::MemberDirectory members;
  {
    report("loading members", 0, 0);
    KAM_TRY(lease, db.acquire());
    auto dir = engine::MemberDirectory::load(*lease);
    if (!dir) return fail(dir.error());
    members = std::move(dir).value();
  }
  engine::ImportOptions o;
  o.latest_month = current_month(clock);
  o.latest_day = today_ymd(clock);
  o.allow_unknown_numbers = r.allow_unknown_numbers;
  o.progress = [&](const std::string& phase, size_t done, size_t total) {
    // Parser threads call this; only the first thread reports, so no lock is needed.
    report(phase, done, total);
  };
  auto parsed = engine::parse_usage(std::move(bytes), members, o);
  if (!parsed) return fail(parsed.error());
  auto& p = *parsed;
  json issues = json::array();
  for (const auto& i : p.issues)
    issues.push_back({{"line", i.line}, {"column", i.column}, {"reason", i.reason}});
  json periods = json::array();
  size_t imported = 0;
  for (const auto& per : p.data.periods) {
    periods.push_back(p.daily ? std::to_string(per.period) : domain::month_text(per.period));
    imported += per.rows.size();
  }
  {
    KAM_TRY(lease, db.acquire());
    KAM_CHECK(
        lease->exec("UPDATE usage_imports SET encoding = ?, kind = ?, rows_total = ?, rows_bad = "
                    "?, rows_skipped = ?, "
                    "issue_count = ?, issues = ?, periods = ?, columns_ignored = ? WHERE id = ?",
                    {p.encoding, p.daily ? "day" : "month", static_cast<int64_t>(p.rows),
                     static_cast<int64_t>(p.rows_bad), static_cast<int64_t>(p.rows_skipped),
                     static_cast<int64_t>(p.issue_count), issues.dump(), periods.dump(),
                     json(p.columns_ignored).dump(), id}));
  }
  if (p.rows_bad > 0) {
    return fail(Error::invalid("file", std::to_string(p.rows_bad) + " of " +
                                           std::to_string(p.rows) +
                                           " rows are bad; nothing was imported from this file"));
  }
  std::string message = std::to_string(imported) + " rows imported into " +
                        std::to_string(p.data.periods.size()) + (p.daily ? " day(s)" : " month(s)");
  if (p.rows_skipped)
    message +=
        "; " + std::to_string(p.rows_skipped) + " rows with numbers not in the archive skipped";
  const bool compute = !p.daily && r.compute && !p.data.periods.empty();

  // One transaction for the whole file: every period or none, with the record's outcome: either
  // succeeded, or stored and its values still to compute (recovery finishes that if this
  // process dies before it has).
  Granularity g = p.daily ? Granularity::kDay : Granularity::kMonth;
  {
    const auto& periods_in = p.data.periods;
    report("writing", 0, periods_in.size());
    KAM_TRY(lease, db.acquire());
    KAM_TRY(tx, db::Transaction::begin(lease));
    for (size_t k = 0; k < periods_in.size(); ++k) {
      int period = periods_in[k].period;
      KAM_TRY(info, engine::period_info(tx.conn(), g, period));
      if (info) {
        // Rows of this file replace the same members' rows; the period's other members stay.
        KAM_TRY(existing, engine::read_period(tx.conn(), g, period));
        auto merged = engine::merge_frames(existing, p.data.frame(k));
        KAM_CHECK(
            engine::write_period(tx.conn(), g, merged, p.fields | info->fields, id, clock.now()));
      } else {
        KAM_CHECK(engine::write_period_slices(
            tx.conn(), g, period, periods_in[k].rows.size(),
            [&](size_t b, size_t e) { return p.data.slice(k, b, e); }, p.fields, id, clock.now()));
      }
      if (progress) progress("writing", k + 1, periods_in.size());
    }
    if (compute) {
      KAM_CHECK(tx->exec(
          "UPDATE usage_imports SET rows_imported = ?, stored_at = ?, message = ? WHERE id = ?",
          {static_cast<int64_t>(imported), clock.now(), message, id}));
    } else {
      KAM_CHECK(tx->exec(std::string("UPDATE usage_imports SET rows_imported = ?, stored_at = ?, "
                                     "status = 'succeeded', ") +
                             kFinished + " WHERE id = ?",
                         {static_cast<int64_t>(imported), clock.now(), message, clock.now(), id}));
    }
    KAM_CHECK(write_audit(tx.conn(), clock, a, "import", "usage_import", id, nullptr,
                          {{"file_name", r.file_name}, {"rows", imported}, {"periods", periods}}));
    KAM_CHECK(tx.commit());
  }
  if (compute) KAM_CHECK(complete_import(id, p.data.periods.front().period, message, report));
  KAM_TRY(lease, db.acquire());
  return load_import(*lease, id);
}

Status UsageService::complete_import(
    int64_t id, int first_month, std::string message,
    const std::function<void(const std::string&, size_t, size_t)>& report) {
  if (report) report("computing", 0, 0);
  auto computed = compute_range(first_month, 0);
  int latest = 0;
  if (!computed) {
    message += "; the value computation failed: " + computed.error().message;
    spdlog::error("value computation after import {} failed: {}", id, computed.error().message);
  } else {
    message += "; value computed for " + std::to_string((*computed)["months"].size()) + " month(s)";
    if (computed->contains("latest"))
      latest = *domain::parse_month((*computed)["latest"].get<std::string>());
  }
  // The import succeeds in the engine run's transaction (a kill after it leaves nothing to
  // redo), or on its own when no hook took it (no engine, or the run failed).
  const std::string sql = std::string("UPDATE usage_imports SET status = 'succeeded', ") +
                          kFinished + " WHERE id = ? AND status = 'running'";
  const int64_t now = records_.clock().now();
  InTransaction succeed = [&](db::Connection& c) -> Status {
    KAM_CHECK(c.exec(sql, {message, now, id}));
    return {};
  };
  if (latest) {
    if (report) report("warnings", 0, 0);
    for (auto& fn : after_compute_) fn(latest, succeed);
  }
  KAM_TRY(lease, records_.db().acquire());
  return succeed(*lease);
}

Result<json> UsageService::recover_interrupted() {
  KAM_TRY(jobs, claim_interrupted(records_, JobTable::kUsage));
  json out = json::array();
  for (const auto& j : jobs) {
    if (!j.stored) {
      KAM_CHECK(fail_interrupted(records_, JobTable::kUsage, j.id,
                                 "the process importing this file stopped before its data was "
                                 "stored; nothing of the file was imported: import it again"));
      out.push_back({{"id", j.id}, {"outcome", "failed"}});
      continue;
    }
    // The data is stored: compute its values and run the engine, as the import would have.
    std::string message;
    int first = 0;
    {
      KAM_TRY(lease, records_.db().acquire());
      KAM_TRY(row, lease->query_one("SELECT periods, COALESCE(message, '') FROM usage_imports "
                                    "WHERE id = ?",
                                    {j.id}));
      if (!row) continue;
      auto periods = json::parse(row->text(0), nullptr, false);
      if (periods.is_array() && !periods.empty() && periods.front().is_string())
        first = domain::parse_month(periods.front().get<std::string>()).value_or(0);
      message = row->text(1);
    }
    if (!first) {
      KAM_CHECK(fail_interrupted(records_, JobTable::kUsage, j.id,
                                 "its months are unreadable; run the value computation"));
      out.push_back({{"id", j.id}, {"outcome", "failed"}});
      continue;
    }
    spdlog::warn(
        "usage import {}: its process stopped after storing the data; computing its "
        "values from {}",
        j.id, domain::month_text(first));
    KAM_CHECK(complete_import(j.id, first, message, {}));
    out.push_back({{"id", j.id}, {"outcome", "completed"}});
  }
  return out;
}

Result<json> UsageService::submit_import(const Actor& a, const std::filesystem::path& path,
                                         const ImportRequest& r) {
  std::error_code ec;
  if (!a.can(domain::Perm::kUsageImport)) {
    std::filesystem::remove(path, ec);
    return Error::forbidden("importing usage needs the admin or analyst role");
  }
  auto size = std::filesystem::file_size(path, ec);
  auto& db = records_.db();
  const Clock& clock = records_.clock();
  int64_t id = 0;
  json out;
  {
    KAM_TRY(lease, db.acquire());
    KAM_TRY(tx, db::Transaction::begin(lease));
    KAM_TRY(ins,
            tx->query_one("INSERT INTO usage_imports(file_name, size_bytes, status, allow_unknown, "
                          "created_by, created_at, owner, lease_expires_at) "
                          "VALUES (?, ?, 'queued', ?, ?, ?, ?, ?) RETURNING id",
                          {r.file_name, static_cast<int64_t>(ec ? 0 : size),
                           static_cast<int64_t>(r.allow_unknown_numbers),
                           a.user_id ? db::Value(a.user_id) : db::Value(nullptr), clock.now(),
                           this_process_owner(), clock.now() + kJobLeaseSeconds}));
    id = ins->i64(0);
    KAM_CHECK(tx.commit());
    KAM_TRY(rec, load_import(*lease, id));
    out = rec;
  }
  jobs_.submit([this, a, id, path, r] {
    run_import_job(records_, JobTable::kUsage, id, path, [&](std::string_view bytes) {
      return run_import(a, id, std::string(bytes), r, {});
    });
  });
  return out;
}

Result<json> UsageService::get_import(const Actor& a, int64_t id) {
  if (!a.can(domain::Perm::kUsageImport))
    return Error::forbidden("usage imports are for the admin and analyst roles");
  KAM_TRY(lease, records_.db().acquire());
  return load_import(*lease, id);
}

Result<json> UsageService::list_imports(const Actor& a, int limit) {
  if (!a.can(domain::Perm::kUsageImport))
    return Error::forbidden("usage imports are for the admin and analyst roles");
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(recent, recent_imports(*lease, JobTable::kUsage, kImportColumns, limit));
  json items = json::array();
  for (const auto& r : recent.rows) items.push_back(import_json(r));
  return json{{"items", items}, {"next_cursor", nullptr}, {"total", recent.total}};
}

namespace {
const SettingsStore& value_settings() {
  static const SettingsStore s(SettingsKind::kValue, "the value rules");
  return s;
}
}  // namespace

Result<domain::ValueConfig> UsageService::load_config(db::Connection& c) {
  return value_settings().load<domain::ValueConfig>(c);
}

Result<json> UsageService::get_config(const Actor& a) {
  if (!a.can(domain::Perm::kAnalysisRead))
    return Error::forbidden("your role cannot read the value configuration");
  return value_settings().answer<domain::ValueConfig>(records_.db());
}

Result<json> UsageService::put_config(const Actor& a, const json& body) {
  if (!a.can(domain::Perm::kValueConfigure))
    return Error::forbidden("changing the value rules needs the admin or analyst role");
  KAM_CHECK(value_settings().change<domain::ValueConfig>(records_.db(), records_.clock(), a, body));
  return get_config(a);
}

Result<json> UsageService::run_value(const Actor& a, int from, int to) {
  if (!a.can(domain::Perm::kUsageImport))
    return Error::forbidden("running the value computation needs the admin or analyst role");
  if (from && !domain::parse_month(domain::month_text(from)))
    return Error::invalid("from", "must be a month YYYY-MM");
  if (to && !domain::parse_month(domain::month_text(to)))
    return Error::invalid("to", "must be a month YYYY-MM");
  if (from && to && from > to) return Error::invalid("to", "must not be before from");
  return compute_range(from, to);
}

Result<json> UsageService::compute_range(int from, int to) {
  auto& db = records_.db();
  const Clock& clock = records_.clock();
  KAM_TRY(lease, db.acquire());
  KAM_TRY(cfg, load_config(*lease));
  KAM_TRY(stored, engine::list_periods(*lease, Granularity::kMonth));
  std::vector<engine::PeriodInfo> months;
  for (const auto& p : stored) {
    if ((!from || p.period >= from) && (!to || p.period <= to)) months.push_back(p);
  }
  json done = json::array();
  if (months.empty()) return json{{"months", done}};
  auto t0 = std::chrono::steady_clock::now();
  KAM_TRY(archive, engine::ArchiveSnapshot::load(*lease));
  std::set<int> is_stored;
  for (const auto& p : stored) is_stored.insert(p.period);
  const int hist = engine::months_of_history(cfg);
  // Fields the computation reads of the current month; earlier months are read for bills and
  // status only, each once, as the window slides.
  const engine::FieldMask light =
      engine::fields_of({domain::UsageField::kBill, domain::UsageField::kStatus});
  const engine::FieldMask needed = engine::fields_of(
      {domain::UsageField::kBill, domain::UsageField::kStatus, domain::UsageField::kArrears,
       domain::UsageField::kVoiceRevenue, domain::UsageField::kDataRevenue,
       domain::UsageField::kSmsRevenue, domain::UsageField::kOtherRevenue,
       domain::UsageField::kDiscount, domain::UsageField::kSubsidy,
       domain::UsageField::kServiceCost, domain::UsageField::kMou, domain::UsageField::kDataMb,
       domain::UsageField::kSms});
  auto window_months = [&](int m) {
    std::vector<int> out;
    for (int k = 1; k <= hist; ++k) out.push_back(domain::month_add(m, -k));
    out.push_back(domain::month_add(m, -12));
    return out;
  };

  // Three stages overlap (the machine has cores to spare and each stage waits on a different
  // thing): a reader decodes month k+1 on its own connection, this thread computes month k, and
  // a writer stores month k-1's values on the first connection. With a pool of one connection
  // the stages run one after the other.
  auto reader_lease = db.acquire();
  const bool overlap = static_cast<bool>(reader_lease);
  struct Fetched {
    engine::UsageFrame current;
    std::map<int, engine::UsageFrame> history;
  };
  auto fetch = [&](db::Connection& c, int m, std::vector<int> missing) -> Result<Fetched> {
    Fetched f;
    KAM_TRY(cur, engine::read_period(c, Granularity::kMonth, m, needed));
    f.current = std::move(cur);
    for (int h : missing) {
      KAM_TRY(fr, engine::read_period(c, Granularity::kMonth, h, light));
      f.history.emplace(h, std::move(fr));
    }
    return f;
  };
  std::map<int, engine::UsageFrame> cache;  // bills and status of the months around
  std::map<int, std::vector<int64_t>>
      revenue;  // per month computed in this run: revenue by customer position
  // History months month m needs that are neither cached nor computed before it in this run.
  auto missing_for = [&](size_t idx) {
    std::vector<int> out;
    int m = months[idx].period;
    for (int h : window_months(m)) {
      bool computed_earlier = idx > 0 && h >= months.front().period && h < m;
      if (is_stored.count(h) && !cache.count(h) && !computed_earlier &&
          std::find(out.begin(), out.end(), h) == out.end()) {
        out.push_back(h);
      }
    }
    return out;
  };
  std::future<Result<Fetched>> next;
  auto start_fetch = [&](size_t idx) {
    next = std::async(std::launch::async, [&, idx, missing = missing_for(idx)]() {
      return fetch(**reader_lease, months[idx].period, missing);
    });
  };
  std::future<Status> writing;
  auto wait_writer = [&]() -> Status {
    if (!writing.valid()) return {};
    return writing.get();
  };
  if (overlap) start_fetch(0);
  for (size_t idx = 0; idx < months.size(); ++idx) {
    const auto& p = months[idx];
    int m = p.period;
    Fetched in;
    if (overlap) {
      auto r = next.get();
      if (!r) {
        (void)wait_writer();
        return r.error();
      }
      in = std::move(*r);
    } else {
      KAM_TRY(r, fetch(*lease, m, missing_for(idx)));
      in = std::move(r);
    }
    for (auto& [h, f] : in.history) cache.emplace(h, std::move(f));
    // Drop frames the window has moved past (the year-ago month is read again when needed).
    for (auto it = cache.begin(); it != cache.end();) {
      it = it->first < domain::month_add(m, -hist) && it->first != domain::month_add(m, -12)
               ? cache.erase(it)
               : std::next(it);
    }
    // The next month's reading overlaps this month's computation; it reads only months this
    // one neither holds nor computes.
    if (overlap && idx + 1 < months.size()) start_fetch(idx + 1);
    engine::UsageFrame current = std::move(in.current);
    engine::MonthWindow w;
    w.month = m;
    w.current = &current;
    w.current_fields = p.fields;
    auto frame_of = [&](int h) -> const engine::UsageFrame* {
      auto it = cache.find(h);
      return it == cache.end() ? nullptr : &it->second;
    };
    for (int k = 1; k <= hist; ++k) {
      w.prior.push_back(frame_of(domain::month_add(m, -k)));
      auto it = revenue.find(domain::month_add(m, -k));
      w.prior_revenue.push_back(it == revenue.end() ? nullptr : &it->second);
    }
    w.year_ago = frame_of(domain::month_add(m, -12));
    auto values = std::make_shared<engine::MonthValues>(engine::compute_month(w, archive, cfg));
    revenue[m] = std::move(values->revenue_by_position);
    Status previous = wait_writer();
    if (!previous) {
      if (next.valid()) (void)next.get();
      return previous.error();
    }
    auto write = [&db, &lease, &clock, values]() -> Status {
      KAM_TRY(tx, db::Transaction::begin(lease));
      KAM_CHECK(engine::write_values(tx.conn(), *values, clock.now()));
      return tx.commit();
    };
    if (overlap) {
      writing = std::async(std::launch::async, write);
    } else {
      KAM_CHECK(write());
    }
    // This month is the next months' history: keep its bills and status, not the rest.
    for (size_t i = 0; i < current.cols.size(); ++i) {
      if (!light.test(i)) engine::Column().swap(current.cols[i]);
    }
    cache[m] = std::move(current);
    done.push_back(domain::month_text(m));
  }
  KAM_CHECK(wait_writer());
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  spdlog::info("value computed for {} month(s) in {:.2f} s", done.size(), secs);
  return json{
      {"months", done}, {"seconds", secs}, {"latest", domain::month_text(months.back().period)}};
}

}  // namespace kam::services
