#include "domain/care_rules.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "common/clock.h"
#include "domain/usage_fields.h"

namespace kam::domain {

using json = nlohmann::json;

const std::vector<std::string>& care_kinds() {
  static const std::vector<std::string> k = {"birthday",      "holiday",          "contract_expiry",
                                             "points_expiry", "payment_reminder", "anniversary",
                                             "arrears",       "competitor"};
  return k;
}

bool is_care_kind(std::string_view kind) {
  const auto& k = care_kinds();
  return std::find(k.begin(), k.end(), kind) != k.end();
}

const std::vector<std::string>& care_states() {
  static const std::vector<std::string> s = {"open", "done", "skipped"};
  return s;
}

std::vector<std::string> care_transitions(std::string_view from) {
  if (from == "open") return {"done", "skipped"};
  // A closed task can be reopened (closed by mistake); it cannot jump from done to skipped,
  // which would rewrite what happened.
  if (from == "done" || from == "skipped") return {"open"};
  return {};
}

namespace {

struct OperatorName {
  Operator op;
  const char* code;
  const char* zh;
  std::vector<std::string> aliases;  // lower-case ASCII or exact Chinese
};

const std::vector<OperatorName>& operators() {
  static const std::vector<OperatorName> v = {
      {Operator::kCmcc,
       "cmcc",
       "中国移动",
       {"cmcc", "中国移动", "移动", "china mobile", "chinamobile", "mobile", "cm"}},
      {Operator::kUnicom,
       "unicom",
       "中国联通",
       {"unicom", "cucc", "中国联通", "联通", "china unicom", "chinaunicom", "cu"}},
      {Operator::kTelecom,
       "telecom",
       "中国电信",
       {"telecom", "ctcc", "中国电信", "电信", "china telecom", "chinatelecom", "ct"}},
      {Operator::kBroadnet,
       "broadnet",
       "中国广电",
       {"broadnet", "cbn", "中国广电", "广电", "china broadnet", "cbnet"}},
      {Operator::kOther,
       "other",
       "其他",
       {"other", "其他", "其它", "international", "国际", "虚拟运营商", "mvno"}},
  };
  return v;
}

std::string lower_trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  std::string out(s);
  for (auto& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

template <class T>
Status read_int(const json& j, const char* key, int64_t lo, int64_t hi, T& out) {
  if (!j.contains(key)) return {};
  const auto& v = j[key];
  if (!v.is_number_integer()) return Error::invalid(key, "must be a whole number");
  int64_t n = v.get<int64_t>();
  if (n < lo || n > hi) {
    return Error::invalid(key,
                          "must be between " + std::to_string(lo) + " and " + std::to_string(hi));
  }
  out = static_cast<T>(n);
  return {};
}

int year_of(std::string_view d) {
  return std::stoi(std::string(d.substr(0, 4)));
}

}  // namespace

const char* operator_code(Operator o) {
  for (const auto& n : operators()) {
    if (n.op == o) return n.code;
  }
  return "other";
}

const char* operator_name_zh(Operator o) {
  for (const auto& n : operators()) {
    if (n.op == o) return n.zh;
  }
  return "其他";
}

std::optional<Operator> parse_operator(std::string_view text) {
  std::string t = lower_trim(text);
  for (const auto& n : operators()) {
    for (const auto& a : n.aliases) {
      if (a == t) return n.op;
    }
  }
  return std::nullopt;
}

json CareConfig::to_json() const {
  return {{"birthday_days", birthday_days},
          {"holiday_days", holiday_days},
          {"anniversary_days", anniversary_days},
          {"contract_days", contract_days},
          {"points_days", points_days},
          {"points_min_balance", points_min_balance},
          {"competitor_bundle_days", competitor_bundle_days},
          {"event_days", event_days},
          {"holiday_tiers", holiday_tiers},
          {"family_min_calls", family_min_calls},
          {"family_min_tenure_months", family_min_tenure_months},
          {"cdr_store_min_calls", cdr_store_min_calls},
          {"home_operator", home_operator}};
}

Result<CareConfig> CareConfig::from_json(const json& j) {
  if (!j.is_object())
    return Error::invalid("config", "the care configuration must be a JSON object");
  static const std::set<std::string> known = {
      "birthday_days", "holiday_days",       "anniversary_days",         "contract_days",
      "points_days",   "points_min_balance", "competitor_bundle_days",   "event_days",
      "holiday_tiers", "family_min_calls",   "family_min_tenure_months", "cdr_store_min_calls",
      "home_operator"};
  for (const auto& [k, v] : j.items()) {
    if (!known.count(k)) return Error::invalid(k, "is not a setting of the care configuration");
  }
  CareConfig c;
  for (auto s : {read_int(j, "birthday_days", 0, 90, c.birthday_days),
                 read_int(j, "holiday_days", 0, 90, c.holiday_days),
                 read_int(j, "anniversary_days", 0, 90, c.anniversary_days),
                 read_int(j, "contract_days", 0, 365, c.contract_days),
                 read_int(j, "points_days", 0, 365, c.points_days),
                 read_int(j, "points_min_balance", 0, 1'000'000'000, c.points_min_balance),
                 read_int(j, "competitor_bundle_days", 0, 365, c.competitor_bundle_days),
                 read_int(j, "event_days", 0, 60, c.event_days),
                 read_int(j, "family_min_calls", 1, 10'000, c.family_min_calls),
                 read_int(j, "family_min_tenure_months", 0, 600, c.family_min_tenure_months),
                 read_int(j, "cdr_store_min_calls", 1, 1'000, c.cdr_store_min_calls)}) {
    if (!s) return s.error();
  }
  if (j.contains("holiday_tiers")) {
    static const std::set<std::string> tiers = {"gold", "silver", "bronze", "do_not_serve"};
    const auto& a = j["holiday_tiers"];
    if (!a.is_array())
      return Error::invalid("holiday_tiers",
                            "must be a list of tiers (gold, silver, bronze, do_not_serve)");
    c.holiday_tiers.clear();
    for (const auto& t : a) {
      if (!t.is_string() || !tiers.count(t.get<std::string>())) {
        return Error::invalid("holiday_tiers",
                              "must be a list of tiers (gold, silver, bronze, do_not_serve)");
      }
      c.holiday_tiers.push_back(t.get<std::string>());
    }
  }
  if (j.contains("home_operator")) {
    const auto& v = j["home_operator"];
    auto op = v.is_string() ? parse_operator(v.get<std::string>()) : std::nullopt;
    if (!op || *op == Operator::kOther) {
      return Error::invalid("home_operator", "must be cmcc, unicom, telecom or broadnet");
    }
    c.home_operator = operator_code(*op);
  }
  if (c.family_min_calls < c.cdr_store_min_calls) {
    return Error::invalid("family_min_calls", "must be at least cdr_store_min_calls (" +
                                                  std::to_string(c.cdr_store_min_calls) +
                                                  "): fewer calls are not kept from call records");
  }
  return c;
}

Operator CareConfig::home() const {
  return parse_operator(home_operator).value_or(Operator::kCmcc);
}

std::optional<std::string> next_yearly(std::string_view date, std::string_view today) {
  if (!is_date(date) || !is_date(today)) return std::nullopt;
  std::string md(date.substr(5));
  for (int year = year_of(today); year <= year_of(today) + 1; ++year) {
    std::string m = md;
    if (m == "02-29" && !is_date(fmt::format("{:04d}-02-29", year))) m = "02-28";
    std::string candidate = fmt::format("{:04d}-{}", year, m);
    if (candidate >= today) return candidate;
  }
  return std::nullopt;
}

std::optional<int64_t> days_between(std::string_view from, std::string_view to) {
  auto a = days_from_date(from), b = days_from_date(to);
  if (!a || !b) return std::nullopt;
  return *b - *a;
}

bool within_days(std::string_view date, std::string_view today, int days) {
  auto d = days_between(today, date);
  return d && *d >= 0 && *d <= days;
}

int years_between(std::string_view origin, std::string_view date) {
  if (!is_date(origin) || !is_date(date)) return 0;
  int years = year_of(date) - year_of(origin);
  std::string o(origin.substr(5)), d(date.substr(5));
  // Someone born on Feb 29 has their anniversary on Feb 28 in ordinary years.
  if (o == "02-29" && d == "02-28" && !is_date(std::string(date.substr(0, 4)) + "-02-29"))
    o = "02-28";
  if (d < o) --years;
  return std::max(0, years);
}

std::string payment_deadline(int usage_month) {
  int next = month_add(usage_month, 1);
  return fmt::format("{}-{:02d}", month_text(next), days_in_month(next));
}

std::string md_zh(std::string_view date) {
  if (!is_date(date)) return std::string(date);
  return fmt::format("{}月{}日", std::stoi(std::string(date.substr(5, 2))),
                     std::stoi(std::string(date.substr(8, 2))));
}

std::string month_zh(int yyyymm) {
  return fmt::format("{}年{}月", yyyymm / 100, yyyymm % 100);
}

std::string yuan_text(int64_t fen) {
  bool neg = fen < 0;
  uint64_t v = neg ? static_cast<uint64_t>(-(fen + 1)) + 1 : static_cast<uint64_t>(fen);
  std::string whole = std::to_string(v / 100);
  std::string grouped;
  for (size_t i = 0; i < whole.size(); ++i) {
    if (i > 0 && (whole.size() - i) % 3 == 0) grouped += ',';
    grouped += whole[i];
  }
  return fmt::format("{}¥{}.{:02d}", neg ? "-" : "", grouped, v % 100);
}

namespace {

std::string person_text(const PersonRef& p) {
  std::string inner = p.title.empty() ? p.customer : p.title + "，" + p.customer;
  return inner.empty() ? p.name : p.name + "（" + inner + "）";
}

}  // namespace

std::string birthday_title(const PersonRef& p, std::string_view date) {
  return "生日关怀：" + person_text(p) + " " + md_zh(date) + "生日";
}

std::string holiday_title(const PersonRef& p, std::string_view holiday_name) {
  return "节日关怀：" + std::string(holiday_name) + "问候 " + person_text(p);
}

std::string contract_title(std::string_view customer, std::string_view contract_title,
                           std::string_view end_date) {
  return fmt::format("协议到期：{}「{}」将于{}到期，提前洽谈续约", customer, contract_title,
                     end_date);
}

std::string member_contracts_title(std::string_view customer, int64_t members,
                                   std::string_view earliest) {
  return fmt::format("协议到期：{} {} 个成员号码的合约即将到期（最早 {}），提前续约", customer,
                     members, earliest);
}

std::string points_title(std::string_view customer, int64_t members, int64_t points,
                         std::string_view expiry) {
  return fmt::format("积分到期：{} {} 个号码共 {} 积分将于{}到期，提醒兑换", customer, members,
                     points, expiry);
}

std::string payment_title(std::string_view customer, int64_t members, int64_t arrears_fen,
                          int usage_month) {
  return fmt::format("缴费提醒：{} {} 个号码{}账期欠费 {}，请于{}前缴清", customer, members,
                     month_zh(usage_month), yuan_text(arrears_fen), payment_deadline(usage_month));
}

std::string arrears_title(std::string_view customer, int64_t members, int64_t arrears_fen,
                          int usage_month) {
  return fmt::format("欠费关怀：{} {} 个号码连续两个月欠费（截至{}共 {}），了解原因、防止停机",
                     customer, members, month_zh(usage_month), yuan_text(arrears_fen));
}

std::string anniversary_title(std::string_view customer, int years, std::string_view opened) {
  return fmt::format("开户周年：{} 入网 {} 周年（{} 开户），送上感谢", customer, years, opened);
}

std::string competitor_calls_title(std::string_view customer, int64_t members, int64_t calls,
                                   int usage_month) {
  return fmt::format("竞争对手接触：{} {} 个号码{}拨打竞争对手客服 {} 次，尽快回访", customer,
                     members, month_zh(usage_month), calls);
}

std::string competitor_bundle_title(std::string_view customer, std::string_view operator_name,
                                    std::string_view services, std::string_view end_date) {
  std::string what = services.empty() ? std::string(operator_name)
                                      : fmt::format("{}（{}）", operator_name, services);
  return fmt::format("竞争对手合约到期：{} 在{}的合约将于{}到期，抢先接洽", customer, what,
                     end_date);
}

std::string latest_join_date(int yyyymm, int months) {
  int m = month_add(yyyymm, -months);
  return fmt::format("{}-{:02d}", month_text(m), days_in_month(m));
}

bool tenure_at_least(std::string_view join_date, int yyyymm, int months) {
  if (!is_date(join_date.substr(0, 10))) return false;
  return join_date.substr(0, 10) <= latest_join_date(yyyymm, months);
}

}  // namespace kam::domain
