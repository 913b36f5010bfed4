#pragma once
// Demo data of one-stop acceptance: a product catalogue (voice, data, lines, circuits, cloud,
// ICT; province prices with city exceptions, a bundle, industry subsidies, a price change kept
// as a version) and orders of the account managers in every step, worked through the real
// order service on a moving clock so steps, cycle times and approvals look like real history.
// Run after load_demo.

#include <cstdint>

#include "common/clock.h"
#include "storage/db.h"

namespace kam::demo {

struct DemoOrdersSummary {
  int products = 0;
  int orders = 0;
  int approvals = 0;
};

Result<DemoOrdersSummary> load_demo_orders(db::Database& db, const Clock& clock, uint64_t seed);

}  // namespace kam::demo
