// CSV reading and text decoding: the formats operators' files arrive in.

#include <gtest/gtest.h>

#include "common/csv.h"
#include "common/text_encoding.h"

namespace kam {
namespace {

std::vector<std::vector<std::string>> read_all(std::string_view text,
                                               std::vector<size_t>* lines = nullptr) {
  csv::Reader r(text);
  std::vector<std::string_view> f;
  std::vector<std::vector<std::string>> out;
  for (;;) {
    auto more = r.next(f);
    EXPECT_TRUE(more.ok()) << more.error().message;
    if (!more.ok() || !*more) break;
    out.emplace_back(f.begin(), f.end());
    if (lines) lines->push_back(r.line());
  }
  return out;
}

TEST(Csv, QuotedFieldsEscapesAndLineEnds) {
  std::vector<size_t> lines;
  auto rows = read_all("a,b,c\r\n\"x,1\",\"say \"\"hi\"\"\",\n\n\"two\nlines\",,z", &lines);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(rows[1], (std::vector<std::string>{"x,1", "say \"hi\"", ""}));
  EXPECT_EQ(rows[2], (std::vector<std::string>{"two\nlines", "", "z"}));
  EXPECT_EQ(lines, (std::vector<size_t>{1, 2, 4}));
}

// Every escaped field of a record keeps its own text while later ones are read: the views the
// reader answers point into storage that does not move (this read freed memory before).
TEST(Csv, ManyEscapedFieldsPerRecordStayValid) {
  std::string text = "\"a\"\"\",\"b\"\"\"";
  std::vector<std::string> want = {"a\"", "b\""};
  for (int i = 0; i < 200; ++i) {
    std::string v = "f" + std::to_string(i) + "\"";
    text += ",\"f" + std::to_string(i) + "\"\"\"";
    want.push_back(v);
  }
  text += "\n\"x\"\"\",\"\"\"\"\n";
  auto rows = read_all(text);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0], want);
  EXPECT_EQ(rows[1], (std::vector<std::string>{"x\"", "\""}));
}

TEST(Csv, UnterminatedQuoteNamesTheLine) {
  csv::Reader r("a,b\n1,\"open\n2,3\n");
  std::vector<std::string_view> f;
  ASSERT_TRUE(*r.next(f));
  auto bad = r.next(f);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("line 2"), std::string::npos) << bad.error().message;
}

TEST(Csv, HeaderMappingUsesAliasesAndRefusesDuplicates) {
  std::vector<csv::Column> want = {
      {"month", {"账期"}, true}, {"bill_fen", {"账单金额", "bill"}, false}, {"sms", {}, false}};
  std::vector<std::string_view> h = {" 账期 ", "Bill", "other"};
  auto m = csv::map_header(h, want);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(*m, (std::vector<int>{0, 1, -1}));
  std::vector<std::string_view> dup = {"month", "bill", "账单金额"};
  auto d = csv::map_header(dup, want);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().field, "bill_fen");
  std::vector<std::string_view> missing = {"bill"};
  EXPECT_EQ(csv::map_header(missing, want).error().field, "month");
}

TEST(TextEncoding, Utf8KeptBomDroppedGbkConverted) {
  text::Encoding e;
  auto u = text::to_utf8(
      "\xEF\xBB\xBF"
      "南京,1",
      &e);
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(*u, "南京,1");
  EXPECT_EQ(e, text::Encoding::kUtf8);
  // "南京" in GBK is C4 CF BE A9.
  auto g = text::to_utf8("\xC4\xCF\xBE\xA9,1", &e);
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(*g, "南京,1");
  EXPECT_EQ(e, text::Encoding::kGb18030);
}

TEST(TextEncoding, GarbageNamesTheLine) {
  auto bad = text::to_utf8("ok\nstill ok\n\xFF\xFF\xFF");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "encoding");
  EXPECT_NE(bad.error().message.find("line 3"), std::string::npos) << bad.error().message;
}

TEST(TextEncoding, Utf8ValidatorRejectsOverlongAndSurrogates) {
  EXPECT_TRUE(text::valid_utf8("plain ascii and 中文 and 😀"));
  size_t at = 0;
  EXPECT_FALSE(text::valid_utf8("ab\xC0\xAF", &at));  // overlong '/'
  EXPECT_EQ(at, 2u);
  EXPECT_FALSE(text::valid_utf8("\xED\xA0\x80"));  // surrogate
  EXPECT_FALSE(text::valid_utf8("\xE4\xB8"));      // truncated
}

}  // namespace
}  // namespace kam
