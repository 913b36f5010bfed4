#pragma once
// A seam for time: services read the clock through this so tests can freeze it.

#include <atomic>
#include <cstdint>
#include <memory>
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

// Starts at a given instant and advances with real (monotonic) time from then on: what
// `--now` / `KAM_NOW` give the server, so SLA countdowns and sessions still move.
class ShiftedClock final : public Clock {
 public:
  explicit ShiftedClock(int64_t start);
  int64_t now() const override;

 private:
  int64_t start_;
  int64_t started_ns_;  // steady clock at construction
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

// The clock a `--now` / `KAM_NOW` value asks for: a ShiftedClock starting at that instant.
// nullptr for an empty value (use Clock::system()) and for a bad one (*error says why).
std::unique_ptr<Clock> clock_from_spec(std::string_view spec, std::string* error);

// "2026-11-24T07:30:00Z"
std::string iso8601(int64_t epoch_seconds);
// Accepts "YYYY-MM-DDTHH:MM:SS[.fff](Z|+hh:mm)" and "YYYY-MM-DD" (midnight UTC).
std::optional<int64_t> parse_iso8601(std::string_view s);
// "Mon, 07 Dec 2026 16:12:40 GMT" (the HTTP Date header, RFC 9110).
std::string http_date(int64_t epoch_seconds);
// A real calendar date "YYYY-MM-DD".
bool is_date(std::string_view s);
// Days since 1970-01-01 for a valid date.
std::optional<int64_t> days_from_date(std::string_view s);
std::string date_from_days(int64_t days);
// Today's date in Asia/Shanghai (UTC+8, no DST) for an epoch time.
std::string shanghai_date(int64_t epoch_seconds);

}  // namespace kam
