#pragma once
// Usage and value (SPEC §2): importing usage files (one file, one transaction), running the
// value computation after each import and on demand, the value configuration, and reading
// usage and value back for a customer or a member. Analysis across customers is in
// AnalysisService.

#include <filesystem>
#include <functional>

#include "domain/value_rules.h"
#include "engine/usage_store.h"
#include "services/core/job_queue.h"
#include "services/core/records.h"

namespace kam::services {

struct ImportRequest {
  std::string file_name;
  bool allow_unknown_numbers = false;
  bool compute = true;  // run the value computation after a monthly import
};

class UsageService {
 public:
  explicit UsageService(Records& records);

  // Imports a file now (the CLI; the HTTP upload goes through submit_import). Answers the
  // import record; a file with bad rows answers it too, with status "failed" and the issues.
  Result<json> import_file(
      const Actor& a, std::string bytes, const ImportRequest& r,
      const std::function<void(const std::string&, size_t, size_t)>& progress = {});
  // Records an import of the file at `path` (taken over: deleted when done) and runs it in
  // the background; answers the queued import record.
  Result<json> submit_import(const Actor& a, const std::filesystem::path& path,
                             const ImportRequest& r);
  Result<json> get_import(const Actor& a, int64_t id);
  Result<json> list_imports(const Actor& a, int limit);
  // Waits until no background import is queued or running (tests, shutdown).
  void wait_idle() { jobs_.wait_idle(); }

  // Recomputes value, grading and lifecycle for the stored months in [from, to] (YYYYMM; 0 =
  // first / last stored).
  Result<json> run_value(const Actor& a, int from, int to);

  Result<json> get_config(const Actor& a);
  Result<json> put_config(const Actor& a, const json& body);
  Result<domain::ValueConfig> load_config(db::Connection& c);

  Result<json> periods(const Actor& a);
  // Monthly value and usage of a customer (last `months`), with its members' latest month.
  Result<json> customer_usage(const Actor& a, int64_t customer_id, int months);
  // The value panel of the 360 view: the latest month's value row and its history.
  Result<json> customer_value(const Actor& a, int64_t customer_id, int months);
  Result<json> customer_value(db::Connection& c, int64_t customer_id, int months);
  // Monthly (or daily, between two dates) usage of one member.
  Result<json> member_usage(const Actor& a, int64_t member_id, int months,
                            const std::string& from_day, const std::string& to_day);

  // Recovery of imports whose process died: one not yet stored is marked failed ("interrupted:
  // …"); one stored but not computed gets its values computed and the engine run, then
  // succeeds. Answers [{id, outcome}] of the imports it took over.
  Result<json> recover_interrupted();

  // Work to commit in the transaction of whoever handles the newest month: an import's success,
  // so that it is stored exactly with the engine run it triggered.
  using InTransaction = std::function<Status(db::Connection&)>;
  // Called after an import's value computation with the newest month it covered (the warning
  // engine hooks in here), and the import's completion to commit with its own writes. Not
  // called by run_value (a recomputation of history).
  void on_months_computed(std::function<void(int latest_month, const InTransaction& also)> fn) {
    after_compute_.push_back(std::move(fn));
  }

  Records& records() { return records_; }

 private:
  Result<json> run_import(const Actor& a, int64_t import_id, std::string bytes,
                          const ImportRequest& r,
                          const std::function<void(const std::string&, size_t, size_t)>& progress);
  Result<json> compute_range(int from, int to);
  // The end of a stored monthly import: values from `first_month` on, the engine, the record's
  // final message (`message` and what was computed) and status.
  Status complete_import(int64_t id, int first_month, std::string message,
                         const std::function<void(const std::string&, size_t, size_t)>& report);
  Result<json> load_import(db::Connection& c, int64_t id);

  Records& records_;
  std::vector<std::function<void(int, const InTransaction&)>> after_compute_;
  JobQueue jobs_;  // last: stopped before the members its jobs use
};

}  // namespace kam::services
