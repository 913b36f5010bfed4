#pragma once
// Family plan (家庭计划, SPEC §3): call-detail records are imported (a file is all rows or
// none, in the background for uploads) and kept only as monthly aggregates per member and
// other-operator number; a member with enough tenure who calls the same other-operator number
// at least N times in a month is a candidate for the family plan. Settings (N, tenure, the
// home operator) are part of the care configuration.

#include <filesystem>
#include <functional>

#include "services/core/job_queue.h"
#include "services/core/records.h"

namespace kam::services {

using ProgressFn = std::function<void(const std::string& phase, size_t done, size_t total)>;

struct CandidateQuery {
  int month = 0;  // YYYYMM; 0 = the latest imported month
  std::optional<int64_t> customer_id;
  std::optional<int> min_calls;  // default: the configured family_min_calls
  int limit = 50;
  int64_t offset = 0;
};

class FamilyPlanService {
 public:
  explicit FamilyPlanService(Records& records) : records_(records) {}

  // Imports a CDR file now (the CLI); the file is read in place. Answers the import record; a
  // file with bad rows answers it too, status "failed", with the issues.
  Result<json> import_file(const Actor& a, const std::string& path, const std::string& file_name,
                           const ProgressFn& progress = {});
  // The same from bytes in memory (tests).
  Result<json> import_bytes(const Actor& a, std::string_view bytes, const std::string& file_name);
  // Records an import of the file at `path` (taken over: deleted when done) and runs it in the
  // background; answers the queued record.
  // Recovery of imports whose process died before storing their data: marked failed
  // ("interrupted: …"). Answers [{id, outcome}].
  Result<json> recover_interrupted();
  Result<json> submit_import(const Actor& a, const std::filesystem::path& path,
                             const std::string& file_name);
  Result<json> get_import(const Actor& a, int64_t id);
  Result<json> list_imports(const Actor& a, int limit);
  void wait_idle() { jobs_.wait_idle(); }

  // Imported months with their counts.
  Result<json> months(const Actor& a);
  // Family-plan candidates among the caller's customers, one item per member and number.
  Result<json> candidates(const Actor& a, const CandidateQuery& q);
  // Ids (ascending) of every member who is a candidate in `month` (YYYYMM) under the configured
  // threshold and tenure: the member field `family_plan_candidate` of the alert rules.
  Result<std::vector<int64_t>> candidate_members(db::Connection& c, int month);

 private:
  Result<int64_t> create_record(const Actor& a, const std::string& file_name, int64_t size,
                                const char* status);
  Result<json> run_import(const Actor& a, int64_t id, std::string_view bytes,
                          const std::string& file_name, const ProgressFn& progress);
  Result<json> load_import(db::Connection& c, int64_t id);

  Records& records_;
  JobQueue jobs_;  // last: stopped before the members its jobs use
};

}  // namespace kam::services
