// Call-detail records: parsing (numbers, start times, operators, encodings), bad rows named
// with line and column, and the aggregation per month, member and other-operator number.

#include <gtest/gtest.h>

#include <random>

#include "common/text_encoding.h"
#include "engine/cdr_import.h"

namespace kam::engine {
namespace {

using domain::Operator;

MemberDirectory directory() {
  MemberDirectory d;
  d.add("13800000001", {1, 100});
  d.add("13800000002", {2, 100});
  d.add("13900000003", {3, 200});
  return d;
}

CdrOptions options(int threads = 1) {
  CdrOptions o;
  o.latest_month = 202611;
  o.threads = threads;
  o.store_min_calls = 1;
  return o;
}

const CdrPair* find(const ParsedCdrs& p, int month, int64_t member, const std::string& callee) {
  for (const auto& x : p.pairs) {
    if (x.month == month && x.member_id == member && x.callee == callee) return &x;
  }
  return nullptr;
}

TEST(CdrParts, NumbersAndStartTimes) {
  EXPECT_EQ(cdr_number("13800000001"), "13800000001");
  EXPECT_EQ(cdr_number(" +8613800000001 "), "13800000001");
  EXPECT_EQ(cdr_number("02584001234"), "02584001234");
  EXPECT_FALSE(cdr_number("138-0000-0001"));
  EXPECT_FALSE(cdr_number("12"));
  EXPECT_FALSE(cdr_number("1234567890123456"));
  EXPECT_FALSE(cdr_number(""));

  struct Case {
    const char* text;
    int month;  // 0: refused
  };
  const Case cases[] = {
      {"2026-10-03 08:12:45", 202610},
      {"2026/10/3 8:05", 202610},
      {"2026-10-03T08:12:45", 202610},
      {"20261003081245", 202610},
      {"2026-10-31 23:59:59.5", 202610},
      {"2026-01-01", 202601},
      {"2026-02-29 10:00:00", 0},
      {"2026-10-03 24:00:00", 0},
      {"2026-13-01 10:00:00", 0},
      {"03/10/2026 08:00", 0},
      {"yesterday", 0},
      {"", 0},
  };
  for (const auto& c : cases) {
    auto m = cdr_month(c.text);
    if (c.month) {
      ASSERT_TRUE(m) << c.text;
      EXPECT_EQ(*m, c.month) << c.text;
    } else {
      EXPECT_FALSE(m) << c.text;
    }
  }
}

TEST(CdrImport, AggregatesCallsOfMembersToOtherOperators) {
  std::string csv =
      "主叫号码,被叫号码,被叫运营商,开始时间,通话时长\n"
      "13800000001,13012345678,中国联通,2026-10-01 08:00:00,61\n"   // 2 minutes
      "13800000001,13012345678,联通,2026-10-02 09:00:00,60\n"       // 1 minute
      "+8613800000001,13012345678,unicom,2026-10-03 10:00:00,0\n"   // a call of 0 minutes
      "13800000001,18912345678,中国电信,2026-09-30 23:59:59,125\n"  // September
      "13800000001,13512345678,中国移动,2026-10-01 08:00:00,300\n"  // on-net: not counted
      "13700000009,13012345678,中国联通,2026-10-01 08:00:00,300\n"  // caller not in the archive
      "13900000003,13012345678,中国联通,2026-10-05 12:00:00,30\n";
  auto dir = directory();
  auto p = parse_cdrs(csv, dir, options());
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(p->encoding, "UTF-8");
  EXPECT_EQ(p->rows, 7u);
  EXPECT_EQ(p->rows_bad, 0u);
  EXPECT_EQ(p->rows_on_net, 1u);
  EXPECT_EQ(p->rows_other_callers, 1u);
  EXPECT_EQ(p->rows_counted, 5u);
  ASSERT_EQ(p->pairs.size(), 3u);
  const CdrPair* oct = find(*p, 202610, 1, "13012345678");
  ASSERT_NE(oct, nullptr);
  EXPECT_EQ(oct->calls, 3);
  EXPECT_EQ(oct->minutes, 3);
  EXPECT_EQ(oct->callee_operator, Operator::kUnicom);
  const CdrPair* sep = find(*p, 202609, 1, "18912345678");
  ASSERT_NE(sep, nullptr);
  EXPECT_EQ(sep->calls, 1);
  EXPECT_EQ(sep->minutes, 3);
  EXPECT_EQ(sep->callee_operator, Operator::kTelecom);
  EXPECT_NE(find(*p, 202610, 3, "13012345678"), nullptr);
  // Sorted by month, member, number.
  EXPECT_EQ(p->pairs.front().month, 202609);
  ASSERT_EQ(p->months.size(), 2u);
  EXPECT_EQ(p->months[0].month, 202609);
  EXPECT_EQ(p->months[1].rows, 6);
  EXPECT_EQ(p->months[1].calls_counted, 4);
  EXPECT_EQ(p->months[1].pairs_total, 2);
}

TEST(CdrImport, PairsBelowTheStoredMinimumAreCountedNotKept) {
  std::string csv = "caller,callee,callee_operator,start_time,duration\n";
  for (int i = 0; i < 3; ++i)
    csv += "13800000001,13012345678,unicom,2026-10-0" + std::to_string(i + 1) + " 08:00:00,60\n";
  csv += "13800000002,13112345678,unicom,2026-10-01 08:00:00,60\n";
  auto dir = directory();
  auto o = options();
  o.store_min_calls = 3;
  auto p = parse_cdrs(csv, dir, o);
  ASSERT_TRUE(p.ok()) << p.error().message;
  ASSERT_EQ(p->pairs.size(), 1u);
  EXPECT_EQ(p->pairs[0].member_id, 1);
  EXPECT_EQ(p->months[0].pairs_total, 2);
  EXPECT_EQ(p->months[0].pairs_stored, 1);
}

TEST(CdrImport, BadRowsAreNamedWithLineColumnAndReason) {
  std::string csv =
      "caller,callee,callee_operator,start_time,duration,cell_id\n"
      "13800000001,13012345678,unicom,2026-10-01 08:00:00,60,A1\n"
      "13800000001,130-1234,unicom,2026-10-01 08:00:00,60,A1\n"        // line 3: callee
      "13800000001,13012345678,铁通,2026-10-01 08:00:00,60,A1\n"       // line 4: operator
      "13800000001,13012345678,unicom,2026-10-32 08:00:00,60,A1\n"     // line 5: start time
      "13800000001,13012345678,unicom,2026-10-01 08:00:00,-5,A1\n"     // line 6: duration
      "13800000001,13012345678,unicom,2026-10-01 08:00:00,90000,A1\n"  // line 7: too long
      "13800000001,13012345678,unicom,2027-01-01 08:00:00,60,A1\n"     // line 8: future
      "13800000001,13012345678,unicom\n";                              // line 9: too few fields
  auto dir = directory();
  for (int threads : {1, 2, 3}) {
    auto p = parse_cdrs(csv, dir, options(threads));
    ASSERT_TRUE(p.ok()) << p.error().message;
    EXPECT_EQ(p->rows_bad, 7u) << threads;
    EXPECT_TRUE(p->pairs.empty()) << "a refused file aggregates nothing";
    ASSERT_EQ(p->issues.size(), 7u);
    struct Want {
      size_t line;
      const char* column;
      const char* reason;
    };
    const Want want[] = {
        {3, "callee", "is not a phone number"},   {4, "callee_operator", "unknown operator"},
        {5, "start_time", "is not a start time"}, {6, "duration", "is not a whole number"},
        {7, "duration", "implausibly long"},      {8, "start_time", "in the future"},
        {9, "", "has 3 fields, the header has 6"}};
    for (size_t i = 0; i < 7; ++i) {
      EXPECT_EQ(p->issues[i].line, want[i].line) << threads << ": " << p->issues[i].reason;
      EXPECT_EQ(p->issues[i].column, want[i].column) << threads;
      EXPECT_NE(p->issues[i].reason.find(want[i].reason), std::string::npos) << p->issues[i].reason;
    }
    EXPECT_EQ(p->columns_ignored, std::vector<std::string>{"cell_id"});
  }
}

TEST(CdrImport, HugeDurationsAreRefusedNotWrapped) {
  // Durations beyond an int64 (2^64 + 60 seconds would wrap to a minute) are refused, naming
  // line and column.
  std::string csv =
      "caller,callee,callee_operator,start_time,duration\n"
      "13800000001,13012345678,unicom,2026-10-01 08:00:00,18446744073709551676\n"
      "13800000001,13012345678,unicom,2026-10-01 08:00:00,000000000000000000000000000060\n"
      "13800000001,13012345678,unicom,2026-10-01 08:00:00,99999999999999999999999999.0\n"
      "13800000001,13012345678,unicom,2026-10-01 08:00:00,-18446744073709551556\n";
  auto dir = directory();
  for (int threads : {1, 2}) {
    auto p = parse_cdrs(csv, dir, options(threads));
    ASSERT_TRUE(p.ok()) << p.error().message;
    EXPECT_EQ(p->rows_bad, 3u);
    ASSERT_EQ(p->issues.size(), 3u);
    const std::pair<size_t, const char*> want[] = {
        {2, "implausibly long"}, {4, "implausibly long"}, {5, "not a whole number"}};
    for (size_t i = 0; i < 3; ++i) {
      EXPECT_EQ(p->issues[i].line, want[i].first) << p->issues[i].reason;
      EXPECT_EQ(p->issues[i].column, "duration");
      EXPECT_NE(p->issues[i].reason.find(want[i].second), std::string::npos) << p->issues[i].reason;
    }
  }
}

TEST(CdrImport, WholeFileProblemsAreErrors) {
  auto dir = directory();
  auto missing = parse_cdrs(
      "caller,callee,start_time,duration\n13800000001,13012345678,2026-10-01,60\n", dir, options());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().field, "callee_operator");
  auto empty = parse_cdrs("", dir, options());
  ASSERT_FALSE(empty.ok());
  auto header_only =
      parse_cdrs("caller,callee,callee_operator,start_time,duration\n", dir, options());
  ASSERT_FALSE(header_only.ok());
  EXPECT_NE(header_only.error().message.find("no data rows"), std::string::npos);
  auto garbage = parse_cdrs(
      std::string("caller,callee,callee_operator,start_time,duration\n\xff\xfe\xfd,1,2,3,4\n"), dir,
      options());
  ASSERT_FALSE(garbage.ok());
  EXPECT_EQ(garbage.error().field, "encoding");
}

TEST(CdrImport, GbkFilesAndQuotedFieldsReadTheSame) {
  std::string utf8 =
      "主叫号码,被叫号码,被叫运营商,开始时间,通话时长\n"
      "13800000001,13012345678,中国联通,2026-10-01 08:00:00,60\n"
      "13800000001,13012345678,中国联通,2026-10-02 08:00:00,60\n";
  auto dir = directory();
  auto a = parse_cdrs(utf8, dir, options());
  ASSERT_TRUE(a.ok()) << a.error().message;
  ASSERT_EQ(a->pairs.size(), 1u);

  // The same in GBK: 主叫号码 … and 中国联通 as Windows Excel writes them.
  std::string gbk =
      "\xD6\xF7\xBD\xD0\xBA\xC5\xC2\xEB,\xB1\xBB\xBD\xD0\xBA\xC5\xC2\xEB,"
      "\xB1\xBB\xBD\xD0\xD4\xCB\xD3\xAA\xC9\xCC,"
      "\xBF\xAA\xCA\xBC\xCA\xB1\xBC\xE4,\xCD\xA8\xBB\xB0\xCA\xB1\xB3\xA4\n"
      "13800000001,13012345678,\xD6\xD0\xB9\xFA\xC1\xAA\xCD\xA8,2026-10-01 08:00:00,60\n"
      "13800000001,13012345678,\xD6\xD0\xB9\xFA\xC1\xAA\xCD\xA8,2026-10-02 08:00:00,60\n";
  auto b = parse_cdrs(gbk, dir, options());
  ASSERT_TRUE(b.ok()) << b.error().message;
  EXPECT_EQ(b->encoding, "GB18030");
  ASSERT_EQ(b->pairs.size(), 1u);
  EXPECT_EQ(b->pairs[0].calls, 2);

  // An ASCII head with GBK operator names further down is still read as GBK.
  std::string late = "caller,callee,callee_operator,start_time,duration\n";
  for (int i = 0; i < 5000; ++i) late += "13800000002,13112345678,unicom,2026-10-01 08:00:00,60\n";
  late += "13800000001,13012345678,\xD6\xD0\xB9\xFA\xC1\xAA\xCD\xA8,2026-10-02 08:00:00,60\n";
  auto c = parse_cdrs(late, dir, options(2));
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->encoding, "GB18030");
  EXPECT_EQ(c->rows_bad, 0u);
  EXPECT_EQ(c->pairs.size(), 2u);

  // Quoted fields (with a comma inside an ignored column) take the careful path.
  std::string quoted =
      "caller,callee,callee_operator,start_time,duration,note\n"
      "13800000001,13012345678,\"中国联通\",2026-10-01 08:00:00,60,\"家人, 常联系\"\n"
      "\"13800000001\",13012345678,中国联通,2026-10-02 08:00:00,60,x\n";
  auto d = parse_cdrs(quoted, dir, options(2));
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_EQ(d->rows_bad, 0u);
  ASSERT_EQ(d->pairs.size(), 1u);
  EXPECT_EQ(d->pairs[0].calls, 2);
}

TEST(CdrImport, ThreadsDoNotChangeTheResult) {
  // Many members and numbers, random order: one thread and four agree on every pair.
  MemberDirectory dir;
  for (int m = 1; m <= 500; ++m) dir.add(std::to_string(13800000000LL + m), {m, 1000 + m / 10});
  std::mt19937 rng(7);
  std::string csv = "caller,callee,callee_operator,start_time,duration\n";
  const char* ops[] = {"中国联通", "中国电信", "中国移动", "中国广电"};
  for (int i = 0; i < 40000; ++i) {
    int caller = static_cast<int>(rng() % 600) + 1;  // some beyond the archive
    int callee = static_cast<int>(rng() % 50);
    csv += std::to_string(13800000000LL + caller) + "," + std::to_string(13000000000LL + callee) +
           "," + ops[rng() % 4] + ",2026-" + (rng() % 2 ? "09" : "10") + "-1" +
           std::to_string(rng() % 10) + " 10:00:00," + std::to_string(rng() % 600) + "\n";
  }
  auto one = parse_cdrs(csv, dir, options(1));
  auto four = parse_cdrs(csv, dir, options(4));
  ASSERT_TRUE(one.ok() && four.ok());
  EXPECT_EQ(one->rows_counted, four->rows_counted);
  EXPECT_EQ(one->rows_other_callers, four->rows_other_callers);
  ASSERT_EQ(one->pairs.size(), four->pairs.size());
  for (size_t i = 0; i < one->pairs.size(); ++i) {
    EXPECT_EQ(one->pairs[i].member_id, four->pairs[i].member_id);
    EXPECT_EQ(one->pairs[i].callee, four->pairs[i].callee);
    EXPECT_EQ(one->pairs[i].calls, four->pairs[i].calls);
    EXPECT_EQ(one->pairs[i].minutes, four->pairs[i].minutes);
  }
  int64_t calls = 0;
  for (const auto& p : one->pairs) calls += p.calls;
  EXPECT_EQ(static_cast<size_t>(calls), one->rows_counted);
}

}  // namespace
}  // namespace kam::engine
