// Pure business rules: credit codes, masking, number checks, dates, roles.

#include <gtest/gtest.h>

#include "common/clock.h"
#include "domain/credit_code.h"
#include "domain/masking.h"
#include "domain/roles.h"
#include "domain/usage_fields.h"

namespace kam::domain {
namespace {

struct CreditCase {
  const char* code;
  bool valid;
};

class CreditCodeTest : public ::testing::TestWithParam<CreditCase> {};

TEST_P(CreditCodeTest, ChecksCharacterAndAlphabet) {
  EXPECT_EQ(credit_code_valid(GetParam().code), GetParam().valid) << GetParam().code;
}

INSTANTIATE_TEST_SUITE_P(
    Table, CreditCodeTest,
    ::testing::Values(CreditCase{"91350100M000100Y43", true},  // published example
                      CreditCase{"91110000600037341L", true},
                      CreditCase{"91350100M000100Y44", false},  // wrong check char
                      CreditCase{"91350100M000100Y4", false},   // too short
                      CreditCase{"91350100I000100Y43", false},  // I is not allowed
                      CreditCase{"9135AB00M000100Y43", false},  // region not digits
                      CreditCase{"", false}));

TEST(CreditCode, CheckCharIsComputedOverFirst17) {
  auto c = credit_code_check_char("91350100M000100Y4");
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(*c, '3');
  EXPECT_FALSE(credit_code_check_char("9135010OM000100Y4").has_value());
}

TEST(Masking, PhoneKeepsFirstThreeAndLastFour) {
  EXPECT_EQ(mask_phone("13812341234"), "138****1234");
  EXPECT_EQ(mask_phone("025-84561234"), "025*****1234");
}

TEST(Masking, IdNumberKeepsFirstSixAndLastFour) {
  EXPECT_EQ(mask_id_number("32010219800101123X"), "320102********123X");
}

TEST(Numbers, MobileRanges) {
  EXPECT_TRUE(is_mobile_number("13912345678"));
  EXPECT_FALSE(is_mobile_number("12912345678"));
  EXPECT_FALSE(is_mobile_number("1391234567"));
  EXPECT_FALSE(is_mobile_number("1391234567a"));
  EXPECT_TRUE(is_line_number("ZX-12-0000001"));
  EXPECT_FALSE(is_line_number("13<script>"));
}

TEST(Numbers, ResidentIdCheckCharacter) {
  EXPECT_TRUE(is_resident_id("11010519491231002X"));
  EXPECT_FALSE(is_resident_id("110105194912310021"));
}

TEST(Roles, ManagersSeeOwnSupervisorsTeamAnalystsAll) {
  EXPECT_EQ(customer_scope(Role::kAccountManager), Scope::kOwn);
  EXPECT_EQ(customer_scope(Role::kSupervisor), Scope::kTeam);
  EXPECT_EQ(customer_scope(Role::kAnalyst), Scope::kAll);
  EXPECT_EQ(customer_scope(Role::kMerchantStaff), Scope::kNone);
  EXPECT_FALSE(has_perm(Role::kAnalyst, Perm::kSeePhone));
  EXPECT_TRUE(has_perm(Role::kAccountManager, Perm::kSeePhone));
  EXPECT_FALSE(has_perm(Role::kSupervisor, Perm::kSeeIdNumber));
  EXPECT_TRUE(has_perm(Role::kAdmin, Perm::kSeeIdNumber));
  EXPECT_EQ(parse_role("phone_manager"), Role::kPhoneManager);
  EXPECT_FALSE(parse_role("root").has_value());
}

}  // namespace
}  // namespace kam::domain

namespace kam {
namespace {

TEST(Clock, Iso8601RoundTripAndOffsets) {
  EXPECT_EQ(iso8601(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(parse_iso8601("2026-11-24T09:30:00+08:00"), parse_iso8601("2026-11-24T01:30:00Z"));
  EXPECT_EQ(iso8601(*parse_iso8601("2026-02-28T23:59:59Z")), "2026-02-28T23:59:59Z");
  EXPECT_FALSE(parse_iso8601("2026-02-30").has_value());
  EXPECT_FALSE(parse_iso8601("2026-11-24T25:00:00Z").has_value());
  EXPECT_FALSE(parse_iso8601("yesterday").has_value());
}

TEST(Clock, ShanghaiDateIsUtcPlusEight) {
  EXPECT_EQ(shanghai_date(*parse_iso8601("2026-11-24T15:59:59Z")), "2026-11-24");
  EXPECT_EQ(shanghai_date(*parse_iso8601("2026-11-24T16:00:00Z")), "2026-11-25");
  EXPECT_TRUE(is_date("2024-02-29"));
  EXPECT_FALSE(is_date("2025-02-29"));
}

// Found by fuzzing (fuzz/crashes/usage_import_month_overflow.csv): a day of a dozen digits
// overflowed an int (undefined behaviour); it is simply not a month.
TEST(Months, HugeDigitRunsAreNotMonths) {
  EXPECT_EQ(domain::parse_month("2026-11"), 202611);
  EXPECT_EQ(domain::parse_month("2026/3/01"), 202603);
  EXPECT_FALSE(domain::parse_month("2026-/380000000002").has_value());
  EXPECT_FALSE(domain::parse_month("2026-11-380000000002").has_value());
  EXPECT_FALSE(domain::parse_month("2026-00011").has_value());
}

}  // namespace
}  // namespace kam
