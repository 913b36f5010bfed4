// The alert rule language: what parses, what is refused (and where), what matches.

#include <gtest/gtest.h>

#include <cmath>

#include "engine/rule_lang.h"

namespace kam::engine::rules {
namespace {

const double kNaN = std::nan("");

Schema member_schema() {
  Schema s;
  s.level = "member";
  s.max_history = 3;
  s.fields = {
      {"bill", Type::kNum, true},
      {"mou", Type::kNum, true},
      {"status", Type::kCat, true, false, {"normal", "suspended", "pre_cancelled", "cancelled"}},
      {"contract_end", Type::kNum, false, true},
      {"key_member", Type::kBool},
      {"zone", Type::kCat, true, false, {"none", "blue", "green", "yellow", "red", "white"}},
      {"industry", Type::kCat, false, false, {"金融", "教育"}, true},
      {"bill_drop_pct",
       Type::kNum,
       true,
       false,
       {},
       false,
       "(bill[-2] - bill[-1]) / bill[-2] * 100"},
  };
  return s;
}

// Five members over three months.
Batch members() {
  Schema s = member_schema();
  Batch b;
  b.rows = 5;
  b.ref_day = 20000;
  auto num = [&](const char* f, int off, std::vector<double> v) {
    b.num[Input{s.index(f), off}] = std::move(v);
  };
  auto cat = [&](const char* f, int off, std::vector<int32_t> v) {
    b.cat[Input{s.index(f), off}] = std::move(v);
  };
  num("bill", 1, {50, 150, 120, kNaN, 0});
  num("bill", 2, {100, 150, 200, 80, 0});
  num("bill", 3, {100, 140, 210, 80, 0});
  num("mou", 1, {300, 100, 250, 10, 0});
  num("mou", 2, {300, 300, 250, 10, 0});
  num("contract_end", 1, {20030, 20100, kNaN, 19990, 20060});
  num("key_member", 1, {1, 0, 1, 0, 0});
  cat("status", 1, {0, 1, 0, -1, 2});
  cat("zone", 1, {3, 4, 2, -1, 5});
  cat("zone", 2, {2, 2, 2, 2, 5});
  cat("industry", 1, {0, 1, 0, 1, -1});
  return b;
}

std::vector<int> matches(const std::string& text) {
  auto p = Program::compile(text, member_schema());
  EXPECT_TRUE(p.ok()) << text << ": " << (p.ok() ? "" : p.error().message);
  if (!p.ok()) return {};
  std::vector<uint8_t> out;
  auto st = p->evaluate(members(), out);
  EXPECT_TRUE(st.ok()) << st.error().message;
  std::vector<int> rows;
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i]) rows.push_back(static_cast<int>(i));
  }
  return rows;
}

TEST(RuleLanguage, MatchesRowsLikeTheSeedsDescribe) {
  struct Case {
    std::string rule;
    std::vector<int> rows;
  } cases[] = {
      // The yellow zone written out: good the month before, bill below A last month.
      {"bill[-2] >= 100 and mou[-2] >= 200 and bill[-1] < 100", {0}},
      {"bill >= 100", {1, 2}},         // no offset = the run month
      {"bill_drop_pct > 30", {0, 2}},  // (100-50)/100, (200-120)/200
      {"bill_drop_pct[-2] < 0", {1}},  // the month before grew: 140 -> 150
      {"days_to(contract_end) <= 60 and days_to(contract_end) >= 0", {0, 4}},
      {"status == \"suspended\" or status = 'pre_cancelled'", {1, 4}},
      {"status != 'normal'", {1, 4}},  // unknown status (row 3) matches neither
      {"status in ('suspended', 'cancelled')", {1}},
      {"status not in ('normal')", {1, 4}},
      {"zone == 'yellow' and zone[-2] != 'yellow'", {0}},
      {"zone != zone[-2]", {0, 1}},
      {"key_member and not (bill < 100)", {2}},
      {"industry == '金融'", {0, 2}},
      {"industry == '能源'", {}},  // an open category: never matches, not an error
      {"abs(bill - bill[-2]) >= 50 OR mou / mou[-2] < 0.5", {0, 1, 2}},
      {"max(bill, 100) == 100 && min(bill, mou) > 40", {0}},
      {"bill > 0 / 0", {}},  // unknown is never true
      {"true", {0, 1, 2, 3, 4}},
  };
  for (const auto& c : cases) EXPECT_EQ(matches(c.rule), c.rows) << c.rule;
}

TEST(RuleLanguage, ErrorsNameThePosition) {
  struct Case {
    std::string rule;
    size_t position;
    std::string says;
  } cases[] = {
      {"", 1, "empty"},
      {"bill >= ", 9, "ends too early"},
      {"bil >= 100", 1, "did you mean bill"},
      {"bill >= 100 and", 16, "ends too early"},
      {"bill >= 100 mou", 13, "expected the end"},
      {"bill[-7] > 1", 1, "at most 3 months"},
      {"contract_end[-2] > 1", 1, "no monthly history"},
      {"bill[2] > 1", 5, "month offset"},
      {"status == 'lost'", 11, "not a value of status"},
      {"bill + status > 1", 8, "needs a number"},
      {"bill and mou", 1, "needs a condition"},
      {"bill", 1, "needs a condition"},
      {"1 < bill < 3", 10, "do not chain"},
      {"days_to(bill) < 3", 9, "date field"},
      {"share_of_members(bill > 1) > 0.5", 1, "customer rules"},
      {"frobnicate(bill) > 1", 1, "unknown function"},
      {"bill > 'x'", 8, "category field"},
      {"\"open", 1, "never closed"},
      {"bill # 2", 6, "unexpected '#'"},
      {"账单 > 1", 1, "unexpected '账'"},
      {"status == '已停机' and bill ¥ 1", 26, "unexpected '¥'"},  // positions count characters
  };
  for (const auto& c : cases) {
    auto p = Program::compile(c.rule, member_schema());
    ASSERT_FALSE(p.ok()) << c.rule;
    EXPECT_EQ(p.error().field, "condition");
    EXPECT_EQ(error_position(p.error()), c.position) << c.rule << ": " << p.error().message;
    EXPECT_NE(p.error().message.find(c.says), std::string::npos)
        << c.rule << ": " << p.error().message;
  }
}

TEST(RuleLanguage, CustomerRulesAggregateTheirMembers) {
  Schema ms = member_schema();
  Schema cs;
  cs.level = "customer";
  cs.members = &ms;
  cs.fields = {{"revenue", Type::kNum, true},
               {"kind", Type::kCat, false, false, {"group", "individual"}}};
  auto p = Program::compile(
      "kind == 'group' and share_of_members(bill_drop_pct > 30) >= 0.5 and "
      "count_members(key_member) >= 1",
      cs);
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_TRUE(p->has_aggregates());
  Batch customers;
  customers.rows = 3;
  customers.cat[Input{cs.index("kind"), 1}] = {0, 0, 1};
  customers.num[Input{cs.index("revenue"), 1}] = {1, 2, 3};
  Batch m = members();
  // Members 0 and 1 belong to customer 0 (one of them dropped 50 %), 2 and 3 to customer 1
  // (member 2 dropped 40 %, member 3 has no bill), 4 to customer 2.
  std::vector<int32_t> owner = {0, 0, 1, 1, 2};
  std::vector<uint8_t> out;
  ASSERT_TRUE(p->evaluate(customers, out, &m, &owner).ok());
  EXPECT_EQ(out, (std::vector<uint8_t>{1, 1, 0}));
  auto avg = Program::compile("avg_members(bill) > 100 and sum_members(mou) >= 260", cs);
  ASSERT_TRUE(avg.ok()) << avg.error().message;
  ASSERT_TRUE(avg->evaluate(customers, out, &m, &owner).ok());
  // Customer 0 averages exactly 100; customer 1 averages 120 (the member without a bill does
  // not count) with 250 + 10 minutes.
  EXPECT_EQ(out, (std::vector<uint8_t>{0, 1, 0}));
}

TEST(RuleLanguage, LargeBatchesEvaluateInChunks) {
  Schema s = member_schema();
  Batch b;
  b.rows = 100'003;  // not a multiple of the chunk size
  std::vector<double> bill(b.rows), prev(b.rows);
  for (size_t i = 0; i < b.rows; ++i) {
    bill[i] = static_cast<double>(i % 200);
    prev[i] = 150;
  }
  b.num[Input{s.index("bill"), 1}] = bill;
  b.num[Input{s.index("bill"), 2}] = prev;
  auto p = Program::compile("bill_drop_pct >= 50", s);
  ASSERT_TRUE(p.ok());
  std::vector<uint8_t> out;
  ASSERT_TRUE(p->evaluate(b, out).ok());
  size_t hits = 0;
  for (size_t i = 0; i < b.rows; ++i) {
    bool want = (150.0 - bill[i]) / 150.0 * 100 >= 50;
    EXPECT_EQ(out[i] != 0, want) << i;
    hits += out[i];
  }
  EXPECT_GT(hits, 0u);
  // The program reads exactly the columns it names (the macro's included).
  EXPECT_EQ(p->inputs(), (std::set<Input>{{s.index("bill"), 1}, {s.index("bill"), 2}}));
}

}  // namespace
}  // namespace kam::engine::rules
