#pragma once
// Jobs `kam serve` runs on its own: reminders and escalations of alert tasks, the daily care
// calendar, and the warning engine for a month imported by another process. Several serve
// processes may share one store: a lease row per job in the store lets one of them run it.

#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "services/services.h"

namespace kam::services {

class Scheduler {
 public:
  Scheduler(Services& s, std::string owner) : s_(s), owner_(std::move(owner)) {}
  ~Scheduler() { stop(); }
  void start();
  void stop();
  // One pass over every job that is due (also what the thread does every half minute).
  void run_due();

 private:
  // Takes the job's lease for `interval` seconds when nobody holds it; answers whether it may run.
  bool acquire(const std::string& job, int64_t interval);

  Services& s_;
  std::string owner_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace kam::services
