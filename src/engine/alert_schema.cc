#include "engine/alert_schema.h"

#include "domain/entity_spec.h"

namespace kam::engine {

using rules::FieldDef;
using rules::Type;

const std::vector<std::string>& tier_values() {
  static const std::vector<std::string> v = {"gold", "silver", "bronze", "do_not_serve"};
  return v;
}
const std::vector<std::string>& grade_values() {
  static const std::vector<std::string> v = {"important", "extra_large", "ordinary", "small",
                                             "individual"};
  return v;
}
const std::vector<std::string>& stage_values() {
  static const std::vector<std::string> v = {"acquisition", "growth", "maturity", "decline",
                                             "churn"};
  return v;
}
const std::vector<std::string>& zone_values() {
  static const std::vector<std::string> v = {"none", "blue", "green", "yellow", "red", "white"};
  return v;
}
const std::vector<std::string>& customer_status_values() {
  return domain::customer_statuses();
}

namespace {

FieldDef num(std::string name, bool history, std::string description) {
  FieldDef f;
  f.name = std::move(name);
  f.type = Type::kNum;
  f.history = history;
  f.description = std::move(description);
  return f;
}
FieldDef date(std::string name, std::string description) {
  FieldDef f = num(std::move(name), false, std::move(description));
  f.date = true;
  return f;
}
FieldDef cat(std::string name, bool history, std::vector<std::string> values,
             std::string description, bool open = false) {
  FieldDef f;
  f.name = std::move(name);
  f.type = Type::kCat;
  f.history = history;
  f.categories = std::move(values);
  f.open_categories = open;
  f.description = std::move(description);
  return f;
}
FieldDef flag(std::string name, std::string description) {
  FieldDef f;
  f.name = std::move(name);
  f.type = Type::kBool;
  f.description = std::move(description);
  return f;
}
FieldDef macro(std::string name, std::string definition, std::string description) {
  FieldDef f = num(std::move(name), true, std::move(description));
  f.macro = std::move(definition);
  return f;
}

// Customer attributes every member rule can see too.
void add_customer_attributes(std::vector<FieldDef>& f) {
  f.push_back(cat("tier", false, tier_values(), "the customer's value tier this month"));
  f.push_back(cat("grade", false, grade_values(),
                  "the customer's grade (important, extra_large, ordinary, small, individual)"));
  f.push_back(
      cat("kind", false, {"group", "individual"}, "group customer or high-value individual"));
  f.push_back(cat("org_type", false, domain::org_types(), "organisation type of the group"));
  f.push_back(cat("industry", false, {}, "industry of the group (text as in the archive)", true));
}

}  // namespace

const rules::Schema& member_rule_schema() {
  static const rules::Schema s = [] {
    rules::Schema m;
    m.level = "member";
    m.max_history = 6;
    m.fields = {
        num("bill", true, "amount billed, yuan"),
        num("package_fee", true, "monthly package fee, yuan"),
        num("mou", true, "outgoing minutes"),
        num("data_mb", true, "data volume, MB"),
        num("sms", true, "SMS sent"),
        num("zero_call_days", true, "days without a call"),
        num("competitor_calls", true, "calls to competitors' service numbers"),
        num("arrears", true, "unpaid at month end, yuan"),
        num("min_spend", true, "minimum-spend commitment, yuan (0: none)"),
        num("points_balance", true, "points balance"),
        cat("status", true, {"normal", "suspended", "pre_cancelled", "cancelled"}, "member status"),
        date("contract_end", "end date of the member's contract"),
        date("points_expiry", "when the points expire"),
        cat("zone", true, zone_values(), "colour zone"),
        num("tenure_months", false, "months since the member joined"),
        [] {
          FieldDef f = flag("key_member", "a key member of its group (by bill, see docs/value.md)");
          f.history = true;
          return f;
        }(),
        flag("family_plan_candidate",
             "calls one other-operator number often enough for the family plan"),
        num("churn_score", false,
            "churn propensity 0..1 from the current model (unknown without one)"),
        macro("bill_drop_pct", "(bill[-2] - bill[-1]) / bill[-2] * 100",
              "bill drop against the month before, %"),
        macro("mou_drop_pct", "(mou[-2] - mou[-1]) / mou[-2] * 100",
              "MOU drop against the month before, %"),
        macro("data_drop_pct", "(data_mb[-2] - data_mb[-1]) / data_mb[-2] * 100",
              "data drop against the month before, %"),
        macro("bill_vs_package_pct", "bill[-1] / package_fee[-1] * 100",
              "bill as a share of the package fee, %"),
    };
    add_customer_attributes(m.fields);
    return m;
  }();
  return s;
}

const rules::Schema& customer_rule_schema() {
  static const rules::Schema s = [] {
    rules::Schema c;
    c.level = "customer";
    c.members = &member_rule_schema();
    c.max_history = 6;
    c.fields = {
        num("revenue", true, "revenue (sum of the members' bills), yuan"),
        num("margin", true, "margin, yuan"),
        num("arrears", true, "arrears, yuan"),
        num("mou", true, "outgoing minutes of all members"),
        num("data_mb", true, "data of all members, MB"),
        num("members_total", true, "members with usage"),
        num("members_active", true, "members in normal status"),
        num("members_key", true, "key members"),
        num("members_new", true, "members new this month"),
        num("members_churned", true, "members gone or cancelled this month"),
        num("total_score", true, "value score 0..100"),
        num("rank", false, "value rank (1 = most valuable)"),
        num("clv", false, "customer lifetime value, yuan"),
        cat("tier", true, tier_values(), "value tier"),
        cat("grade", false, grade_values(), "grade"),
        cat("stage", true, stage_values(), "lifecycle stage"),
        cat("zone", true, zone_values(), "the group's colour zone"),
        cat("kind", false, {"group", "individual"}, "group customer or high-value individual"),
        cat("org_type", false, domain::org_types(), "organisation type"),
        cat("industry", false, {}, "industry (text as in the archive)", true),
        cat("status", false, customer_status_values(), "archive status"),
        num("tenure_months", false, "months since the first member joined"),
        date("contract_end", "end date of the customer's nearest active contract"),
        date("competitor_bundle_end", "end date of the nearest competitor bundle the customer has"),
        flag("has_competitor", "another operator serves the customer"),
        num("churn_score", false,
            "churn propensity 0..1 (the customer's, or its highest member's)"),
        macro("revenue_drop_pct", "(revenue[-2] - revenue[-1]) / revenue[-2] * 100",
              "revenue drop against the month before, %"),
        macro("active_members_drop_pct",
              "(members_active[-2] - members_active[-1]) / members_active[-2] * 100",
              "drop in active members against the month before, %"),
    };
    return c;
  }();
  return s;
}

}  // namespace kam::engine
