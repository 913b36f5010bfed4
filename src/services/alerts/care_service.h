#pragma once
// The care calendar (客户关怀, SPEC §3): care tasks generated ahead of key persons' birthdays,
// holidays, contract and points expiry, payment deadlines and key moments (account opening
// anniversary, persisting arrears, competitor contact or a competitor's bundle ending), each
// assigned to the right person and worked to done or skipped. Generation is idempotent: every
// task has a stable key (kind, subject and its date or usage month), so a rerun adds only what
// is new. The lead times and thresholds, and the family-plan settings, are one versioned,
// audited configuration.

#include <string>

#include "domain/care_rules.h"
#include "services/core/records.h"

namespace kam::services {

// The stored care configuration (defaults when never saved).
Result<domain::CareConfig> load_care_config(db::Connection& c);

// One care task about to be generated (see care_generate.cc).
struct CareCandidate {
  int64_t customer_id = 0;
  std::optional<int64_t> key_person_id, member_id;
  std::string kind, due_date, title;
  json detail = json::object();
  int64_t assignee_id = 0;
  std::string key;  // stable de-duplication key
};

// Every care task due within the configured lead times of `today` (YYYY-MM-DD), from the
// archive, the holidays and the latest usage month.
Result<std::vector<CareCandidate>> care_candidates(db::Connection& c, const domain::CareConfig& cfg,
                                                   const std::string& today);

class CareService {
 public:
  explicit CareService(Records& records) : records_(records) {}

  // Generates the care tasks due around `today` (YYYY-MM-DD, Asia/Shanghai); tasks already
  // there (same key) are left as they are. Answers {"date", "created": {kind: n, …},
  // "created_total", "existing"}. Needs care.manage (the system actor for the scheduler).
  Result<json> generate(const Actor& a, std::string today);

  // The caller's care tasks: the customers in their scope, and tasks assigned to them.
  // Filters: state, kind, from, to (due date), customer_id, assignee_id; limit and cursor.
  Result<json> list(const Actor& a, const ListQuery& q);
  Result<json> get(const Actor& a, int64_t id);
  // {state, note, version}: allowed transitions only (409 naming the allowed ones), audited.
  Result<json> update(const Actor& a, int64_t id, const json& body);

  Result<json> get_config(const Actor& a);
  Result<json> put_config(const Actor& a, const json& body);
  // Holidays care is generated for, in [from, to] (dates; empty for all).
  Result<json> holidays(const Actor& a, const std::string& from, const std::string& to);

 private:
  Result<std::optional<json>> load(db::Connection& c, const Actor& a, int64_t id);

  Records& records_;
};

}  // namespace kam::services
