#include "domain/orders.h"

#include <algorithm>
#include <cmath>

#include "common/clock.h"

namespace kam::domain {

using json = nlohmann::json;

const std::vector<std::string>& product_categories() {
  static const std::vector<std::string> v = {"voice", "data", "line", "circuit", "cloud", "ict"};
  return v;
}
const std::vector<std::string>& product_kinds() {
  static const std::vector<std::string> v = {"product", "package", "bundle"};
  return v;
}
const std::vector<std::string>& charge_kinds() {
  static const std::vector<std::string> v = {"monthly", "one_time"};
  return v;
}

std::optional<int64_t> pct_to_bp(double pct) {
  if (!std::isfinite(pct) || pct < 0 || pct > 100) return std::nullopt;
  double scaled = pct * 100;
  double rounded = std::round(scaled);
  if (std::fabs(scaled - rounded) > 1e-6) return std::nullopt;
  return static_cast<int64_t>(rounded);
}

double bp_to_pct(int64_t bp) {
  return static_cast<double>(bp) / 100.0;
}

int64_t share_bp(int64_t fen, int64_t bp) {
  // Products of large amounts and basis points pass 2^63: compute in 128 bits.
  __extension__ typedef __int128 i128;
  i128 p = static_cast<i128>(fen) * bp;
  i128 q = p >= 0 ? (p + 5000) / 10000 : -((-p + 5000) / 10000);
  return static_cast<int64_t>(q);
}

// --- Steps ----------------------------------------------------------------------------------

const std::vector<std::string>& order_states() {
  static const std::vector<std::string> v = {
      "requirement",  "consultation", "design",  "choice",     "approval", "acceptance",
      "construction", "confirmation", "billing", "in_service", "cancelled"};
  return v;
}

const std::vector<std::string>& order_steps() {
  static const std::vector<std::string> v(order_states().begin(), order_states().end() - 2);
  return v;
}

bool is_final_state(std::string_view s) {
  return s == "in_service" || s == "cancelled";
}

const std::vector<std::string>& order_actions() {
  static const std::vector<std::string> v = {"consult",
                                             "design",
                                             "propose",
                                             "choose",
                                             "revise",
                                             "approve",
                                             "refuse",
                                             "start-construction",
                                             "finish-construction",
                                             "rework",
                                             "confirm",
                                             "start-billing",
                                             "cancel"};
  return v;
}

namespace {

struct Edge {
  const char* from;
  const char* action;
  const char* to;
};

// The flow of seed 002: requirement → consultation → solution design → the customer chooses
// (→ approval when the discount is beyond the creator's limit) → acceptance → construction and
// testing → written confirmation → billing starts → in service.
constexpr Edge kEdges[] = {
    {"requirement", "consult", "consultation"},
    {"consultation", "design", "design"},
    {"design", "propose", "choice"},
    {"choice", "choose", "acceptance"},
    {"choice", "revise", "design"},
    {"approval", "approve", "acceptance"},
    {"approval", "refuse", "design"},
    {"acceptance", "start-construction", "construction"},
    {"construction", "finish-construction", "confirmation"},
    {"confirmation", "rework", "construction"},
    {"confirmation", "confirm", "billing"},
    {"billing", "start-billing", "in_service"},
};

}  // namespace

std::vector<std::string> state_actions(std::string_view state) {
  std::vector<std::string> out;
  for (const auto& e : kEdges) {
    if (state == e.from) out.emplace_back(e.action);
  }
  if (!is_final_state(state) && is_one_of(order_states(), state)) out.emplace_back("cancel");
  return out;
}

std::optional<std::string> next_state(std::string_view state, std::string_view action,
                                      bool needs_approval) {
  if (action == "cancel") {
    if (is_final_state(state) || !is_one_of(order_states(), state)) return std::nullopt;
    return std::string("cancelled");
  }
  for (const auto& e : kEdges) {
    if (state == e.from && action == e.action) {
      if (action == "choose" && needs_approval) return std::string("approval");
      return std::string(e.to);
    }
  }
  return std::nullopt;
}

// --- Pricing --------------------------------------------------------------------------------

LineAmounts price_line(const PricedLine& l) {
  LineAmounts a;
  a.list_fen = l.quantity * l.unit_price_fen;
  a.subsidy_fen = share_bp(a.list_fen, l.subsidy_bp);
  int64_t after_subsidy = a.list_fen - a.subsidy_fen;
  a.discount_fen = share_bp(after_subsidy, l.discount_bp);
  a.net_fen = after_subsidy - a.discount_fen;
  a.cost_fen = l.quantity * l.unit_cost_fen;
  a.margin_fen = a.net_fen - a.cost_fen;
  return a;
}

void Amounts::add(const LineAmounts& a, int64_t times) {
  list_fen += a.list_fen * times;
  subsidy_fen += a.subsidy_fen * times;
  discount_fen += a.discount_fen * times;
  net_fen += a.net_fen * times;
  cost_fen += a.cost_fen * times;
  margin_fen += a.margin_fen * times;
}

OptionTotals total_option(const std::vector<PricedLine>& lines, int64_t term_months) {
  OptionTotals t;
  for (const auto& l : lines) {
    LineAmounts a = price_line(l);
    bool monthly = l.charge == "monthly";
    (monthly ? t.monthly : t.one_time).add(a);
    t.term.add(a, monthly ? term_months : 1);
    t.max_discount_bp = std::max(t.max_discount_bp, l.discount_bp);
  }
  if (t.term.net_fen > 0) {
    t.margin_bp = static_cast<int64_t>(std::llround(static_cast<double>(t.term.margin_fen) *
                                                    10000.0 / static_cast<double>(t.term.net_fen)));
  }
  return t;
}

// --- Discount authority ---------------------------------------------------------------------

const std::vector<Role>& discount_ladder() {
  static const std::vector<Role> v = {Role::kAccountManager, Role::kSupervisor, Role::kAdmin};
  return v;
}

int64_t DiscountLimits::limit(std::string_view role, std::string_view category) const {
  auto r = bp.find(std::string(role));
  if (r == bp.end()) return 0;
  auto c = r->second.find(std::string(category));
  return c == r->second.end() ? 0 : c->second;
}

DiscountLimits DiscountLimits::defaults() {
  DiscountLimits d;
  for (const auto& [role, bp] : {std::pair{"account_manager", 500}, std::pair{"supervisor", 1500},
                                 std::pair{"admin", 3000}}) {
    for (const auto& c : product_categories()) d.bp[role][c] = bp;
  }
  return d;
}

json DiscountLimits::to_json() const {
  json j = json::object();
  for (const auto& [role, cats] : bp) {
    for (const auto& [c, v] : cats) j[role][c] = v;
  }
  return j;
}

Result<DiscountLimits> DiscountLimits::from_json(const json& j) {
  if (!j.is_object()) return Error::invalid("limits", "must be an object of roles");
  DiscountLimits d;
  for (const auto& [role, cats] : j.items()) {
    auto r = parse_role(role);
    if (!r || std::find(discount_ladder().begin(), discount_ladder().end(), *r) ==
                  discount_ladder().end()) {
      return Error::invalid("limits." + role,
                            "only account_manager, supervisor and admin grant discounts");
    }
    if (!cats.is_object())
      return Error::invalid("limits." + role, "must be an object of product lines");
    for (const auto& [c, v] : cats.items()) {
      if (!is_one_of(product_categories(), c))
        return Error::invalid("limits." + role + "." + c, "is not a product line");
      if (!v.is_number_integer() || v.get<int64_t>() < 0 || v.get<int64_t>() > 10000) {
        return Error::invalid("limits." + role + "." + c,
                              "must be between 0 and 10000 basis points");
      }
      d.bp[role][c] = v.get<int64_t>();
    }
  }
  return d;
}

bool may_grant(const DiscountLimits& limits, Role role, const std::vector<DiscountLine>& lines) {
  for (const auto& l : lines) {
    if (l.discount_bp > limits.limit(role_name(role), l.category)) return false;
  }
  return true;
}

Authority check_authority(const DiscountLimits& limits, Role creator,
                          const std::vector<DiscountLine>& lines) {
  Authority a;
  for (size_t i = 0; i < lines.size(); ++i) {
    int64_t lim = limits.limit(role_name(creator), lines[i].category);
    if (lines[i].discount_bp > lim)
      a.over.push_back({i, lines[i].category, lines[i].discount_bp, lim});
  }
  a.within_limit = a.over.empty();
  if (a.within_limit) return a;
  const auto& ladder = discount_ladder();
  auto at = std::find(ladder.begin(), ladder.end(), creator);
  for (auto it = at == ladder.end() ? ladder.begin() : at + 1; it != ladder.end(); ++it) {
    if (may_grant(limits, *it, lines)) {
      a.approver = *it;
      break;
    }
  }
  return a;
}

// --- Step targets ---------------------------------------------------------------------------

StepSettings StepSettings::defaults() {
  StepSettings s;
  s.targets_hours = {{"requirement", 24},   {"consultation", 48}, {"design", 120},
                     {"choice", 168},       {"approval", 24},     {"acceptance", 48},
                     {"construction", 240}, {"confirmation", 72}, {"billing", 48}};
  s.survey_delay_days = 3;
  return s;
}

json StepSettings::to_json() const {
  json t = json::object();
  for (const auto& step : order_steps())
    t[step] = targets_hours.count(step) ? targets_hours.at(step) : 0;
  return {{"targets_hours", t}, {"survey_delay_days", survey_delay_days}};
}

Result<StepSettings> StepSettings::from_json(const json& j) {
  if (!j.is_object()) return Error::invalid("config", "must be an object");
  StepSettings s = defaults();
  for (const auto& [k, v] : j.items()) {
    if (k == "targets_hours") {
      if (!v.is_object())
        return Error::invalid("config.targets_hours", "must be an object of steps");
      for (const auto& [step, h] : v.items()) {
        if (!is_one_of(order_steps(), step))
          return Error::invalid("config.targets_hours." + step, "is not a step of an order");
        if (!h.is_number_integer() || h.get<int64_t>() < 1 || h.get<int64_t>() > 8760) {
          return Error::invalid("config.targets_hours." + step,
                                "must be a whole number of hours between 1 and 8760");
        }
        s.targets_hours[step] = h.get<int64_t>();
      }
    } else if (k == "survey_delay_days") {
      if (!v.is_number_integer() || v.get<int64_t>() < 0 || v.get<int64_t>() > 90) {
        return Error::invalid("config.survey_delay_days",
                              "must be a whole number of days between 0 and 90");
      }
      s.survey_delay_days = v.get<int64_t>();
    } else {
      return Error::invalid("config." + k, "is not a setting of the order steps");
    }
  }
  return s;
}

int64_t StepSettings::target_seconds(std::string_view step) const {
  auto it = targets_hours.find(std::string(step));
  return it == targets_hours.end() ? 0 : it->second * 3600;
}

// --- Statistics -----------------------------------------------------------------------------

DurationStats summarize_durations(std::vector<int64_t> s) {
  DurationStats d;
  d.count = static_cast<int64_t>(s.size());
  if (s.empty()) return d;
  std::sort(s.begin(), s.end());
  double sum = 0;
  for (auto v : s) sum += static_cast<double>(v);
  auto rank = [&](double q) {
    size_t k = static_cast<size_t>(std::ceil(q * static_cast<double>(s.size())));
    return static_cast<double>(s[std::clamp<size_t>(k, 1, s.size()) - 1]) / 3600.0;
  };
  d.mean_hours = sum / static_cast<double>(s.size()) / 3600.0;
  d.p50_hours = rank(0.5);
  d.p90_hours = rank(0.9);
  d.max_hours = static_cast<double>(s.back()) / 3600.0;
  return d;
}

std::string order_number(int64_t id, int64_t created_at) {
  std::string date = shanghai_date(created_at);
  date.erase(std::remove(date.begin(), date.end(), '-'), date.end());
  std::string n = std::to_string(id);
  if (n.size() < 5) n = std::string(5 - n.size(), '0') + n;
  return "DD" + date + "-" + n;
}

}  // namespace kam::domain
