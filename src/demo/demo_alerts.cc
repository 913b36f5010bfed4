// Demo history of the warning engine: older months' alert tasks worked through (accepted,
// contacted, closed with outcomes, some late), so inboxes and the supervisor's view have a past.

#include <fmt/format.h>

#include "common/clock.h"
#include "demo/demo_data.h"
#include "domain/usage_fields.h"

namespace kam::demo {

Status simulate_alert_work(db::Database& database, const Clock& clock, int month, uint64_t seed) {
  KAM_TRY(lease, database.acquire());
  KAM_TRY(tx, db::Transaction::begin(lease));
  auto& c = tx.conn();
  auto first = days_from_date(domain::month_text(domain::month_add(month, 1)) + "-01");
  int64_t raised =
      (first ? *first : 0) * 86400 + 2 * 3600;  // the engine ran early in the next month
  KAM_TRY(rows, c.query("SELECT t.id, r.deadline_days, t.assignee_id FROM alert_tasks t JOIN "
                        "alert_rules r ON r.id = t.rule_id "
                        "WHERE t.month = ? ORDER BY t.id",
                        {static_cast<int64_t>(month)}));
  uint64_t s = seed * 0x9E3779B97F4A7C15ULL + static_cast<uint64_t>(month);
  auto next = [&] {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return s;
  };
  int64_t now = clock.now();
  for (const auto& r : rows) {
    int64_t id = r.i64(0), deadline = raised + r.i64(1) * 86400;
    double u = static_cast<double>(next() % 10000) / 10000.0;
    std::string state = "open", outcome;
    if (u < 0.78) {
      state = "closed";
      double o = static_cast<double>(next() % 100) / 100.0;
      outcome = o < 0.52 ? "retained" : o < 0.74 ? "offer_made" : o < 0.84 ? "escalated" : "lost";
    } else if (u < 0.88) {
      state = "contacted";
    } else if (u < 0.94) {
      state = "accepted";
    }
    // Most are closed in time; some late.
    int64_t closed_at =
        raised +
        static_cast<int64_t>(next() % static_cast<uint64_t>(r.i64(1) * 86400 * 13 / 10 + 1));
    if (closed_at > now) closed_at = now;
    const char* reason = outcome == "lost"        ? "客户已转网至竞争对手"
                         : outcome == "escalated" ? "需集团层面协调资费方案"
                                                  : nullptr;
    KAM_CHECK(
        c.exec("UPDATE alert_tasks SET created_at = ?, updated_at = ?, deadline_at = ?, state = ?, "
               "outcome = ?, outcome_reason = ?, "
               "closed_at = ?, version = version + 1 WHERE id = ?",
               {raised, state == "closed" ? closed_at : raised, deadline, state,
                outcome.empty() ? db::Value(nullptr) : db::Value(outcome),
                reason ? db::Value(std::string(reason)) : db::Value(nullptr),
                state == "closed" ? db::Value(closed_at) : db::Value(nullptr), id}));
    if (state != "open") {
      KAM_CHECK(
          c.exec("INSERT INTO alert_task_events(task_id, at, user_id, action, from_state, "
                 "to_state) VALUES (?, ?, ?, 'accept', 'open', "
                 "'accepted')",
                 {id, raised + 3600, r.is_null(2) ? db::Value(nullptr) : db::Value(r.i64(2))}));
    }
    if (state == "closed") {
      KAM_CHECK(c.exec(
          "INSERT INTO alert_task_events(task_id, at, user_id, action, from_state, to_state, note) "
          "VALUES (?, ?, ?, 'close', "
          "'accepted', 'closed', ?)",
          {id, closed_at, r.is_null(2) ? db::Value(nullptr) : db::Value(r.i64(2)), outcome}));
    }
  }
  return tx.commit();
}

}  // namespace kam::demo
