#include "common/clock.h"

#include <chrono>
#include <cstdio>

namespace kam {
namespace {

class SystemClock final : public Clock {
 public:
  int64_t now() const override {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

bool digits(std::string_view s, size_t from, size_t n) {
  if (s.size() < from + n) return false;
  for (size_t i = from; i < from + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  return true;
}

int num(std::string_view s, size_t from, size_t n) {
  int v = 0;
  for (size_t i = from; i < from + n; ++i) v = v * 10 + (s[i] - '0');
  return v;
}

}  // namespace

ShiftedClock::ShiftedClock(int64_t start)
    : start_(start),
      started_ns_(std::chrono::duration_cast<std::chrono::nanoseconds>(
                      std::chrono::steady_clock::now().time_since_epoch())
                      .count()) {}

int64_t ShiftedClock::now() const {
  int64_t ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                   std::chrono::steady_clock::now().time_since_epoch())
                   .count();
  return start_ + (ns - started_ns_) / 1'000'000'000;
}

std::unique_ptr<Clock> clock_from_spec(std::string_view spec, std::string* error) {
  if (spec.empty()) return nullptr;
  auto t = parse_iso8601(spec);
  if (!t) {
    if (error) *error = "must be an ISO 8601 instant such as 2026-11-24T08:00:00+08:00";
    return nullptr;
  }
  return std::make_unique<ShiftedClock>(*t);
}

const Clock& Clock::system() {
  static SystemClock c;
  return c;
}

std::optional<int64_t> days_from_date(std::string_view s) {
  if (s.size() != 10 || !digits(s, 0, 4) || s[4] != '-' || !digits(s, 5, 2) || s[7] != '-' ||
      !digits(s, 8, 2)) {
    return std::nullopt;
  }
  using namespace std::chrono;
  year_month_day ymd{year{num(s, 0, 4)}, month{static_cast<unsigned>(num(s, 5, 2))},
                     day{static_cast<unsigned>(num(s, 8, 2))}};
  if (!ymd.ok()) return std::nullopt;
  return sys_days{ymd}.time_since_epoch().count();
}

bool is_date(std::string_view s) {
  return days_from_date(s).has_value();
}

std::string date_from_days(int64_t days) {
  using namespace std::chrono;
  year_month_day ymd{sys_days{std::chrono::days{days}}};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

std::string iso8601(int64_t t) {
  int64_t days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
  int64_t secs = t - days * 86400;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%sT%02d:%02d:%02dZ", date_from_days(days).c_str(),
                static_cast<int>(secs / 3600), static_cast<int>(secs / 60 % 60),
                static_cast<int>(secs % 60));
  return buf;
}

std::string http_date(int64_t t) {
  static constexpr const char* kDays[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  int64_t days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
  int64_t secs = t - days * 86400;
  using namespace std::chrono;
  year_month_day ymd{sys_days{std::chrono::days{days}}};
  char buf[40];
  std::snprintf(buf, sizeof buf, "%s, %02u %s %04d %02d:%02d:%02d GMT", kDays[((days % 7) + 7) % 7],
                static_cast<unsigned>(ymd.day()), kMonths[static_cast<unsigned>(ymd.month()) - 1],
                static_cast<int>(ymd.year()), static_cast<int>(secs / 3600),
                static_cast<int>(secs / 60 % 60), static_cast<int>(secs % 60));
  return buf;
}

std::optional<int64_t> parse_iso8601(std::string_view s) {
  auto days = days_from_date(s.substr(0, 10));
  if (!days) return std::nullopt;
  if (s.size() == 10) return *days * 86400;
  if (s.size() < 19 || (s[10] != 'T' && s[10] != ' ') || !digits(s, 11, 2) || s[13] != ':' ||
      !digits(s, 14, 2) || s[16] != ':' || !digits(s, 17, 2)) {
    return std::nullopt;
  }
  int h = num(s, 11, 2), m = num(s, 14, 2), sec = num(s, 17, 2);
  if (h > 23 || m > 59 || sec > 60) return std::nullopt;
  size_t p = 19;
  if (p < s.size() && s[p] == '.') {
    ++p;
    while (p < s.size() && s[p] >= '0' && s[p] <= '9') ++p;
  }
  int64_t offset = 0;
  if (p < s.size()) {
    if (s[p] == 'Z' && p + 1 == s.size()) {
    } else if ((s[p] == '+' || s[p] == '-') && s.size() == p + 6 && digits(s, p + 1, 2) &&
               s[p + 3] == ':' && digits(s, p + 4, 2)) {
      offset = (num(s, p + 1, 2) * 3600 + num(s, p + 4, 2) * 60) * (s[p] == '+' ? 1 : -1);
    } else {
      return std::nullopt;
    }
  }
  return *days * 86400 + h * 3600 + m * 60 + sec - offset;
}

std::string shanghai_date(int64_t t) {
  int64_t local = t + 8 * 3600;
  int64_t days = local >= 0 ? local / 86400 : (local - 86399) / 86400;
  return date_from_days(days);
}

}  // namespace kam
