#include "services/core/job_owner.h"

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace kam::services {
namespace {

std::string read_line(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

// Field 22 of /proc/PID/stat (start time in clock ticks since boot); the command name (field
// 2) is in parentheses and may hold spaces, so fields are counted after its closing one.
std::string start_ticks(long pid) {
  std::string stat = read_line("/proc/" + std::to_string(pid) + "/stat");
  auto close = stat.rfind(')');
  if (close == std::string::npos) return {};
  std::istringstream rest(stat.substr(close + 1));
  std::string field;
  for (int i = 3; i <= 22 && rest >> field; ++i) {
    if (i == 22) return field;
  }
  return {};
}

// This machine's current boot and this process's pid namespace: a pid means the same process
// only within both (containers on one host share the boot id, not the pid namespace).
const std::string& machine_and_namespace() {
  static const std::string id = [] {
    std::string boot = read_line("/proc/sys/kernel/random/boot_id");
    std::error_code ec;
    auto ns = std::filesystem::read_symlink("/proc/self/ns/pid", ec).string();
    std::string digits;
    for (char ch : ns)
      if (ch >= '0' && ch <= '9') digits += ch;
    return boot.empty() || digits.empty() ? std::string() : boot + "/" + digits;
  }();
  return id;
}

// The tables of background jobs; constants, never input.
constexpr const char* kJobTables[] = {"usage_imports", "cdr_imports", "churn_jobs"};

}  // namespace

const std::string& this_process_owner() {
  static const std::string owner = [] {
    long pid = static_cast<long>(::getpid());
    return machine_and_namespace() + "/" + std::to_string(pid) + "/" + start_ticks(pid);
  }();
  return owner;
}

bool owner_is_gone(std::string_view owner) {
  if (owner.empty()) return true;
  const std::string& here = machine_and_namespace();
  // "BOOT/NS/PID/TICKS": judged only when BOOT/NS is this machine's and namespace's.
  if (here.empty() || owner.size() <= here.size() + 1 || owner.substr(0, here.size()) != here ||
      owner[here.size()] != '/')
    return false;
  std::string_view rest = owner.substr(here.size() + 1);
  auto slash = rest.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash > 9) return false;
  long pid = 0;
  for (char ch : rest.substr(0, slash)) {
    if (ch < '0' || ch > '9') return false;
    pid = pid * 10 + (ch - '0');
  }
  std::string ticks = start_ticks(pid);
  // No such process, or another process under a reused id.
  return ticks.empty() || ticks != rest.substr(slash + 1);
}

JobHeartbeat::JobHeartbeat(db::Database& database, const Clock& clock)
    : db_(database), clock_(clock) {
  thread_ = std::thread([this] {
    std::unique_lock lock(mu_);
    while (!cv_.wait_for(lock, std::chrono::minutes(1), [&] { return stopping_; })) {
      lock.unlock();
      renew();
      lock.lock();
    }
  });
}

JobHeartbeat::~JobHeartbeat() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void JobHeartbeat::renew() {
  auto lease = db_.acquire();
  if (!lease) return;
  for (const char* table : kJobTables) {
    // Reads first: a write per table and minute would contend with imports for nothing. A failed
    // renewal (the store busy) is retried a minute later, well inside the lease.
    auto mine = (*lease)->query_one(std::string("SELECT 1 FROM ") + table +
                                        " WHERE owner = ? AND status IN ('queued', 'running')",
                                    {this_process_owner()});
    if (!mine || !*mine) continue;
    (void)(*lease)->exec(std::string("UPDATE ") + table +
                             " SET lease_expires_at = ? WHERE owner = ? AND status IN ('queued', "
                             "'running')",
                         {clock_.now() + kJobLeaseSeconds, this_process_owner()});
  }
}

}  // namespace kam::services
