// Reading usage files and the column chunk codec: what gets in, what is refused and why.

#include <gtest/gtest.h>

#include <random>

#include "engine/chunk_codec.h"
#include "engine/usage_import.h"

namespace kam::engine {
namespace {

using domain::UsageField;

MemberDirectory directory() {
  MemberDirectory d;
  d.add("13800000001", {1, 100});
  d.add("13800000002", {2, 100});
  d.add("13800000003", {3, 200});
  d.add("ZX-1-0001", {4, 200});
  d.add("02512345678", {5, 300});
  return d;
}

ImportOptions options(int threads = 1) {
  ImportOptions o;
  o.latest_month = 202611;
  o.latest_day = 20261124;
  o.threads = threads;
  return o;
}

// Columns as plain vectors, for comparisons.
std::vector<int64_t> col(const UsageFrame& f, UsageField id) {
  return {f.col(id).begin(), f.col(id).end()};
}
std::vector<int64_t> vec(const Column& c) {
  return {c.begin(), c.end()};
}

TEST(UsageImport, MonthlyRowsBecomeSortedFramesPerMonth) {
  auto dir = directory();
  std::string csv =
      "month,number,bill,mou,data_mb,status,contract_end,min_spend\n"
      "2026-10,13800000003,88.5,120,1024.6,正常,2027-03-31,50\n"
      "2026-10,13800000001,128,300,10,suspended,,\n"
      "202609,13800000001,100.05,280,0,normal,20270331,0\n"
      "2026-10,ZX-1-0001,3000,0,5e0,normal,,\n";
  // The last row's data volume is not a plain number.
  auto bad = parse_usage(csv, dir, options());
  ASSERT_TRUE(bad.ok()) << bad.error().message;
  EXPECT_EQ(bad->rows_bad, 1u);
  ASSERT_EQ(bad->issues.size(), 1u);
  EXPECT_EQ(bad->issues[0].line, 5u);
  EXPECT_EQ(bad->issues[0].column, "data_mb");

  csv.replace(csv.find("5e0"), 3, "5");
  auto p = parse_usage(csv, dir, options());
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(p->rows_bad, 0u);
  EXPECT_EQ(p->encoding, "UTF-8");
  ASSERT_EQ(p->data.periods.size(), 2u);
  auto sep = p->data.frame(0);
  EXPECT_EQ(sep.period, 202609);
  EXPECT_EQ(vec(sep.member_id), (std::vector<int64_t>{1}));
  EXPECT_EQ(col(sep, UsageField::kBill)[0], 10005);
  auto oct = p->data.frame(1);
  EXPECT_EQ(vec(oct.member_id), (std::vector<int64_t>{1, 3, 4}));  // sorted by member
  EXPECT_EQ(vec(oct.customer_id), (std::vector<int64_t>{100, 200, 200}));
  EXPECT_EQ(col(oct, UsageField::kBill), (std::vector<int64_t>{12800, 8850, 300000}));
  EXPECT_EQ(col(oct, UsageField::kDataMb)[1], 1025);  // rounded
  EXPECT_EQ(col(oct, UsageField::kStatus)[0],
            static_cast<int64_t>(domain::MemberStatus::kSuspended));
  EXPECT_EQ(col(oct, UsageField::kContractEnd)[0], domain::kNoDate);
  EXPECT_NE(col(oct, UsageField::kContractEnd)[1], domain::kNoDate);
  EXPECT_EQ(col(oct, UsageField::kMinSpend)[1], 5000);
  // Fields the file lacks are there, as zeros.
  EXPECT_EQ(col(oct, UsageField::kSms), (std::vector<int64_t>{0, 0, 0}));
  EXPECT_TRUE(p->fields.test(static_cast<size_t>(domain::usage_field_index(UsageField::kMou))));
  EXPECT_FALSE(p->fields.test(static_cast<size_t>(domain::usage_field_index(UsageField::kSms))));
}

TEST(UsageImport, EveryBadRowIsReportedWithLineColumnAndReason) {
  auto dir = directory();
  std::string csv =
      "month,number,bill_fen,zero_call_days,status,mou\n"
      "2026-10,13800000001,-5,0,normal,1\n"          // negative
      "2026-13,13800000002,100,0,normal,1\n"         // not a month
      "2027-01,13800000003,100,0,normal,1\n"         // future
      "2026-02,13800000003,100,30,normal,1\n"        // more zero-call days than February has
      "2026-10,13900000000,100,0,normal,1\n"         // not in the archive
      "2026-10,13800000002,100,0,lost,1\n"           // unknown status
      "2026-10,13800000002,12.5,0,normal,1\n"        // fen with decimals
      "2026-10,13800000002,100,0,normal\n"           // short row
      "2026-10,13800000003,100,0,normal,99999999\n"  // absurd minutes
      "2026-10,13800000001,100,0,normal,1\n"
      "2026-10,13800000001,100,0,normal,1\n";  // duplicate of the line before
  auto p = parse_usage(csv, dir, options());
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(p->rows, 11u);
  EXPECT_EQ(p->rows_bad, 10u);
  std::vector<std::pair<size_t, std::string>> got;
  for (const auto& i : p->issues) got.emplace_back(i.line, i.column);
  std::vector<std::pair<size_t, std::string>> want = {
      {2, "bill_fen"}, {3, "month"},    {4, "month"}, {5, "zero_call_days"}, {6, "number"},
      {7, "status"},   {8, "bill_fen"}, {9, ""},      {10, "mou"},           {12, ""}};
  EXPECT_EQ(got, want);
  EXPECT_NE(p->issues.back().reason.find("line 11"), std::string::npos) << p->issues.back().reason;
  EXPECT_NE(p->issues[3].reason.find("days of the month"), std::string::npos);
}

TEST(UsageImport, HugeNumbersAreRefusedNotWrapped) {
  // Digits beyond what an int64 holds used to wrap around silently: 184467440737095517 yuan is
  // 2^64 + 84 fen and was stored as 84 fen; 9999999999999999999 minutes became negative.
  auto dir = directory();
  std::string csv =
      "month,number,bill,mou,data_mb,arrears_fen\n"
      "2026-10,13800000001,184467440737095517,1,1,0\n"         // yuan x 100 beyond int64
      "2026-10,13800000002,1,9999999999999999999,1,0\n"        // a count beyond int64
      "2026-10,13800000003,1,1,99999999999999999999999.6,0\n"  // a decimal count too
      "2026-09,13800000001,1,1,1,-99999999999999999999\n"      // negative fen beyond int64
      "2026-09,13800000002,1,1,1,92233720368547758070\n"       // fen beyond int64
      "2026-09,13800000003,12.34,1,1,0\n";
  for (int threads : {1, 2}) {
    auto p = parse_usage(csv, dir, options(threads));
    ASSERT_TRUE(p.ok()) << p.error().message;
    EXPECT_EQ(p->rows, 6u);
    EXPECT_EQ(p->rows_bad, 5u);
    struct Want {
      size_t line;
      const char* column;
      const char* reason;
    };
    const Want want[] = {{2, "bill", "implausibly large (more than 1000000000 fen)"},
                         {3, "mou", "implausibly large (more than 44640)"},
                         {4, "data_mb", "implausibly large"},
                         {5, "arrears_fen", "is negative"},
                         {6, "arrears_fen", "implausibly large"}};
    ASSERT_EQ(p->issues.size(), 5u);
    for (size_t i = 0; i < 5; ++i) {
      EXPECT_EQ(p->issues[i].line, want[i].line) << p->issues[i].reason;
      EXPECT_EQ(p->issues[i].column, want[i].column) << p->issues[i].reason;
      EXPECT_NE(p->issues[i].reason.find(want[i].reason), std::string::npos) << p->issues[i].reason;
    }
    // The one good row is read as written.
    ASSERT_EQ(p->data.periods.size(), 1u);
    auto f = p->data.frame(0);
    EXPECT_EQ(vec(f.member_id), (std::vector<int64_t>{3}));
    EXPECT_EQ(col(f, UsageField::kBill), (std::vector<int64_t>{1234}));
  }
}

TEST(UsageImport, UnknownNumbersCanBeSkippedButAreStillReported) {
  auto dir = directory();
  std::string csv = "month,number,bill\n2026-10,13800000001,1\n2026-10,13900000000,1\n";
  auto o = options();
  o.allow_unknown_numbers = true;
  auto p = parse_usage(csv, dir, o);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->rows_bad, 0u);
  EXPECT_EQ(p->rows_skipped, 1u);
  ASSERT_EQ(p->issues.size(), 1u);
  EXPECT_NE(p->issues[0].reason.find("skipped"), std::string::npos);
  EXPECT_EQ(p->data.frame(0).size(), 1u);
}

TEST(UsageImport, GbkHeadersQuotesAndCrlf) {
  auto dir = directory();
  // "账期,号码,账单金额" in GBK, a quoted number and CRLF line ends.
  std::string csv =
      "\xD5\xCB\xC6\xDA,\xBA\xC5\xC2\xEB,\xD5\xCB\xB5\xA5\xBD\xF0\xB6\xEE\r\n2026-10,"
      "\"13800000002\",\"1,5\"\r\n";
  auto p = parse_usage(csv, dir, options());
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(p->encoding, "GB18030");
  EXPECT_EQ(p->rows_bad, 1u) << "\"1,5\" is not an amount";
  csv.replace(csv.find("\"1,5\""), 5, "\"1.5\"");
  p = parse_usage(csv, dir, options());
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->rows_bad, 0u);
  EXPECT_EQ(p->data.frame(0).col(UsageField::kBill)[0], 150);
  // Fixed-line numbers keep their leading zero.
  auto f = parse_usage("month,number,bill\n2026-10,02512345678,1\n", dir, options());
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->data.frame(0).member_id[0], 5);
}

TEST(UsageImport, WholeFileProblemsAreErrorsNamingTheField) {
  auto dir = directory();
  EXPECT_EQ(parse_usage("", dir, options()).error().field, "file");
  EXPECT_EQ(parse_usage("month,number,bill\n", dir, options()).error().field, "file");
  EXPECT_EQ(parse_usage("number,bill\n1,1\n", dir, options()).error().field, "month");
  EXPECT_EQ(parse_usage("month,bill\n2026-10,1\n", dir, options()).error().field, "number");
  EXPECT_EQ(parse_usage("month,number\n2026-10,1\n", dir, options()).error().field, "bill_fen");
  EXPECT_EQ(parse_usage("month,number,bill,账单金额\n", dir, options()).error().field, "bill_fen");
  EXPECT_EQ(parse_usage("month,date,number,bill\n", dir, options()).error().field, "date");
  EXPECT_EQ(parse_usage("month,number,bill\n\xFF\xFE\xFF,1,1\n", dir, options()).error().field,
            "encoding");
  EXPECT_EQ(parse_usage("month,number,bill\n2026-10,\"138,1\n", dir, options()).error().code,
            ErrorCode::kInvalid);
}

TEST(UsageImport, DailyFilesUseDates) {
  auto dir = directory();
  auto p = parse_usage(
      "date,number,bill,mou\n2026-11-20,13800000001,3.5,12\n2026-11-25,13800000001,1,1\n", dir,
      options());
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->daily);
  EXPECT_EQ(p->rows_bad, 1u);  // the 25th is tomorrow
  ASSERT_EQ(p->data.periods.size(), 1u);
  EXPECT_EQ(p->data.periods[0].period, 20261120);
}

TEST(UsageImport, ThreadsChangeNothing) {
  MemberDirectory dir;
  std::string csv = "month,number,bill,mou,status\n";
  std::mt19937 rng(5);
  for (int i = 1; i <= 3000; ++i) {
    dir.add(std::to_string(13900000000LL + i), {i, i / 10 + 1});
  }
  for (int i = 0; i < 20000; ++i) {
    int m = 1 + i % 6;
    int who = 1 + static_cast<int>(rng() % 3000);
    csv += "2026-0" + std::to_string(m) + "," + std::to_string(13900000000LL + who) + "," +
           std::to_string(rng() % 50000) + "." + std::to_string(rng() % 10) + "," +
           std::to_string(rng() % 900) + ",normal\n";
  }
  auto one = parse_usage(csv, dir, options(1));
  auto four = parse_usage(csv, dir, options(4));
  ASSERT_TRUE(one.ok() && four.ok());
  EXPECT_EQ(one->rows_bad,
            four->rows_bad);  // the random numbers repeat: duplicates found either way
  EXPECT_GT(one->rows_bad, 0u);
  ASSERT_EQ(one->data.periods.size(), four->data.periods.size());
  for (size_t k = 0; k < one->data.periods.size(); ++k) {
    auto a = one->data.frame(k), b = four->data.frame(k);
    EXPECT_EQ(a.member_id, b.member_id);
    EXPECT_EQ(a.cols, b.cols);
  }
  std::vector<size_t> l1, l4;
  for (const auto& i : one->issues) l1.push_back(i.line);
  for (const auto& i : four->issues) l4.push_back(i.line);
  EXPECT_EQ(l1, l4);
}

TEST(ChunkCodec, RoundTripsEveryWidthNullsAndSelectedFields) {
  UsageFrame f;
  f.period = 202610;
  std::mt19937_64 rng(9);
  const size_t n = 5000;
  for (size_t i = 0; i < n; ++i) {
    f.member_id.push_back(static_cast<int64_t>(1000 + i * 3));
    f.customer_id.push_back(static_cast<int64_t>(7));  // constant: width 0
  }
  const auto& specs = domain::usage_fields();
  for (size_t c = 0; c < specs.size(); ++c) {
    for (size_t i = 0; i < n; ++i) {
      int64_t v;
      switch (c % 5) {
        case 0:
          v = static_cast<int64_t>(rng() % 200);
          break;  // 1 byte
        case 1:
          v = static_cast<int64_t>(rng() % 60000) - 30000;
          break;  // 2 bytes, negative base
        case 2:
          v = static_cast<int64_t>(rng() % 4'000'000'000ULL);
          break;  // 4 bytes
        case 3:
          v = static_cast<int64_t>(rng() >> 1);
          break;  // 8 bytes
        default:
          v = i % 7 == 0 ? domain::kNoDate : 20000 + static_cast<int64_t>(i % 400);
          break;  // nulls
      }
      f.cols[c].push_back(v);
    }
  }
  std::string blob = encode_chunk(f, 0, n);
  UsageFrame all;
  ASSERT_TRUE(decode_chunk(blob, all_fields(), all).ok());
  EXPECT_EQ(all.member_id, f.member_id);
  EXPECT_EQ(all.customer_id, f.customer_id);
  EXPECT_EQ(all.cols, f.cols);

  UsageFrame some;
  auto want = fields_of({UsageField::kBill, UsageField::kStatus});
  ASSERT_TRUE(decode_chunk(blob, want, some).ok());
  EXPECT_EQ(some.col(UsageField::kBill), f.col(UsageField::kBill));
  EXPECT_TRUE(some.col(UsageField::kMou).empty());

  // A damaged chunk is an error, never a crash.
  for (size_t cut : {size_t{0}, size_t{3}, size_t{10}, blob.size() / 2, blob.size() - 1}) {
    UsageFrame out;
    EXPECT_FALSE(decode_chunk(std::string_view(blob).substr(0, cut), all_fields(), out).ok())
        << cut;
  }
  std::string flipped = blob;
  flipped[40] = static_cast<char>(flipped[40] ^ 0x5A);
  UsageFrame out;
  (void)decode_chunk(flipped, all_fields(), out);  // any answer but a crash
}

TEST(UsageFrame, MergeTakesTheUpdateForMembersInBoth) {
  UsageFrame base, upd;
  base.member_id = Column{1, 2, 4};
  base.customer_id = Column{1, 1, 1};
  upd.member_id = Column{2, 3};
  upd.customer_id = Column{9, 9};
  for (auto* f : {&base, &upd}) f->fill_missing(all_fields());
  base.col(UsageField::kBill) = Column{10, 20, 40};
  upd.col(UsageField::kBill) = Column{21, 30};
  auto m = merge_frames(base, upd);
  EXPECT_EQ(vec(m.member_id), (std::vector<int64_t>{1, 2, 3, 4}));
  EXPECT_EQ(col(m, UsageField::kBill), (std::vector<int64_t>{10, 21, 30, 40}));
  EXPECT_EQ(vec(m.customer_id), (std::vector<int64_t>{1, 9, 9, 1}));
}

}  // namespace
}  // namespace kam::engine
