#pragma once
// Who runs a background job (a file import, a churn training): each job's row names its owner
// process and a lease. A process that dies (SIGKILL, OOM, a crash) leaves its rows `queued` or
// `running`; recovery (ImportRecovery in import_job.h) finds them when the owner is known to
// be gone (same machine, process no longer running) or its lease expired (any machine), and
// fails or finishes them. A live process renews the leases of its own rows (JobHeartbeat).

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "common/clock.h"
#include "storage/db.h"

namespace kam::services {

// A lease lasts this long past its last renewal; the heartbeat renews every minute.
inline constexpr int64_t kJobLeaseSeconds = 600;

// This process as an owner: "BOOT-ID/PID-NAMESPACE/PID/START-TICKS" (the kernel's boot id, the
// pid namespace's inode, the process id and its start time in clock ticks since boot, which
// together never name another process).
const std::string& this_process_owner();

// True when `owner` names a process of this machine's current boot and pid namespace that no
// longer runs, or is empty (rows written before owners were recorded). Other machines and
// containers answer false: their rows wait for the lease.
bool owner_is_gone(std::string_view owner);

// Renews, every minute until destroyed, the lease of every job row this process owns that is
// still queued or running, in the tables of the background jobs.
class JobHeartbeat {
 public:
  JobHeartbeat(db::Database& database, const Clock& clock);
  JobHeartbeat(const JobHeartbeat&) = delete;
  JobHeartbeat& operator=(const JobHeartbeat&) = delete;
  ~JobHeartbeat();

  // One renewal now (also what the thread does every minute).
  void renew();

 private:
  db::Database& db_;
  const Clock& clock_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace kam::services
