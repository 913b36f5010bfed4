#pragma once
// Deterministic, realistic demo data for one province (Jiangsu): regions, teams and staff,
// group customers with hierarchies, valid credit codes, members in real mobile ranges, key
// persons with birthdays, contracts, a few years of contact history and needs.

#include <cstdint>
#include <string>

#include "common/clock.h"
#include "storage/db.h"

namespace kam::demo {

struct DemoOptions {
  int groups = 2000;
  int members = 100000;
  int individuals = 300;  // high-value individual subscribers
  uint64_t seed = 42;
  std::string password = "Kam@2026demo";
};

struct DemoSummary {
  int users = 0, groups = 0, individuals = 0, members = 0, key_persons = 0, contacts = 0;
};

// Loads the demo into an empty, migrated store. Refuses a store that already has customers.
Result<DemoSummary> load_demo(db::Database& db, const Clock& clock, const DemoOptions& o);

struct DemoUsageSummary {
  int months = 0;
  int64_t rows = 0;
  int first_month = 0, last_month = 0;  // YYYYMM
};

// Writes `months` months of usage (ending last month) for the demo's members, with a story
// per customer. Run after load_demo; the value computation is the caller's next step.
Result<DemoUsageSummary> write_demo_usage(db::Database& db, const Clock& clock, uint64_t seed,
                                          int months = 24);

// Works through the alert tasks raised for `month` as managers would have: most closed with an
// outcome, some in progress, some late. For the months before the newest.
Status simulate_alert_work(db::Database& db, const Clock& clock, int month, uint64_t seed);

// The demo accounts (username, role, what they see), for printing.
std::string demo_logins(const DemoOptions& o);

// Region codes and names of the demo province (also used by tests).
Status load_regions(db::Connection& c);

}  // namespace kam::demo
