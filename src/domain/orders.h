#pragma once
// One-stop business acceptance (一站式受理, SPEC §5) as pure rules: the order's steps and the
// actions that move it, pricing of an option's lines from the catalogue (regional price,
// industry subsidy, discount, cost and margin in fen), the discount authority (优惠权限: what
// each role may grant per product line, who must approve beyond it), the step targets and
// the duration statistics of the cycle-time reports. No I/O.

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>
#include "domain/one_of.h"

#include "common/result.h"
#include "domain/roles.h"

namespace kam::domain {

// --- The catalogue --------------------------------------------------------------------------

// Product lines; discount limits are set per line.
const std::vector<std::string>& product_categories();
const std::vector<std::string>& product_kinds();  // product, package, bundle
const std::vector<std::string>& charge_kinds();   // monthly, one_time

// Percentages travel as numbers with at most two decimals and are kept as basis points.
std::optional<int64_t> pct_to_bp(double pct);  // nullopt outside 0..100 or finer than 0.01
double bp_to_pct(int64_t bp);
// A basis-point share of an amount of fen, rounded half up.
int64_t share_bp(int64_t fen, int64_t bp);

// --- The order's steps ----------------------------------------------------------------------

// Every state an order can be in, in flow order; in_service and cancelled are final.
const std::vector<std::string>& order_states();
// The states that are steps with a target (all but the final two).
const std::vector<std::string>& order_steps();
bool is_final_state(std::string_view state);

// What may happen from a state (before the caller's rights are considered). `choose` leads to
// acceptance, or to approval when the discount is beyond the creator's limit.
std::vector<std::string> state_actions(std::string_view state);
// Where an action leads from a state; nullopt when it is not allowed there.
std::optional<std::string> next_state(std::string_view state, std::string_view action,
                                      bool needs_approval = false);
// Every action name, for routes and messages.
const std::vector<std::string>& order_actions();

// --- Pricing --------------------------------------------------------------------------------

struct PricedLine {
  std::string category;
  std::string charge;  // monthly | one_time
  int64_t quantity = 0;
  int64_t unit_price_fen = 0;
  int64_t unit_cost_fen = 0;
  int64_t subsidy_bp = 0;   // industry subsidy, paid by the operator's policy
  int64_t discount_bp = 0;  // the discount the manager grants (on the price after subsidy)
};

struct LineAmounts {
  int64_t list_fen = 0, subsidy_fen = 0, discount_fen = 0, net_fen = 0, cost_fen = 0,
          margin_fen = 0;
};
// One line per charge period (a month, or once).
LineAmounts price_line(const PricedLine& l);

struct Amounts {
  int64_t list_fen = 0, subsidy_fen = 0, discount_fen = 0, net_fen = 0, cost_fen = 0,
          margin_fen = 0;
  void add(const LineAmounts& a, int64_t times = 1);
};

struct OptionTotals {
  Amounts monthly;   // per month
  Amounts one_time;  // once
  Amounts term;      // monthly × term months + one-time: what the contract is worth
  std::optional<int64_t> margin_bp;  // margin after discount / net over the term
  int64_t max_discount_bp = 0;       // the largest discount of any line
};
OptionTotals total_option(const std::vector<PricedLine>& lines, int64_t term_months);

// --- Discount authority (优惠权限) -----------------------------------------------------------

// Basis points per role name and product line; a missing entry is 0 (no discount).
struct DiscountLimits {
  std::map<std::string, std::map<std::string, int64_t>> bp;
  int64_t limit(std::string_view role, std::string_view category) const;
  static DiscountLimits defaults();  // account manager 5 %, supervisor 15 %, admin (director) 30 %
  nlohmann::json to_json() const;    // {"account_manager":{"voice":500,…},…}
  // Validates a stored or submitted configuration; errors name "limits.<role>.<category>".
  static Result<DiscountLimits> from_json(const nlohmann::json& j);
};

// The roles that grant discounts, lowest first: who approves beyond a limit is found upward.
const std::vector<Role>& discount_ladder();

struct DiscountLine {
  std::string category;
  int64_t discount_bp = 0;
};

struct Excess {
  size_t line = 0;  // index in the lines
  std::string category;
  int64_t discount_bp = 0, limit_bp = 0;
};

struct Authority {
  bool within_limit = true;      // the creator may grant every line
  std::vector<Excess> over;      // lines beyond the creator's limit
  std::optional<Role> approver;  // the lowest role above the creator whose limits cover every line
};
// Whether `role` may grant every line itself.
bool may_grant(const DiscountLimits& limits, Role role, const std::vector<DiscountLine>& lines);
Authority check_authority(const DiscountLimits& limits, Role creator,
                          const std::vector<DiscountLine>& lines);

// --- Step targets ---------------------------------------------------------------------------

struct StepSettings {
  std::map<std::string, int64_t> targets_hours;  // per step of order_steps()
  int64_t survey_delay_days = 3;                 // the satisfaction callback after billing starts
  static StepSettings defaults();
  nlohmann::json to_json() const;
  // Errors name "config.targets_hours.<step>" or "config.survey_delay_days".
  static Result<StepSettings> from_json(const nlohmann::json& j);
  int64_t target_seconds(std::string_view step) const;  // 0 when the step has no target
};

// --- Cycle-time statistics ------------------------------------------------------------------

struct DurationStats {
  int64_t count = 0;
  double mean_hours = 0, p50_hours = 0, p90_hours = 0, max_hours = 0;
};
// Durations in seconds; percentiles by nearest rank.
DurationStats summarize_durations(std::vector<int64_t> seconds);

// "DD20261118-00042": the order number shown to people (Shanghai date of creation, id).
std::string order_number(int64_t id, int64_t created_at);

}  // namespace kam::domain
