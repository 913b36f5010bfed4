// Care calendar rules: dates (birthdays on Feb 29, windows across the year end, payment
// deadlines, tenure), transitions, operators, titles and the configuration.

#include <gtest/gtest.h>

#include "domain/care_rules.h"

namespace kam::domain {
namespace {

TEST(CareDates, NextYearlyOccurrence) {
  struct Case {
    const char* date;
    const char* today;
    const char* next;
  };
  const Case cases[] = {
      {"1980-11-25", "2026-11-20", "2026-11-25"},  // later this year
      {"1980-11-20", "2026-11-20", "2026-11-20"},  // today counts
      {"1980-03-01", "2026-11-20", "2027-03-01"},  // passed: next year
      {"1980-01-02", "2026-12-28", "2027-01-02"},  // across the year end
      {"1988-02-29", "2026-02-20", "2026-02-28"},  // Feb 29 on Feb 28 in an ordinary year
      {"1988-02-29", "2028-02-20", "2028-02-29"},  // and on Feb 29 in a leap year
      {"1988-02-29", "2027-12-30", "2028-02-29"},  // next year is a leap year
      {"1988-02-29", "2026-03-01", "2027-02-28"},
  };
  for (const auto& c : cases) {
    auto next = next_yearly(c.date, c.today);
    ASSERT_TRUE(next) << c.date;
    EXPECT_EQ(*next, c.next) << c.date << " from " << c.today;
  }
  EXPECT_FALSE(next_yearly("1980-13-01", "2026-11-20"));
  EXPECT_FALSE(next_yearly("1980-01-01", "yesterday"));
}

TEST(CareDates, WindowsAndYears) {
  EXPECT_TRUE(within_days("2027-01-01", "2026-12-28", 7));  // New Year seen from the old year
  EXPECT_TRUE(within_days("2026-12-28", "2026-12-28", 0));
  EXPECT_FALSE(within_days("2026-12-27", "2026-12-28", 7));  // past
  EXPECT_FALSE(within_days("2027-01-05", "2026-12-28", 7));
  EXPECT_EQ(days_between("2026-12-28", "2027-01-01"), 4);
  EXPECT_EQ(years_between("2018-11-28", "2026-11-28"), 8);
  EXPECT_EQ(years_between("2018-11-29", "2026-11-28"), 7);
  EXPECT_EQ(years_between("2024-02-29", "2025-02-28"), 1);  // a leap-day anniversary
  EXPECT_EQ(years_between("2026-11-28", "2026-11-28"), 0);
}

TEST(CareDates, PaymentDeadlineIsTheEndOfTheNextMonth) {
  EXPECT_EQ(payment_deadline(202610), "2026-11-30");
  EXPECT_EQ(payment_deadline(202612), "2027-01-31");
  EXPECT_EQ(payment_deadline(202701), "2027-02-28");
  EXPECT_EQ(payment_deadline(202801), "2028-02-29");
}

TEST(FamilyPlanRules, TenureAtTheEndOfTheMonth) {
  EXPECT_EQ(latest_join_date(202610, 12), "2025-10-31");
  EXPECT_EQ(latest_join_date(202602, 12), "2025-02-28");
  EXPECT_EQ(latest_join_date(202402, 12), "2023-02-28");
  EXPECT_TRUE(tenure_at_least("2025-10-31", 202610, 12));   // exactly a year at month end
  EXPECT_FALSE(tenure_at_least("2025-11-01", 202610, 12));  // a day short
  EXPECT_TRUE(tenure_at_least("2015-06-01", 202610, 12));
  EXPECT_TRUE(tenure_at_least("2026-10-01", 202610, 0));
  EXPECT_FALSE(tenure_at_least("not a date", 202610, 12));
}

TEST(CareStates, AllowedTransitionsOnly) {
  EXPECT_EQ(care_transitions("open"), (std::vector<std::string>{"done", "skipped"}));
  EXPECT_EQ(care_transitions("done"), (std::vector<std::string>{"open"}));
  EXPECT_EQ(care_transitions("skipped"), (std::vector<std::string>{"open"}));
  EXPECT_TRUE(care_transitions("lost").empty());
  EXPECT_TRUE(is_care_kind("birthday"));
  EXPECT_TRUE(is_care_kind("competitor"));
  EXPECT_FALSE(is_care_kind("Birthday"));
}

TEST(Operators, ChineseAndEnglishNames) {
  struct Case {
    const char* text;
    Operator op;
  };
  const Case cases[] = {{"中国移动", Operator::kCmcc},     {"CMCC", Operator::kCmcc},
                        {" 移动 ", Operator::kCmcc},       {"中国联通", Operator::kUnicom},
                        {"unicom", Operator::kUnicom},     {"China Unicom", Operator::kUnicom},
                        {"中国电信", Operator::kTelecom},  {"telecom", Operator::kTelecom},
                        {"中国广电", Operator::kBroadnet}, {"其他", Operator::kOther}};
  for (const auto& c : cases) {
    auto op = parse_operator(c.text);
    ASSERT_TRUE(op) << c.text;
    EXPECT_EQ(*op, c.op) << c.text;
  }
  EXPECT_FALSE(parse_operator("中国铁通"));
  EXPECT_FALSE(parse_operator(""));
  EXPECT_STREQ(operator_code(Operator::kUnicom), "unicom");
  EXPECT_STREQ(operator_name_zh(Operator::kTelecom), "中国电信");
}

TEST(CareTitles, NameThePersonAndTheFacts) {
  PersonRef p{"张伟", "总经理", "南京恒达科技有限公司"};
  EXPECT_EQ(birthday_title(p, "2026-12-02"),
            "生日关怀：张伟（总经理，南京恒达科技有限公司） 12月2日生日");
  EXPECT_EQ(holiday_title({"李娜", "", "苏州银行"}, "春节"), "节日关怀：春节问候 李娜（苏州银行）");
  EXPECT_EQ(yuan_text(123450), "¥1,234.50");
  EXPECT_EQ(yuan_text(5), "¥0.05");
  EXPECT_EQ(yuan_text(-100000), "-¥1,000.00");
  EXPECT_EQ(month_zh(202610), "2026年10月");
  EXPECT_NE(payment_title("某集团", 3, 48754, 202610).find("¥487.54"), std::string::npos);
  EXPECT_NE(payment_title("某集团", 3, 48754, 202610).find("2026-11-30"), std::string::npos);
  EXPECT_NE(anniversary_title("某集团", 8, "2018-11-28").find("8 周年"), std::string::npos);
}

TEST(CareConfig, DefaultsRoundTripAndBadValuesNameTheField) {
  auto d = CareConfig::from_json(nlohmann::json::object());
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->birthday_days, 7);
  EXPECT_EQ(d->contract_days, 60);
  EXPECT_EQ(d->points_days, 30);
  EXPECT_EQ(d->family_min_calls, 10);
  EXPECT_EQ(d->home(), Operator::kCmcc);
  auto again = CareConfig::from_json(d->to_json());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->to_json(), d->to_json());

  struct Case {
    nlohmann::json j;
    const char* field;
  };
  const Case bad[] = {
      {{{"birthday_days", -1}}, "birthday_days"},
      {{{"birthday_days", "seven"}}, "birthday_days"},
      {{{"contract_days", 1000}}, "contract_days"},
      {{{"holiday_tiers", {"platinum"}}}, "holiday_tiers"},
      {{{"home_operator", "中国铁通"}}, "home_operator"},
      {{{"family_min_calls", 2}}, "family_min_calls"},  // below what CDR imports keep
      {{{"no_such_setting", 1}}, "no_such_setting"},
  };
  for (const auto& c : bad) {
    auto r = CareConfig::from_json(c.j);
    ASSERT_FALSE(r.ok()) << c.j.dump();
    EXPECT_EQ(r.error().field, c.field) << c.j.dump();
  }
  auto lowered = CareConfig::from_json(
      {{"family_min_calls", 2}, {"cdr_store_min_calls", 2}, {"home_operator", "联通"}});
  ASSERT_TRUE(lowered.ok()) << lowered.error().message;
  EXPECT_EQ(lowered->home_operator, "unicom");
}

}  // namespace
}  // namespace kam::domain
