#pragma once
// A seam for time: services read the clock through this so tests can freeze it.

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kam {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual int64_t now() const = 0;  // UTC epoch seconds
  static const Clock& system();
};

class FixedClock final : public Clock {
 public:
  explicit FixedClock(int64_t t) : t_(t) {}
  int64_t now() const override { return t_.load(); }
  void set(int64_t t) { t_ = t; }
  void advance(int64_t s) { t_ += s; }

 private:
  std::atomic<int64_t> t_;
};

// "2026-11-24T07:30:00Z"
std::string iso8601(int64_t epoch_seconds);
// Accepts "YYYY-MM-DDTHH:MM:SS[.fff](Z|+hh:mm)" and "YYYY-MM-DD" (midnight UTC).
std::optional<int64_t> parse_iso8601(std::string_view s);
// A real calendar date "YYYY-MM-DD".
bool is_date(std::string_view s);
// Days since 1970-01-01 for a valid date.
std::optional<int64_t> days_from_date(std::string_view s);
std::string date_from_days(int64_t days);
// Today's date in Asia/Shanghai (UTC+8, no DST) for an epoch time.
std::string shanghai_date(int64_t epoch_seconds);

}  // namespace kam
