#pragma once
// Background work of a service (file imports): jobs run one at a time, in order, on one worker
// thread started on first use. Requests answer at once with the queued record; the job
// reports progress through the store. Destroying the queue drops jobs not yet started and
// waits for the running one.

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace kam::services {

class JobQueue {
 public:
  JobQueue() = default;
  JobQueue(const JobQueue&) = delete;
  JobQueue& operator=(const JobQueue&) = delete;
  ~JobQueue();

  void submit(std::function<void()> job);
  // Waits until no job is queued or running (tests, shutdown).
  void wait_idle();

 private:
  void loop();

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;  // guarded by mu_
  bool busy_ = false;                       // guarded by mu_
  bool stopping_ = false;                   // guarded by mu_
  std::thread worker_;
};

}  // namespace kam::services
