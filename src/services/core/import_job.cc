#include "services/core/import_job.h"

#include <spdlog/spdlog.h>

#include "common/mapped_file.h"
#include "services/core/job_owner.h"

namespace kam::services {
namespace {

// One of two constants, never input.
std::string table_name(JobTable t) {
  switch (t) {
    case JobTable::kUsage:
      return "usage_imports";
    case JobTable::kCdr:
      return "cdr_imports";
    case JobTable::kChurn:
      return "churn_jobs";
  }
  return {};
}

}  // namespace

void run_import_job(Records& records, JobTable table, int64_t id, const std::filesystem::path& path,
                    const std::function<Result<nlohmann::json>(std::string_view bytes)>& import) {
  std::string name = table_name(table);
  std::error_code rm;
  {
    auto lease = records.db().acquire();
    auto started =
        lease ? (*lease)->exec("UPDATE " + name +
                                   " SET status = 'running', started_at = ?, lease_expires_at = ? "
                                   "WHERE id = ? AND status = 'queued' AND owner = ?",
                               {records.clock().now(), records.clock().now() + kJobLeaseSeconds, id,
                                this_process_owner()})
              : Result<int64_t>(lease.error());
    if (!started || *started != 1) {
      spdlog::warn("{} {} not run: {}", name, id,
                   started ? "another process recovered it" : started.error().message);
      std::filesystem::remove(path, rm);
      return;
    }
  }
  Result<nlohmann::json> r = Error::internal("not run");
  {
    auto file = MappedFile::open(path.string());
    r = file ? import(file->view()) : Result<nlohmann::json>(file.error());
  }
  std::filesystem::remove(path, rm);
  if (r) return;
  spdlog::error("{} {} failed: {}", name, id, r.error().message);
  auto lease = records.db().acquire();
  if (lease) {
    (void)(*lease)->exec("UPDATE " + name +
                             " SET status = 'failed', phase = NULL, message = ?, finished_at = ?, "
                             "owner = NULL, lease_expires_at = NULL WHERE id = ?",
                         {r.error().message, records.clock().now(), id});
  }
}

Result<RecentImports> recent_imports(db::Connection& c, JobTable table, const char* columns,
                                     int limit) {
  if (limit < 1 || limit > 200) return Error::invalid("limit", "must be between 1 and 200");
  std::string name = table_name(table);
  RecentImports out;
  KAM_TRY(rows,
          c.query(std::string("SELECT ") + columns + " FROM " + name + " ORDER BY id DESC LIMIT ?",
                  {static_cast<int64_t>(limit)}));
  out.rows = std::move(rows);
  KAM_TRY(total, c.query_one("SELECT COUNT(*) FROM " + name));
  out.total = total ? total->i64(0) : 0;
  return out;
}

Result<std::vector<InterruptedJob>> claim_interrupted(Records& records, JobTable table) {
  std::string name = table_name(table);
  const int64_t now = records.clock().now();
  KAM_TRY(lease, records.db().acquire());
  std::string stored =
      table == JobTable::kUsage ? "CASE WHEN stored_at IS NULL THEN 0 ELSE 1 END" : "0";
  KAM_TRY(rows,
          lease->query("SELECT id, COALESCE(owner, ''), COALESCE(lease_expires_at, 0), " + stored +
                           " FROM " + name + " WHERE status IN ('queued', 'running') ORDER BY id",
                       {}));
  std::vector<InterruptedJob> out;
  for (const auto& r : rows) {
    std::string owner = r.text(1);
    if (owner == this_process_owner()) continue;
    if (!owner_is_gone(owner) && r.i64(2) > now) continue;
    // Claimed only if nobody claimed it since it was read.
    KAM_TRY(n, lease->exec("UPDATE " + name +
                               " SET owner = ?, lease_expires_at = ? WHERE id = ? AND "
                               "COALESCE(owner, '') = ? AND status IN ('queued', 'running')",
                           {this_process_owner(), now + kJobLeaseSeconds, r.i64(0), owner}));
    if (n == 1) out.push_back({r.i64(0), r.i64(3) != 0});
  }
  return out;
}

Status fail_interrupted(Records& records, JobTable table, int64_t id, const std::string& why) {
  KAM_TRY(lease, records.db().acquire());
  spdlog::warn("{} {} interrupted: {}", table_name(table), id, why);
  KAM_CHECK(lease->exec("UPDATE " + table_name(table) +
                            " SET status = 'failed', phase = NULL, message = ?, finished_at = ?, "
                            "owner = NULL, lease_expires_at = NULL WHERE id = ? AND owner = ?",
                        {"interrupted: " + why, records.clock().now(), id, this_process_owner()}));
  return {};
}

Result<nlohmann::json> fail_interrupted_jobs(Records& records, JobTable table,
                                             const std::string& why) {
  KAM_TRY(jobs, claim_interrupted(records, table));
  auto out = nlohmann::json::array();
  for (const auto& j : jobs) {
    KAM_CHECK(fail_interrupted(records, table, j.id, why));
    out.push_back({{"id", j.id}, {"outcome", "failed"}});
  }
  return out;
}

}  // namespace kam::services
