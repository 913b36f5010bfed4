#pragma once
// The monthly (and daily) usage record of one member, as delivered by the billing and
// analytics systems (SPEC §2). One table describes every field: its stable id in the stored
// column chunks, its CSV header names (English and Chinese), how its text is read and which
// values are plausible. The CSV importer, the column codec, the API and the rule language all
// work from this table.

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kam::domain {

// How a field's text in a file becomes the stored integer.
enum class UsageKind {
  kMoney,         // yuan with up to 2 decimals ("128.50") -> fen; a *_fen header takes integer fen
  kCount,         // non-negative integer (minutes, SMS, days, calls, points)
  kDecimalCount,  // a non-negative decimal rounded to an integer (data volume in MB)
  kDate,          // YYYY-MM-DD, YYYY/MM/DD or YYYYMMDD -> days since 1970-01-01; empty = none
  kStatus,        // member status code
};

// Stored value of a date field that is empty.
inline constexpr int64_t kNoDate = std::numeric_limits<int64_t>::min();

// Field ids are stored in the column chunks: never renumber or reuse one.
enum class UsageField : uint16_t {
  kBill = 1,
  kPackageFee = 2,
  kMou = 3,
  kDataMb = 4,
  kSms = 5,
  kZeroCallDays = 6,
  kCompetitorCalls = 7,
  kArrears = 8,
  kStatus = 9,
  kMinSpend = 10,
  kContractEnd = 11,
  kPointsBalance = 12,
  kPointsExpiry = 13,
  kVoiceRevenue = 14,
  kDataRevenue = 15,
  kSmsRevenue = 16,
  kOtherRevenue = 17,
  kDiscount = 18,
  kSubsidy = 19,
  kServiceCost = 20,
};

struct UsageFieldSpec {
  UsageField id;
  std::string name;                  // canonical name: API, rules, CSV header
  std::vector<std::string> aliases;  // other CSV header names
  UsageKind kind;
  int64_t max;  // larger values are "absurd" (in stored units)
  std::string description;
};

// Every usage field, in a stable order (the order of columns in memory).
const std::vector<UsageFieldSpec>& usage_fields();
// Index of a field in usage_fields(), or -1.
int usage_field_index(std::string_view name);
int usage_field_index(UsageField id);

// Member status in usage records (SPEC §3 white zone: suspended or pre-cancelled).
enum class MemberStatus : int64_t {
  kNormal = 0,
  kSuspended = 1,
  kPreCancelled = 2,
  kCancelled = 3
};
const char* member_status_name(int64_t code);
// "normal", "正常", "suspended", "停机", "pre_cancelled", "预销户", "cancelled", "销户" (and a few
// more).
std::optional<int64_t> parse_member_status(std::string_view text);

// A month as YYYYMM (202611). Parses "2026-11", "2026/11", "202611", "2026-11-01".
std::optional<int> parse_month(std::string_view text);
std::string month_text(int yyyymm);  // "2026-11"
int month_add(int yyyymm, int months);
int months_between(int from_yyyymm, int to_yyyymm);  // to - from, in months
int days_in_month(int yyyymm);

}  // namespace kam::domain
