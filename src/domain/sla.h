#pragma once
// SLA clock arithmetic (SPEC §4): deadlines counted in business time — opening hours on working
// days in the business's own time zone, holidays excluded — or around the clock (7×24), with
// pauses while the work waits for the customer. Pure functions over epoch seconds; the service
// desk stores the calendar a work order was opened under and its pauses, and asks these for the
// due time, the time left and whether the deadline was missed.

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace kam::domain {

struct BusinessCalendar {
  bool always_open = false;       // 7×24: every second counts
  int open_minute = 9 * 60;       // local minute of the day the desk opens (09:00) …
  int close_minute = 18 * 60;     // … and closes (18:00); 24:00 is 1440
  unsigned workdays = 0x1f;       // bit 0 Monday … bit 6 Sunday (Mon–Fri)
  bool exclude_holidays = true;   // holidays are closed days
  std::set<int64_t> holidays;     // local calendar days (days since 1970-01-01)
  int64_t utc_offset = 8 * 3600;  // Asia/Shanghai (no daylight saving)

  // Whether a local calendar day has opening hours.
  bool open_day(int64_t local_day) const;
};

// "HH:MM" (00:00–24:00) → minute of the day.
std::optional<int> parse_clock_time(std::string_view s);
std::string clock_time_text(int minute);
// Workdays as ISO weekday numbers 1 (Monday) … 7 (Sunday) ↔ the calendar's bit set.
std::vector<int> workday_numbers(unsigned bits);

// An interval during which the clock stands still; `to == kOpenEnd` while it lasts.
inline constexpr int64_t kOpenEnd = INT64_MAX;
struct Pause {
  int64_t from = 0, to = kOpenEnd;
};

// Business seconds in [from, to) (0 when to <= from).
int64_t business_seconds(const BusinessCalendar& cal, int64_t from, int64_t to);
// The instant at which `seconds` of business time have passed since `start` (start itself for
// 0). Starting outside opening hours the count begins at the next opening.
int64_t add_business_seconds(const BusinessCalendar& cal, int64_t start, int64_t seconds);

// The instant the budget runs out, counting business time from `start` and skipping the pauses
// (sorted by start, not overlapping). Unknown (nullopt) while an open pause holds the clock
// before the budget ran out.
std::optional<int64_t> sla_deadline(const BusinessCalendar& cal, int64_t start, int64_t budget,
                                    const std::vector<Pause>& pauses);

// The state of one SLA clock at `at` (now, or when the work stopped the clock for good).
struct SlaClock {
  std::optional<int64_t> due_at;  // when the budget runs (ran) out; null while paused in time
  int64_t elapsed = 0;            // business seconds used, pauses excluded
  int64_t remaining = 0;          // budget - elapsed (negative once over)
  bool paused = false;            // a pause holds the clock at `at`
  bool breached = false;          // the deadline passed before `at`
};
SlaClock sla_clock(const BusinessCalendar& cal, int64_t start, int64_t budget,
                   const std::vector<Pause>& pauses, int64_t at);

}  // namespace kam::domain
