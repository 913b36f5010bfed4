#pragma once
// Background imports of an uploaded file (usage, call records): the import's row in its table
// goes queued → running → succeeded or failed, with the reason; the uploaded file is removed
// when the job ends, whatever happened. One implementation for every kind of import. And the
// recovery of background jobs (imports, churn training) whose process died: see job_owner.h.

#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <string_view>
#include <vector>

#include "services/core/records.h"

namespace kam::services {

// The tables of background jobs. Each row has `owner` (this_process_owner() of the process
// running it) and `lease_expires_at`.
enum class JobTable { kUsage, kCdr, kChurn };

// Runs in the job queue's thread: marks the import running, hands the file's bytes to `import`
// (which records its own success), marks it failed with the error otherwise, removes the file.
// An import another process claimed meanwhile (recovery after a lost lease) is not run.
void run_import_job(Records& records, JobTable table, int64_t id, const std::filesystem::path& path,
                    const std::function<Result<nlohmann::json>(std::string_view bytes)>& import);

// The newest imports of a table first: `columns` of at most `limit` rows (1-200), and the count.
struct RecentImports {
  db::Rows rows;
  int64_t total = 0;
};
Result<RecentImports> recent_imports(db::Connection& c, JobTable table, const char* columns,
                                     int limit);

// A job row left queued or running by a process that is gone, or whose lease expired, now
// claimed by this process: its id and whether its data was stored already (a usage import
// that was computing values when its process died).
struct InterruptedJob {
  int64_t id = 0;
  bool stored = false;
};

// Finds the interrupted jobs of `table` and claims each for this process, guarded by the owner
// it had, so two processes recovering at once never claim the same row.
Result<std::vector<InterruptedJob>> claim_interrupted(Records& records, JobTable table);

// Marks a claimed job failed with a message that starts with "interrupted: " and says why.
Status fail_interrupted(Records& records, JobTable table, int64_t id, const std::string& why);

// Claims every interrupted job of `table` and fails it with `why` (jobs that cannot be resumed:
// call-record imports, trainings). Answers [{id, outcome: "failed"}].
Result<nlohmann::json> fail_interrupted_jobs(Records& records, JobTable table,
                                             const std::string& why);

}  // namespace kam::services
