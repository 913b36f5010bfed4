#pragma once
// Care calendar and family-plan rules (SPEC §3): the kinds of care task, their states and
// allowed transitions, the configuration (lead times, thresholds) with its defaults, the date
// rules (the next birthday or anniversary in a window, Feb 29 in ordinary years, the payment
// deadline of a bill) and the Chinese titles the tasks carry. Pure functions; CareService
// applies them to the archive and the usage store.

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace kam::domain {

// Stored names of the kinds of care task, in a stable order.
const std::vector<std::string>& care_kinds();
bool is_care_kind(std::string_view kind);

// States of a care task: open → done | skipped; done | skipped → open (reopened).
const std::vector<std::string>& care_states();
// The states a task may move to from `from` (empty for an unknown state).
std::vector<std::string> care_transitions(std::string_view from);

// Operators a call can go to. `kOther` covers anything else a switch reports (international,
// virtual operators).
enum class Operator { kCmcc, kUnicom, kTelecom, kBroadnet, kOther };
const char* operator_code(Operator o);     // "cmcc", "unicom", "telecom", "broadnet", "other"
const char* operator_name_zh(Operator o);  // "中国移动", …
// "中国移动", "移动", "cmcc", "China Mobile", "中国联通", "unicom", … (case-insensitive for ASCII).
std::optional<Operator> parse_operator(std::string_view text);

struct CareConfig {
  // Lead times: a task is generated this many days before its date.
  int birthday_days = 7;
  int holiday_days = 7;
  int anniversary_days = 7;
  int contract_days = 60;  // contracts (and members' contract_end) ending within this many days
  int points_days = 30;    // points expiring within this many days …
  int64_t points_min_balance = 1000;  // … when the balance is above this
  int competitor_bundle_days = 30;    // a competitor's bundle (customers.competitors) ending soon
  int event_days =
      3;  // moments seen in the latest usage month (arrears, competitor calls): due in N days
  // Holiday greetings go to key persons of customers in these value tiers (all customers when no
  // value has been computed yet).
  std::vector<std::string> holiday_tiers = {"gold", "silver"};

  // Family plan: tenure of at least family_min_tenure_months and family_min_calls calls to the
  // same other-operator number in a month.
  int family_min_calls = 10;
  int family_min_tenure_months = 12;
  // CDR aggregates with fewer calls than this are counted but not stored (they can never make a
  // candidate at any allowed threshold); family_min_calls may not go below it.
  int cdr_store_min_calls = 3;
  std::string home_operator = "cmcc";  // our own network: calls to it are on-net

  nlohmann::json to_json() const;
  // Every key optional (defaults apply); unknown keys and out-of-range values are refused with
  // the field named.
  static Result<CareConfig> from_json(const nlohmann::json& j);
  Operator home() const;
};

// Date rules. Dates are "YYYY-MM-DD" (Asia/Shanghai calendar days).

// The next date on or after `today` with the month and day of `date` (its year ignored): a
// birthday or an anniversary. Feb 29 falls on Feb 28 in ordinary years. nullopt for a bad date.
std::optional<std::string> next_yearly(std::string_view date, std::string_view today);
// Days from `from` to `to` (negative when `to` is earlier); nullopt for bad dates.
std::optional<int64_t> days_between(std::string_view from, std::string_view to);
// Whether `date` lies in [today, today + days].
bool within_days(std::string_view date, std::string_view today, int days);
// Full years from `origin` to `date` (an anniversary's count).
int years_between(std::string_view origin, std::string_view date);
// The deadline for paying the bill of a usage month (YYYYMM): the last day of the next month.
std::string payment_deadline(int usage_month);
// "2026-11-25" -> "11月25日"; "2026-11" style months: 202611 -> "2026年11月".
std::string md_zh(std::string_view date);
std::string month_zh(int yyyymm);
// 123450 -> "¥1,234.50"
std::string yuan_text(int64_t fen);

// Titles of care tasks (zh-CN, what the assignee reads in the inbox).
struct PersonRef {
  std::string name;
  std::string title;     // position, may be empty
  std::string customer;  // customer name
};
std::string birthday_title(const PersonRef& p, std::string_view date);
std::string holiday_title(const PersonRef& p, std::string_view holiday_name);
std::string contract_title(std::string_view customer, std::string_view contract_title,
                           std::string_view end_date);
std::string member_contracts_title(std::string_view customer, int64_t members,
                                   std::string_view earliest);
std::string points_title(std::string_view customer, int64_t members, int64_t points,
                         std::string_view expiry);
std::string payment_title(std::string_view customer, int64_t members, int64_t arrears_fen,
                          int usage_month);
std::string arrears_title(std::string_view customer, int64_t members, int64_t arrears_fen,
                          int usage_month);
std::string anniversary_title(std::string_view customer, int years, std::string_view opened);
std::string competitor_calls_title(std::string_view customer, int64_t members, int64_t calls,
                                   int usage_month);
std::string competitor_bundle_title(std::string_view customer, std::string_view operator_name,
                                    std::string_view services, std::string_view end_date);

// Tenure rule of the family plan: a member who joined on `join_date` has at least `months`
// months of tenure at the end of usage month `yyyymm`.
bool tenure_at_least(std::string_view join_date, int yyyymm, int months);
// The latest join date that still has `months` months of tenure at the end of `yyyymm`.
std::string latest_join_date(int yyyymm, int months);

}  // namespace kam::domain
