#include "services/core/import_job.h"

#include <spdlog/spdlog.h>

#include "common/mapped_file.h"

namespace kam::services {
namespace {

// One of two constants, never input.
std::string table_name(ImportTable t) {
  return t == ImportTable::kUsage ? "usage_imports" : "cdr_imports";
}

}  // namespace

void run_import_job(Records& records, ImportTable table, int64_t id,
                    const std::filesystem::path& path,
                    const std::function<Result<nlohmann::json>(std::string_view bytes)>& import) {
  std::string name = table_name(table);
  {
    auto lease = records.db().acquire();
    if (lease) {
      (void)(*lease)->exec(
          "UPDATE " + name + " SET status = 'running', started_at = ? WHERE id = ?",
          {records.clock().now(), id});
    }
  }
  Result<nlohmann::json> r = Error::internal("not run");
  {
    auto file = MappedFile::open(path.string());
    r = file ? import(file->view()) : Result<nlohmann::json>(file.error());
  }
  std::error_code rm;
  std::filesystem::remove(path, rm);
  if (r) return;
  spdlog::error("{} {} failed: {}", name, id, r.error().message);
  auto lease = records.db().acquire();
  if (lease) {
    (void)(*lease)->exec("UPDATE " + name +
                             " SET status = 'failed', phase = NULL, message = ?, finished_at = ? "
                             "WHERE id = ?",
                         {r.error().message, records.clock().now(), id});
  }
}

Result<RecentImports> recent_imports(db::Connection& c, ImportTable table, const char* columns,
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

}  // namespace kam::services
