#include "engine/alert_engine.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "common/clock.h"
#include "domain/entity_spec.h"
#include "engine/alert_schema.h"

namespace kam::engine {
namespace {

using domain::UsageField;
using rules::Input;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// For each row of `to`, the row of `from` with the same member, or -1 (both sorted by member).
std::vector<int32_t> align(const UsageFrame& to, const UsageFrame& from) {
  std::vector<int32_t> out(to.size(), -1);
  size_t j = 0;
  for (size_t r = 0; r < to.size(); ++r) {
    while (j < from.size() && from.member_id[j] < to.member_id[r]) ++j;
    if (j < from.size() && from.member_id[j] == to.member_id[r]) out[r] = static_cast<int32_t>(j);
  }
  return out;
}

domain::MemberMonth month_of(const UsageFrame& f, int64_t row) {
  domain::MemberMonth m;
  if (row < 0 || f.col(UsageField::kBill).empty()) return m;
  size_t r = static_cast<size_t>(row);
  m.present = true;
  m.bill_fen = f.col(UsageField::kBill)[r];
  m.mou = f.col(UsageField::kMou)[r];
  m.min_spend_fen = f.col(UsageField::kMinSpend)[r];
  m.status = f.col(UsageField::kStatus)[r];
  return m;
}

// Zones of every row of `last`, given the month before; and each row's revenue weight.
void zones_for(const domain::ZoneConfig& c, const UsageFrame& last, const UsageFrame& before,
               std::vector<int8_t>& zone, std::vector<int64_t>& weight) {
  auto idx = align(last, before);
  zone.assign(last.size(), 0);
  weight.assign(last.size(), 0);
  for (size_t r = 0; r < last.size(); ++r) {
    auto b = month_of(before, idx[r]);
    auto l = month_of(last, static_cast<int64_t>(r));
    zone[r] = static_cast<int8_t>(domain::member_zone(c, b, l));
    weight[r] = std::max(l.bill_fen, b.present ? b.bill_fen : 0);
  }
}

// Group zones from member zones: per position, members and weight by zone.
void group_zones(const domain::ZoneConfig& c, const ArchiveSnapshot& a, const UsageFrame& f,
                 const std::vector<int8_t>& zone, const std::vector<int64_t>& weight,
                 std::vector<int8_t>& out,
                 std::vector<std::array<int32_t, domain::kZoneCount>>* members) {
  size_t nc = a.customers.size();
  std::vector<std::array<int64_t, domain::kZoneCount>> revenue(nc);
  std::vector<uint8_t> seen(nc, 0);
  if (members) members->assign(nc, {});
  for (auto& r : revenue) r.fill(0);
  for (size_t r = 0; r < f.size(); ++r) {
    int64_t p = a.position_of(f.customer_id[r]);
    if (p < 0) continue;
    revenue[static_cast<size_t>(p)][static_cast<size_t>(zone[r])] += weight[r];
    seen[static_cast<size_t>(p)] = 1;
    if (members) (*members)[static_cast<size_t>(p)][static_cast<size_t>(zone[r])] += 1;
  }
  out.assign(nc, -1);
  for (size_t p = 0; p < nc; ++p) {
    if (seen[p]) out[p] = static_cast<int8_t>(domain::group_zone(c, revenue[p]));
  }
}

rules::Schema with_industries(const rules::Schema& s, const std::vector<std::string>& industries) {
  rules::Schema out = s;
  for (auto& f : out.fields) {
    if (f.name == "industry") f.categories = industries;
  }
  return out;
}

std::vector<std::string> industries_of(const ArchiveSnapshot* a) {
  std::set<std::string> set;
  if (a) {
    for (const auto& c : a->customers) {
      if (!c.industry.empty()) set.insert(c.industry);
    }
  }
  return {set.begin(), set.end()};
}

int32_t code_of(const std::vector<std::string>& values, const std::string& v) {
  auto it = std::find(values.begin(), values.end(), v);
  return it == values.end() ? -1 : static_cast<int32_t>(it - values.begin());
}

// Builds the columns a set of programs reads.
class BatchBuilder {
 public:
  BatchBuilder(const EngineInputs& in, const rules::Schema& ms, const rules::Schema& cs,
               const EngineOutput& out, const std::vector<std::string>& industries)
      : in_(in), ms_(ms), cs_(cs), out_(out), industries_(industries) {
    const UsageFrame& f0 = in.frames[0];
    position_.resize(f0.size());
    member_customer_.resize(f0.size());
    for (size_t r = 0; r < f0.size(); ++r) {
      position_[r] = in.archive.position_of(f0.customer_id[r]);
      member_customer_[r] = static_cast<int32_t>(position_[r]);
    }
    aligned_.resize(in.frames.size());
    members_.rows = f0.size();
    members_.ref_day = in.ref_day;
    customers_.rows = in.archive.customers.size();
    customers_.ref_day = in.ref_day;
  }

  rules::Batch& members() { return members_; }
  rules::Batch& customers() { return customers_; }
  const std::vector<int32_t>& member_customer() const { return member_customer_; }

  void need_member(const Input& i) {
    if (members_.num.count(i) || members_.cat.count(i)) return;
    const auto& f = ms_.fields[static_cast<size_t>(i.field)];
    const UsageFrame& f0 = in_.frames[0];
    size_t n = f0.size();
    size_t k = static_cast<size_t>(i.offset - 1);
    const std::string& name = f.name;
    if (name == "zone") {
      std::vector<int32_t> z(n, -1);
      if (k == 0) {
        for (size_t r = 0; r < n; ++r) z[r] = out_.member_zone[r];
      } else if (k + 1 < in_.frames.size()) {
        std::vector<int8_t> zk;
        std::vector<int64_t> w;
        zones_for(in_.zones, in_.frames[k], in_.frames[k + 1], zk, w);
        const auto& idx = aligned(k);
        for (size_t r = 0; r < n; ++r) z[r] = idx[r] < 0 ? -1 : zk[static_cast<size_t>(idx[r])];
      }
      members_.cat[i] = std::move(z);
      return;
    }
    if (name == "status") {
      std::vector<int32_t> v(n, -1);
      if (k < in_.frames.size() && !in_.frames[k].col(UsageField::kStatus).empty()) {
        const auto& idx = aligned(k);
        const auto& col = in_.frames[k].col(UsageField::kStatus);
        for (size_t r = 0; r < n; ++r)
          v[r] = idx[r] < 0 ? -1 : static_cast<int32_t>(col[static_cast<size_t>(idx[r])]);
      }
      members_.cat[i] = std::move(v);
      return;
    }
    if (f.type == rules::Type::kCat) {  // customer attributes
      std::vector<int32_t> per_customer = customer_category(name);
      std::vector<int32_t> v(n, -1);
      for (size_t r = 0; r < n; ++r)
        v[r] = position_[r] < 0 ? -1 : per_customer[static_cast<size_t>(position_[r])];
      members_.cat[i] = std::move(v);
      return;
    }
    std::vector<double> v(n, kNaN);
    if (name == "tenure_months") {
      int64_t end = in_.ref_day - 1;
      for (size_t r = 0; r < n; ++r) {
        size_t id = static_cast<size_t>(f0.member_id[r]);
        int32_t join =
            id < in_.archive.member_join_day.size() ? in_.archive.member_join_day[id] : INT32_MIN;
        if (join != INT32_MIN && join <= end)
          v[r] = std::floor(static_cast<double>(end - join) / 30.4375);
      }
    } else if (name == "key_member") {
      if (k < in_.frames.size() && in_.frames[k].size()) {
        const UsageFrame& fk = in_.frames[k];
        std::vector<int64_t> pos(fk.size());
        for (size_t r = 0; r < fk.size(); ++r) pos[r] = in_.archive.position_of(fk.customer_id[r]);
        auto flags = key_members(fk, pos, in_.archive.customers.size(), in_.value_config);
        const auto& idx = aligned(k);
        for (size_t r = 0; r < n; ++r) v[r] = idx[r] < 0 ? 0 : flags[static_cast<size_t>(idx[r])];
      }
    } else if (name == "family_plan_candidate") {
      for (size_t r = 0; r < n; ++r) v[r] = r < in_.family_plan.size() ? in_.family_plan[r] : 0;
    } else if (name == "churn_score") {
      for (size_t r = 0; r < n && r < in_.member_churn_score.size(); ++r)
        v[r] = in_.member_churn_score[r];
    } else {
      int fi = domain::usage_field_index(usage_name(name));
      if (fi >= 0 && k < in_.frames.size() &&
          !in_.frames[k].cols[static_cast<size_t>(fi)].empty()) {
        const auto& spec = domain::usage_fields()[static_cast<size_t>(fi)];
        double scale = spec.kind == domain::UsageKind::kMoney ? 0.01 : 1.0;
        const auto& idx = aligned(k);
        const auto& col = in_.frames[k].cols[static_cast<size_t>(fi)];
        for (size_t r = 0; r < n; ++r) {
          if (idx[r] < 0) continue;
          int64_t x = col[static_cast<size_t>(idx[r])];
          v[r] = x == domain::kNoDate ? kNaN : static_cast<double>(x) * scale;
        }
      }
    }
    members_.num[i] = std::move(v);
  }

  void need_customer(const Input& i) {
    if (i.field < 0 || customers_.num.count(i) || customers_.cat.count(i)) return;
    const auto& f = cs_.fields[static_cast<size_t>(i.field)];
    const auto& a = in_.archive;
    size_t nc = a.customers.size();
    size_t k = static_cast<size_t>(i.offset - 1);
    const std::string& name = f.name;
    const ValueMonth* vm =
        k < in_.values.size() && in_.values[k].present ? &in_.values[k] : nullptr;
    if (f.type == rules::Type::kCat) {
      std::vector<int32_t> v(nc, -1);
      if (name == "zone") {
        const auto& z = k == 0 ? out_.customer_zone : out_.customer_zone_prev;
        if (k <= 1) {
          for (size_t p = 0; p < nc; ++p) v[p] = z[p];
        } else if (k + 1 < in_.frames.size()) {
          std::vector<int8_t> zk, gz;
          std::vector<int64_t> w;
          zones_for(in_.zones, in_.frames[k], in_.frames[k + 1], zk, w);
          group_zones(in_.zones, a, in_.frames[k], zk, w, gz, nullptr);
          for (size_t p = 0; p < nc; ++p) v[p] = gz[p];
        }
      } else if (name == "tier" || name == "stage") {
        if (vm) v = name == "tier" ? vm->tier : vm->stage;
      } else {
        v = customer_category(name);
      }
      customers_.cat[i] = std::move(v);
      return;
    }
    std::vector<double> v(nc, kNaN);
    auto day = [](int64_t d) { return d == INT64_MIN ? kNaN : static_cast<double>(d); };
    if (name == "tenure_months") {
      for (size_t p = 0; p < nc; ++p) {
        int64_t join = a.customers[p].first_join_day;
        if (join != INT64_MAX && join < in_.ref_day)
          v[p] = std::floor(static_cast<double>(in_.ref_day - 1 - join) / 30.4375);
      }
    } else if (name == "contract_end") {
      for (size_t p = 0; p < nc; ++p) v[p] = day(a.customers[p].contract_end_day);
    } else if (name == "competitor_bundle_end") {
      for (size_t p = 0; p < nc; ++p) v[p] = day(a.customers[p].competitor_bundle_end_day);
    } else if (name == "has_competitor") {
      for (size_t p = 0; p < nc; ++p) v[p] = a.customers[p].has_competitor;
    } else if (name == "churn_score") {
      for (size_t p = 0; p < nc && p < in_.customer_churn_score.size(); ++p)
        v[p] = in_.customer_churn_score[p];
    } else if (vm) {
      const std::vector<double>* src = nullptr;
      if (name == "revenue")
        src = &vm->revenue;
      else if (name == "margin")
        src = &vm->margin;
      else if (name == "arrears")
        src = &vm->arrears;
      else if (name == "mou")
        src = &vm->mou;
      else if (name == "data_mb")
        src = &vm->data_mb;
      else if (name == "members_total")
        src = &vm->members_total;
      else if (name == "members_active")
        src = &vm->members_active;
      else if (name == "members_key")
        src = &vm->members_key;
      else if (name == "members_new")
        src = &vm->members_new;
      else if (name == "members_churned")
        src = &vm->members_churned;
      else if (name == "total_score")
        src = &vm->total_score;
      else if (name == "rank")
        src = &vm->rank;
      else if (name == "clv")
        src = &vm->clv;
      if (src) v = *src;
    }
    customers_.num[i] = std::move(v);
  }

 private:
  // The usage field a member rule field reads ("bill" -> bill_fen).
  static std::string usage_name(const std::string& n) {
    for (const char* money : {"bill", "package_fee", "arrears", "min_spend"}) {
      if (n == money) return n + "_fen";
    }
    return n;
  }

  const std::vector<int32_t>& aligned(size_t k) {
    if (k == 0) {
      if (aligned_[0].empty()) {
        aligned_[0].resize(in_.frames[0].size());
        for (size_t r = 0; r < aligned_[0].size(); ++r) aligned_[0][r] = static_cast<int32_t>(r);
      }
      return aligned_[0];
    }
    if (aligned_[k].empty() && in_.frames[0].size())
      aligned_[k] = align(in_.frames[0], in_.frames[k]);
    return aligned_[k];
  }

  std::vector<int32_t> customer_category(const std::string& name) {
    const auto& a = in_.archive;
    std::vector<int32_t> v(a.customers.size(), -1);
    const ValueMonth* vm = !in_.values.empty() && in_.values[0].present ? &in_.values[0] : nullptr;
    for (size_t p = 0; p < a.customers.size(); ++p) {
      const auto& c = a.customers[p];
      if (name == "kind")
        v[p] = code_of({"group", "individual"}, c.kind);
      else if (name == "org_type")
        v[p] = code_of(domain::org_types(), c.org_type);
      else if (name == "industry")
        v[p] = code_of(industries_, c.industry);
      else if (name == "status")
        v[p] = code_of(customer_status_values(), c.status);
      else if (name == "tier" && vm)
        v[p] = vm->tier[p];
      else if (name == "grade" && vm)
        v[p] = vm->grade[p];
    }
    return v;
  }

  const EngineInputs& in_;
  const rules::Schema& ms_;
  const rules::Schema& cs_;
  const EngineOutput& out_;
  const std::vector<std::string>& industries_;
  std::vector<int64_t> position_;
  std::vector<int32_t> member_customer_;
  std::vector<std::vector<int32_t>> aligned_;
  rules::Batch members_, customers_;
};

}  // namespace

void ValueMonth::resize(size_t n) {
  for (auto* v : {&revenue, &margin, &arrears, &mou, &data_mb, &members_total, &members_active,
                  &members_key, &members_new, &members_churned, &total_score, &rank, &clv}) {
    v->assign(n, kNaN);
  }
  for (auto* v : {&tier, &grade, &stage}) v->assign(n, -1);
}

Result<rules::Program> compile_rule(const std::string& level, const std::string& condition,
                                    const ArchiveSnapshot* archive) {
  auto industries = industries_of(archive);
  rules::Schema ms = with_industries(member_rule_schema(), industries);
  if (level == "member") return rules::Program::compile(condition, ms);
  if (level != "customer") return Error::invalid("level", "must be member or customer");
  rules::Schema cs = with_industries(customer_rule_schema(), industries);
  cs.members = &ms;
  return rules::Program::compile(condition, cs);
}

EngineOutput run_engine(const EngineInputs& in, const std::vector<RuleSpec>& specs) {
  EngineOutput out;
  const UsageFrame& f0 = in.frames[0];
  static const UsageFrame empty;
  const UsageFrame& f1 = in.frames.size() > 1 ? in.frames[1] : empty;
  const UsageFrame& f2 = in.frames.size() > 2 ? in.frames[2] : empty;
  // Zones this month and the month before, for members and groups.
  zones_for(in.zones, f0, f1, out.member_zone, out.member_weight);
  group_zones(in.zones, in.archive, f0, out.member_zone, out.member_weight, out.customer_zone,
              &out.customer_zone_members);
  {
    std::vector<int8_t> z1;
    std::vector<int64_t> w1;
    zones_for(in.zones, f1, f2, z1, w1);
    group_zones(in.zones, in.archive, f1, z1, w1, out.customer_zone_prev, nullptr);
    auto idx = align(f0, f1);
    out.member_zone_prev.assign(f0.size(), -1);
    for (size_t r = 0; r < f0.size(); ++r)
      out.member_zone_prev[r] = idx[r] < 0 ? -1 : z1[static_cast<size_t>(idx[r])];
  }

  auto industries = industries_of(&in.archive);
  rules::Schema ms = with_industries(member_rule_schema(), industries);
  rules::Schema cs = with_industries(customer_rule_schema(), industries);
  cs.members = &ms;
  BatchBuilder b(in, ms, cs, out, industries);
  for (const auto& spec : specs) {
    RuleResult rr;
    rr.rule_id = spec.id;
    bool member_level = spec.level == "member";
    auto program = rules::Program::compile(spec.condition, member_level ? ms : cs);
    if (!program) {
      rr.status = program.error();
      out.rules.push_back(std::move(rr));
      continue;
    }
    std::vector<uint8_t> hit;
    Status st;
    if (member_level) {
      for (const auto& i : program->inputs()) b.need_member(i);
      st = program->evaluate(b.members(), hit);
    } else {
      for (const auto& i : program->inputs()) b.need_customer(i);
      for (const auto& i : program->member_inputs()) b.need_member(i);
      st = program->evaluate(b.customers(), hit, &b.members(), &b.member_customer());
    }
    if (!st) {
      rr.status = st;
      out.rules.push_back(std::move(rr));
      continue;
    }
    if (member_level) {
      // One match per customer, with how many of its members matched.
      std::vector<int32_t> match_of(in.archive.customers.size(), -1);
      const auto& owner = b.member_customer();
      for (size_t r = 0; r < hit.size(); ++r) {
        if (!hit[r] || owner[r] < 0) continue;
        int32_t& m = match_of[static_cast<size_t>(owner[r])];
        if (m < 0) {
          m = static_cast<int32_t>(rr.matches.size());
          rr.matches.push_back({owner[r], 0, {}});
        }
        auto& match = rr.matches[static_cast<size_t>(m)];
        ++match.members;
        if (match.sample_members.size() < 5) match.sample_members.push_back(f0.member_id[r]);
      }
    } else {
      for (size_t p = 0; p < hit.size(); ++p) {
        if (hit[p]) rr.matches.push_back({static_cast<int32_t>(p), 0, {}});
      }
    }
    out.rules.push_back(std::move(rr));
  }
  return out;
}

}  // namespace kam::engine
