#include "services/core/scheduler.h"

#include <spdlog/spdlog.h>

namespace kam::services {

bool Scheduler::acquire(const std::string& job, int64_t interval) {
  int64_t now = s_.clock.now();
  auto lease = s_.db.acquire();
  if (!lease) return false;
  auto& c = **lease;
  auto taken = c.exec(
      "UPDATE scheduler_locks SET owner = ?, until = ?, last_run = ? WHERE name = ? AND until <= ?",
      {owner_, now + interval, now, job, now});
  if (taken && *taken == 1) return true;
  auto exists = c.query_one("SELECT name FROM scheduler_locks WHERE name = ?", {job});
  if (!exists || *exists) return false;
  // First run anywhere: the insert races with other processes; the unique name decides.
  auto ins = c.exec("INSERT INTO scheduler_locks(name, owner, until, last_run) VALUES (?, ?, ?, ?)",
                    {job, owner_, now + interval, now});
  return ins.ok();
}

void Scheduler::run_due() {
  const Actor system = Actor::system("scheduler");
  {
    // Every pass, in every process: jobs of dead processes are claimed one by one, so two
    // processes never take the same one.
    auto r = s_.recover_interrupted();
    if (!r)
      spdlog::error("scheduler: recovering interrupted jobs: {}", r.error().message);
    else if (r->dump() != R"({"cdr":[],"churn":[],"usage":[]})")
      spdlog::warn("scheduler: interrupted jobs taken over: {}", r->dump());
  }
  if (acquire("alerts.tick", 300)) {
    auto r = s_.alerts.tick(s_.clock.now());
    if (!r)
      spdlog::error("scheduler: alert reminders: {}", r.error().message);
    else if ((*r)["reminded"] != 0 || (*r)["escalated"] != 0)
      spdlog::info("scheduler: alert tasks {}", r->dump());
  }
  if (acquire("servicedesk.tick", 60)) {
    // SLA reminders and escalations, auto-close, expired callbacks: every minute.
    auto r = s_.desk.tick(s_.clock.now());
    if (!r)
      spdlog::error("scheduler: service desk: {}", r.error().message);
    else if ((*r)["escalated"] != 0 || (*r)["reminded"] != 0)
      spdlog::info("scheduler: service desk {}", r->dump());
  }
  if (acquire("servicedesk.periodic", 6 * 3600)) {
    auto r = s_.desk.generate_periodic(system, shanghai_date(s_.clock.now()));
    if (!r) spdlog::error("scheduler: periodic surveys: {}", r.error().message);
  }
  if (acquire("orders.tick", 300)) {
    // One-stop orders: owners of steps past their target are reminded once.
    auto r = s_.orders.tick(s_.clock.now());
    if (!r)
      spdlog::error("scheduler: order reminders: {}", r.error().message);
    else if ((*r)["reminded"] != 0)
      spdlog::info("scheduler: orders {}", r->dump());
  }
  if (acquire("care.daily", 6 * 3600)) {
    auto r = s_.care.generate(system, shanghai_date(s_.clock.now()));
    if (!r) spdlog::error("scheduler: care calendar: {}", r.error().message);
  }
  if (acquire("engine.catchup", 600)) {
    // A month imported by another process (the CLI) gets its engine run here.
    int month = 0;
    {
      auto lease = s_.db.acquire();
      if (!lease) return;
      auto row = (*lease)->query_one(
          "SELECT MAX(p.period) FROM usage_periods p WHERE p.kind = 'month' AND p.computed_at IS "
          "NOT NULL AND "
          "p.period = (SELECT MAX(period) FROM usage_periods WHERE kind = 'month') AND NOT EXISTS "
          "(SELECT 1 FROM engine_runs e WHERE e.month = p.period AND e.finished_at >= "
          "p.computed_at)");
      if (row && *row && !(*row)->is_null(0)) month = static_cast<int>((*row)->i64(0));
    }
    if (month) {
      auto r = s_.alerts.run(system, month);
      if (!r) spdlog::error("scheduler: warning engine: {}", r.error().message);
    }
  }
}

void Scheduler::start() {
  thread_ = std::thread([this] {
    for (;;) {
      run_due();
      std::unique_lock lock(mu_);
      if (cv_.wait_for(lock, std::chrono::seconds(30), [&] { return stopping_; })) return;
    }
  });
}

void Scheduler::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace kam::services
