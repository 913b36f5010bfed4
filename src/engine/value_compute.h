#pragma once
// Applies the value rules (domain/value_rules.h) to a month of usage: per member (stage, key
// member) and per customer (revenue by service, margin, scores, rank, tier, grade, stage, CLV,
// risk), in column loops over the month's frame and the months before it.

#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "domain/value_rules.h"
#include "engine/usage_frame.h"
#include "storage/db.h"

namespace kam::engine {

// What the computation needs from the archive, loaded once per run.
struct ArchiveSnapshot {
  struct Customer {
    int64_t id = 0;
    std::string kind, org_type, status, industry;
    int64_t first_join_day = INT64_MAX;  // earliest member join date (days since 1970)
    int64_t account_manager_id = 0, phone_manager_id = 0;
    int64_t contract_end_day = INT64_MIN;           // nearest active contract's end, INT64_MIN none
    int64_t competitor_bundle_end_day = INT64_MIN;  // nearest competitor bundle end, INT64_MIN none
    bool has_competitor = false;
  };
  std::vector<Customer> customers;
  std::vector<int32_t> position;         // by customer id: position in customers, -1 none
  std::vector<int32_t> member_join_day;  // by member id; INT32_MIN unknown

  static Result<ArchiveSnapshot> load(db::Connection& c);
  int64_t position_of(int64_t customer_id) const {
    return customer_id >= 0 && static_cast<size_t>(customer_id) < position.size()
               ? position[static_cast<size_t>(customer_id)]
               : -1;
  }
};

// The frames one month's computation reads. prior[0] is the month before, prior[k] k+1 months
// before; nullptr where a month is not stored.
struct MonthWindow {
  int month = 0;
  const UsageFrame* current = nullptr;   // all fields
  FieldMask current_fields;              // fields the month's file provided
  std::vector<const UsageFrame*> prior;  // bill and status, at least 2 * trend_months - 1
  const UsageFrame* year_ago = nullptr;  // bill
  // Revenue by customer position of the prior months when already known (from their own
  // computation; -1 = no rows); nullptr: summed from the frame.
  std::vector<const std::vector<int64_t>*> prior_revenue;
};

struct CustomerValue {
  int64_t customer_id = 0;
  int64_t members_total = 0, members_active = 0, members_key = 0, members_new = 0,
          members_churned = 0;
  int64_t revenue_fen = 0, voice_fen = 0, data_fen = 0, sms_fen = 0, other_fen = 0;
  int64_t cost_fen = 0, margin_fen = 0, arrears_fen = 0;
  int64_t mou = 0, data_mb = 0, sms = 0;
  domain::Scores scores;
  int64_t rank = 0;
  std::string tier, grade, risk;
  domain::Stage stage = domain::Stage::kMaturity;
  int64_t clv_fen = 0;
  std::optional<int64_t> revenue_prev_fen, revenue_yoy_fen;
};

struct MemberValue {
  int64_t member_id = 0;
  domain::Stage stage = domain::Stage::kMaturity;
  bool key = false;
};

struct MonthValues {
  int month = 0;
  std::vector<CustomerValue> customers;  // ranked: rank 1 first
  std::vector<MemberValue> members;      // the month's members, by id
  std::vector<int64_t>
      revenue_by_position;  // this month's revenue per customer position, -1 = no rows
};

// Key members of each group in a month: bill at least key_member_min_fen, or among the top
// key_member_top_share of the group's members by bill. `position` is each row's customer
// position (-1 unknown); answers a flag per row and adds the counts to `per_customer` when given.
std::vector<uint8_t> key_members(const UsageFrame& f, const std::vector<int64_t>& position,
                                 size_t customers, const domain::ValueConfig& c,
                                 std::vector<int64_t>* per_customer = nullptr);

// Months to load before the current one for a computation with this configuration.
int months_of_history(const domain::ValueConfig& c);

MonthValues compute_month(const MonthWindow& w, const ArchiveSnapshot& a,
                          const domain::ValueConfig& c);

// Replaces the stored results of `v.month` (customer_value rows), in the caller's transaction.
Status write_values(db::Connection& c, const MonthValues& v, int64_t now);

}  // namespace kam::engine
