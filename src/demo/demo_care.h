#pragma once
// Demo data of care and advice: a realistic tariff catalogue, two months of call-detail
// records (aggregated through the real CDR import, so some members become family-plan
// candidates) and today's care tasks. Run after load_demo (and the demo usage, if any).

#include <cstdint>

#include "common/clock.h"
#include "storage/db.h"

namespace kam::demo {

struct DemoCareSummary {
  int packages = 0;
  int64_t cdr_rows = 0;
  int64_t candidates = 0;  // family-plan candidate members in the latest month
  int64_t care_tasks = 0;
};

Result<DemoCareSummary> load_demo_care(db::Database& db, const Clock& clock, uint64_t seed);

}  // namespace kam::demo
