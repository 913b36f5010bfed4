#include "domain/sla.h"

#include <algorithm>

namespace kam::domain {
namespace {

constexpr int64_t kDay = 86400;
// No calendar needs more than this to find its next opening (it has at least one workday and
// finitely many holidays); a guard against a calendar with none.
constexpr int64_t kMaxDays = 366 * 40;

int64_t floor_div(int64_t a, int64_t b) {
  return a >= 0 ? a / b : -((-a + b - 1) / b);
}

int64_t local_day(const BusinessCalendar& cal, int64_t t) {
  return floor_div(t + cal.utc_offset, kDay);
}

// Opening hours of a local day as UTC instants [open, close).
std::pair<int64_t, int64_t> window(const BusinessCalendar& cal, int64_t day) {
  int64_t base = day * kDay - cal.utc_offset;
  return {base + cal.open_minute * 60, base + cal.close_minute * 60};
}

}  // namespace

bool BusinessCalendar::open_day(int64_t day) const {
  if (always_open) return true;
  // Bit 0 is Monday; 1970-01-01 (day 0) was a Thursday.
  int weekday = static_cast<int>(((day + 3) % 7 + 7) % 7);
  if (!(workdays & (1u << weekday))) return false;
  if (exclude_holidays && holidays.count(day)) return false;
  return close_minute > open_minute;
}

std::optional<int> parse_clock_time(std::string_view s) {
  if (s.size() != 5 || s[2] != ':') return std::nullopt;
  for (size_t i : {0, 1, 3, 4}) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
  }
  int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
  if (m > 59 || h > 24 || (h == 24 && m != 0)) return std::nullopt;
  return h * 60 + m;
}

std::string clock_time_text(int minute) {
  // Built by hand: snprintf into a small buffer trips -Werror=format-truncation for any int.
  int m = std::clamp(minute, 0, 24 * 60);
  int h = m / 60, mm = m % 60;
  std::string out = "00:00";
  out[0] = static_cast<char>('0' + h / 10);
  out[1] = static_cast<char>('0' + h % 10);
  out[3] = static_cast<char>('0' + mm / 10);
  out[4] = static_cast<char>('0' + mm % 10);
  return out;
}

std::vector<int> workday_numbers(unsigned bits) {
  std::vector<int> out;
  for (int i = 0; i < 7; ++i) {
    if (bits & (1u << i)) out.push_back(i + 1);
  }
  return out;
}

int64_t business_seconds(const BusinessCalendar& cal, int64_t from, int64_t to) {
  if (to <= from) return 0;
  if (cal.always_open) return to - from;
  int64_t total = 0;
  int64_t last = local_day(cal, to);
  for (int64_t day = local_day(cal, from); day <= last; ++day) {
    if (!cal.open_day(day)) continue;
    auto [ws, we] = window(cal, day);
    int64_t a = std::max(ws, from), b = std::min(we, to);
    if (b > a) total += b - a;
  }
  return total;
}

int64_t add_business_seconds(const BusinessCalendar& cal, int64_t start, int64_t seconds) {
  if (seconds <= 0) return start;
  if (cal.always_open) return start + seconds;
  int64_t first = local_day(cal, start);
  for (int64_t day = first; day < first + kMaxDays; ++day) {
    if (!cal.open_day(day)) continue;
    auto [ws, we] = window(cal, day);
    int64_t t = std::max(ws, start);
    if (t >= we) continue;
    if (seconds <= we - t) return t + seconds;
    seconds -= we - t;
  }
  return kOpenEnd;
}

std::optional<int64_t> sla_deadline(const BusinessCalendar& cal, int64_t start, int64_t budget,
                                    const std::vector<Pause>& pauses) {
  int64_t t = start, left = std::max<int64_t>(budget, 0);
  for (const auto& p : pauses) {
    if (p.to <= t) continue;
    int64_t from = std::max(p.from, t);
    int64_t before = business_seconds(cal, t, from);
    if (before >= left) return add_business_seconds(cal, t, left);
    left -= before;
    if (p.to == kOpenEnd) return std::nullopt;
    t = p.to;
  }
  return add_business_seconds(cal, t, left);
}

SlaClock sla_clock(const BusinessCalendar& cal, int64_t start, int64_t budget,
                   const std::vector<Pause>& pauses, int64_t at) {
  SlaClock c;
  c.elapsed = business_seconds(cal, start, at);
  for (const auto& p : pauses) {
    c.elapsed -= business_seconds(cal, std::max(p.from, start), std::min(p.to, at));
    if (p.from <= at && at < p.to) c.paused = true;
  }
  c.remaining = budget - c.elapsed;
  c.due_at = sla_deadline(cal, start, budget, pauses);
  c.breached = c.due_at && *c.due_at < at;
  return c;
}

}  // namespace kam::domain
