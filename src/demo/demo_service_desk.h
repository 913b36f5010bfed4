#pragma once
// Demo data of the service desk: a hotline team (agent1, led by supervisor1), the routing,
// knowledge base articles in Chinese and English, six months of closed work orders with their
// callback surveys (some dissatisfied, with follow-ups), complaints with responsibility and a
// penalty, today's work orders in every state, escalations from the tick and this quarter's
// periodic surveys. Everything goes through ServiceDeskService on a simulated clock, as real
// work would. Run after load_demo.

#include <cstdint>

#include "common/clock.h"
#include "storage/db.h"

namespace kam::demo {

struct DemoServiceDeskSummary {
  int articles = 0;
  int work_orders = 0;
  int surveys_completed = 0;
  int followups = 0;
};

Result<DemoServiceDeskSummary> load_demo_service_desk(db::Database& db, const Clock& clock,
                                                      uint64_t seed);

}  // namespace kam::demo
