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

// The error a condition gets: its position and whether the message says `says`.
::testing::AssertionResult refused(const std::string& rule, size_t position,
                                   const std::string& says) {
  auto p = Program::compile(rule, member_schema());
  if (p.ok()) return ::testing::AssertionFailure() << "compiled";
  if (p.error().field != "condition" || error_position(p.error()) != position ||
      p.error().message.find(says) == std::string::npos) {
    return ::testing::AssertionFailure() << p.error().field << ": " << p.error().message;
  }
  return ::testing::AssertionSuccess();
}

TEST(RuleLanguage, DeepNestingIsRefusedNotACrash) {
  // Each level of parentheses cost the parser some eight stack frames and nothing bounded them:
  // 100,000 of them overflowed the stack of the worker compiling the rule.
  EXPECT_TRUE(refused(std::string(100'000, '('), 65, "nested more than 64 levels"));
  EXPECT_TRUE(refused(std::string(5'000, '(') + "bill" + std::string(5'000, ')') + " > 1", 65,
                      "nested more than 64 levels"));
  std::string nots, minus, calls, close;
  for (int i = 0; i < 65; ++i) {
    nots += "not ";
    minus += "-";
    calls += "abs(";
    close += ")";
  }
  EXPECT_TRUE(refused(nots + "key_member", 4 * 64 + 1, "nested more than 64 levels"));
  EXPECT_TRUE(refused(minus + "bill > 1", 65, "nested more than 64 levels"));
  EXPECT_TRUE(refused(calls + "bill" + close + " > 1", 4 * 64 + 4, "nested more than 64 levels"));
  // 64 levels are fine, and mean what they say.
  std::string deep = std::string(64, '(') + "bill" + std::string(64, ')') + " >= 100";
  EXPECT_EQ(matches(deep), matches("bill >= 100"));
  EXPECT_EQ(matches(nots.substr(4) + "key_member"), matches("key_member"));
  EXPECT_EQ(matches(calls.substr(4) + "bill" + close.substr(1) + " > 100"),
            matches("abs(bill) > 100"));
}

TEST(RuleLanguage, LongConditionsAreRefusedAtTheLimit) {
  std::string rule = "bill > 1 and status in ('normal'";
  while (rule.size() <= 4000) rule += ", 'suspended'";
  rule += ")";
  EXPECT_TRUE(refused(rule, 4001, "longer than 4000 bytes"));
  // Positions count characters: with Chinese text before it, the limit is an earlier position.
  std::string chinese = "industry in ('金融'";
  while (chinese.size() <= 4000) chinese += ", '教育'";
  chinese += ")";
  size_t chars = 0;
  for (size_t i = 0; i < 4000; ++i)
    chars += (static_cast<unsigned char>(chinese[i]) & 0xC0) != 0x80;
  EXPECT_TRUE(refused(chinese, chars + 1, "longer than 4000 bytes"));
  // A problem before the limit is the first in the text, and the one named.
  EXPECT_TRUE(refused("bill # " + rule, 6, "unexpected '#'"));
}

TEST(RuleLanguage, LongChainsAreRefusedBeforeTheStackRunsOut) {
  // The parser reads a chain in a loop, but the compiler and the evaluation recurse over the
  // tree: 1,330 times "*-1" (under 4,000 bytes) overflowed the stack of a sanitizer build.
  std::string chain = "bill";
  for (int i = 0; i < 254; ++i) chain += " + bill";
  EXPECT_EQ(matches(chain + " > 100"), matches("bill > 0"));  // 256 levels: fine
  EXPECT_TRUE(refused(chain + " + bill > 100", chain.size() + 9,
                      "chains or nests more than 256 operators"));
  std::string ones = "1";
  for (int i = 0; i < 1330; ++i) ones += "*-1";
  // "1 * -1" is already three levels high: the 255th '*' is one too many.
  EXPECT_TRUE(refused(ones + " > 0", 1 + 3 * 254 + 1, "chains or nests more than 256 operators"));
}

TEST(RuleLanguage, HugeMonthOffsetsAreRefusedNotWrapped) {
  // Offsets beyond an int used to wrap (undefined behaviour): [-2147483648] became a negative
  // offset that passed the history check and compiled a column that never exists.
  EXPECT_TRUE(refused("bill[-2147483648] > 1", 7, "out of range"));
  EXPECT_TRUE(refused("bill[-4294967297] > 1", 7, "out of range"));
  EXPECT_TRUE(refused("bill[-" + std::string(400, '9') + "] > 1", 7, "out of range"));
  EXPECT_TRUE(refused("bill_drop_pct[-99999999999] > 1", 16, "out of range"));
  EXPECT_TRUE(refused("bill[-1201] > 1", 7, "out of range"));
  // Within range, the schema's own limit speaks.
  EXPECT_TRUE(refused("bill[-1200] > 1", 1, "at most 3 months"));
  EXPECT_TRUE(refused("bill[-", 7, "ends too early"));
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
