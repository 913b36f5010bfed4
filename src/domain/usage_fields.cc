#include "domain/usage_fields.h"

#include <array>
#include <cstdio>

namespace kam::domain {

// Long by design: the table of usage fields, one entry per field.
const std::vector<UsageFieldSpec>& usage_fields() {
  constexpr int64_t kYuan = 100;
  static const std::vector<UsageFieldSpec> all = {
      {UsageField::kBill,
       "bill_fen",
       {"bill", "bill_amount", "账单金额", "出账金额", "话费", "消费金额"},
       UsageKind::kMoney,
       10'000'000 * kYuan,
       "amount billed for the month"},
      {UsageField::kPackageFee,
       "package_fee_fen",
       {"package_fee", "套餐费", "套餐金额", "套餐值"},
       UsageKind::kMoney,
       1'000'000 * kYuan,
       "monthly fee of the member's package"},
      {UsageField::kMou,
       "mou",
       {"minutes", "outgoing_minutes", "主叫分钟数", "通话分钟数", "MOU"},
       UsageKind::kCount,
       44'640,
       "outgoing minutes of use"},
      {UsageField::kDataMb,
       "data_mb",
       {"data", "流量", "流量MB", "数据流量"},
       UsageKind::kDecimalCount,
       100'000'000,
       "data volume in MB"},
      {UsageField::kSms, "sms", {"短信", "短信条数"}, UsageKind::kCount, 1'000'000, "SMS sent"},
      {UsageField::kZeroCallDays,
       "zero_call_days",
       {"零通话天数", "零次通话天数"},
       UsageKind::kCount,
       31,
       "days of the month without a call"},
      {UsageField::kCompetitorCalls,
       "competitor_calls",
       {"竞争对手客服通话", "拨打竞争对手客服次数", "competitor_service_calls"},
       UsageKind::kCount,
       10'000,
       "calls to competitors' customer-service numbers"},
      {UsageField::kArrears,
       "arrears_fen",
       {"arrears", "欠费", "欠费金额"},
       UsageKind::kMoney,
       10'000'000 * kYuan,
       "unpaid amount at month end"},
      {UsageField::kStatus,
       "status",
       {"状态", "用户状态"},
       UsageKind::kStatus,
       3,
       "normal, suspended, pre_cancelled or cancelled"},
      {UsageField::kMinSpend,
       "min_spend_fen",
       {"min_spend", "minimum_spend", "保底消费", "最低消费承诺"},
       UsageKind::kMoney,
       1'000'000 * kYuan,
       "minimum-spend commitment (0: none)"},
      {UsageField::kContractEnd,
       "contract_end",
       {"contract_end_date", "协议到期日", "合约到期"},
       UsageKind::kDate,
       0,
       "end date of the member's contract"},
      {UsageField::kPointsBalance,
       "points_balance",
       {"points", "积分", "积分余额"},
       UsageKind::kCount,
       1'000'000'000,
       "points balance"},
      {UsageField::kPointsExpiry,
       "points_expiry",
       {"积分到期日", "积分有效期"},
       UsageKind::kDate,
       0,
       "when the points expire"},
      {UsageField::kVoiceRevenue,
       "voice_fen",
       {"voice", "语音收入"},
       UsageKind::kMoney,
       10'000'000 * kYuan,
       "revenue from voice"},
      {UsageField::kDataRevenue,
       "data_fen",
       {"data_revenue", "流量收入", "数据收入"},
       UsageKind::kMoney,
       10'000'000 * kYuan,
       "revenue from data"},
      {UsageField::kSmsRevenue,
       "sms_fen",
       {"sms_revenue", "短信收入"},
       UsageKind::kMoney,
       10'000'000 * kYuan,
       "revenue from SMS"},
      {UsageField::kOtherRevenue,
       "other_fen",
       {"other_revenue", "增值业务收入", "其他收入"},
       UsageKind::kMoney,
       10'000'000 * kYuan,
       "revenue from other (value-added, ICT) services"},
      {UsageField::kDiscount,
       "discount_fen",
       {"discount", "优惠金额", "折扣"},
       UsageKind::kMoney,
       10'000'000 * kYuan,
       "discounts granted"},
      {UsageField::kSubsidy,
       "subsidy_fen",
       {"subsidy", "补贴", "终端补贴"},
       UsageKind::kMoney,
       10'000'000 * kYuan,
       "subsidies (handsets, industry subsidies)"},
      {UsageField::kServiceCost,
       "service_cost_fen",
       {"service_cost", "服务成本"},
       UsageKind::kMoney,
       10'000'000 * kYuan,
       "cost to serve"},
  };
  return all;
}

int usage_field_index(std::string_view name) {
  const auto& f = usage_fields();
  for (size_t i = 0; i < f.size(); ++i) {
    if (f[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

int usage_field_index(UsageField id) {
  // Called in column loops (UsageFrame::col): a table by id instead of a search.
  static const std::array<int, 256> by_id = [] {
    std::array<int, 256> t;
    t.fill(-1);
    const auto& f = usage_fields();
    for (size_t i = 0; i < f.size(); ++i) t[static_cast<size_t>(f[i].id)] = static_cast<int>(i);
    return t;
  }();
  auto i = static_cast<size_t>(id);
  return i < by_id.size() ? by_id[i] : -1;
}

const char* member_status_name(int64_t code) {
  static const std::array<const char*, 4> names = {"normal", "suspended", "pre_cancelled",
                                                   "cancelled"};
  return code >= 0 && code < 4 ? names[static_cast<size_t>(code)] : "unknown";
}

std::optional<int64_t> parse_member_status(std::string_view t) {
  while (!t.empty() && t.front() == ' ') t.remove_prefix(1);
  while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
  struct Alias {
    std::string_view text;
    MemberStatus code;
  };
  static const Alias aliases[] = {
      {"", MemberStatus::kNormal},
      {"normal", MemberStatus::kNormal},
      {"active", MemberStatus::kNormal},
      {"正常", MemberStatus::kNormal},
      {"在网", MemberStatus::kNormal},
      {"0", MemberStatus::kNormal},
      {"suspended", MemberStatus::kSuspended},
      {"停机", MemberStatus::kSuspended},
      {"欠费停机", MemberStatus::kSuspended},
      {"1", MemberStatus::kSuspended},
      {"pre_cancelled", MemberStatus::kPreCancelled},
      {"pre-cancelled", MemberStatus::kPreCancelled},
      {"预销户", MemberStatus::kPreCancelled},
      {"预拆机", MemberStatus::kPreCancelled},
      {"2", MemberStatus::kPreCancelled},
      {"cancelled", MemberStatus::kCancelled},
      {"canceled", MemberStatus::kCancelled},
      {"销户", MemberStatus::kCancelled},
      {"离网", MemberStatus::kCancelled},
      {"拆机", MemberStatus::kCancelled},
      {"3", MemberStatus::kCancelled},
  };
  for (const auto& a : aliases) {
    if (a.text.size() != t.size()) continue;
    bool eq = true;
    for (size_t i = 0; i < t.size() && eq; ++i) {
      char c = t[i];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      eq = c == a.text[i];
    }
    if (eq) return static_cast<int64_t>(a.code);
  }
  return std::nullopt;
}

std::optional<int> parse_month(std::string_view t) {
  // At most 4 digits: every part of a month (or its day) fits, and nothing can overflow.
  auto digits = [](std::string_view s, int& out) {
    if (s.empty() || s.size() > 4) return false;
    out = 0;
    for (char c : s) {
      if (c < '0' || c > '9') return false;
      out = out * 10 + (c - '0');
    }
    return true;
  };
  int y = 0, m = 0;
  if (t.size() == 6 && digits(t.substr(0, 4), y) && digits(t.substr(4, 2), m)) {
  } else if (t.size() >= 7 && (t[4] == '-' || t[4] == '/') && digits(t.substr(0, 4), y)) {
    std::string_view rest = t.substr(5);
    size_t end = rest.find_first_of("-/");
    if (end != std::string_view::npos) {
      // "2026-11-01": a day is allowed but must look like one.
      int d = 0;
      if (!digits(rest.substr(end + 1), d) || d < 1 || d > 31) return std::nullopt;
      rest = rest.substr(0, end);
    }
    if (rest.size() < 1 || rest.size() > 2 || !digits(rest, m)) return std::nullopt;
  } else {
    return std::nullopt;
  }
  if (y < 1990 || y > 2999 || m < 1 || m > 12) return std::nullopt;
  return y * 100 + m;
}

std::string month_text(int ym) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d", ym / 100, ym % 100);
  return buf;
}

int month_add(int ym, int months) {
  int idx = (ym / 100) * 12 + (ym % 100 - 1) + months;
  return (idx / 12) * 100 + idx % 12 + 1;
}

int months_between(int from, int to) {
  return ((to / 100) * 12 + to % 100) - ((from / 100) * 12 + from % 100);
}

int days_in_month(int ym) {
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int y = ym / 100, m = ym % 100;
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : days[m - 1];
}

}  // namespace kam::domain
