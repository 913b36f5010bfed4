// Tariff advice: usage in, the cost under every active package out (domain/tariff.h does the
// arithmetic; this reads the catalogue and the members' usage and checks access).

#include "services/alerts/tariff_service.h"

#include <map>

#include "domain/masking.h"
#include "domain/usage_fields.h"
#include "engine/usage_store.h"

namespace kam::services {
namespace {

using domain::TariffCost;
using domain::TariffUsage;
using domain::UsageField;

struct MemberUsage {
  TariffUsage usage;
  int64_t bill_fen = 0;
  int months = 0;
};

json cost_json(const TariffCost& c) {
  return {{"package_id", c.package_id},
          {"name", c.name},
          {"monthly_fee_fen", c.monthly_fee_fen},
          {"overage",
           {{"minutes", c.minutes_over},
            {"data_mb", c.data_mb_over},
            {"sms", c.sms_over},
            {"minutes_fen", c.minutes_fen},
            {"data_fen", c.data_fen},
            {"sms_fen", c.sms_fen}}},
          {"total_fen", c.total_fen}};
}

json usage_json(const TariffUsage& u) {
  return {{"mou", u.mou}, {"data_mb", u.data_mb}, {"sms", u.sms}};
}

json advice_json(const domain::TariffAdvice& adv) {
  json options = json::array();
  for (const auto& o : adv.options) options.push_back(cost_json(o));
  return {{"options", options},
          {"best", adv.best ? cost_json(*adv.best) : json(nullptr)},
          {"current_fen", adv.current_fen ? json(*adv.current_fen) : json(nullptr)},
          {"saving_fen", adv.saving_fen}};
}

// The average monthly usage and bill of each member over the last `months` stored months in
// which it has a record (rounded to whole units).
Result<std::map<int64_t, MemberUsage>> average_usage(db::Connection& c,
                                                     const std::vector<int64_t>& ids, int months,
                                                     json& used_months) {
  std::map<int64_t, MemberUsage> out;
  used_months = json::array();
  KAM_TRY(periods, engine::list_periods(c, engine::Granularity::kMonth));
  size_t first = periods.size() > static_cast<size_t>(months)
                     ? periods.size() - static_cast<size_t>(months)
                     : 0;
  const auto mask = engine::fields_of(
      {UsageField::kMou, UsageField::kDataMb, UsageField::kSms, UsageField::kBill});
  std::map<int64_t, std::array<int64_t, 4>> sums;
  for (size_t k = first; k < periods.size(); ++k) {
    KAM_TRY(f, engine::read_members(c, engine::Granularity::kMonth, periods[k].period, ids, mask));
    used_months.push_back(domain::month_text(periods[k].period));
    for (size_t i = 0; i < f.size(); ++i) {
      auto at = [&](UsageField fld) {
        return f.has(fld) && i < f.col(fld).size() ? f.col(fld)[i] : 0;
      };
      auto& s = sums[f.member_id[i]];
      s[0] += at(UsageField::kMou);
      s[1] += at(UsageField::kDataMb);
      s[2] += at(UsageField::kSms);
      s[3] += at(UsageField::kBill);
      ++out[f.member_id[i]].months;
    }
  }
  for (auto& [id, m] : out) {
    const auto& s = sums[id];
    auto avg = [&](int64_t v) { return (v + m.months / 2) / m.months; };
    m.usage = {avg(s[0]), avg(s[1]), avg(s[2])};
    m.bill_fen = avg(s[3]);
  }
  return out;
}

std::string shown_number(const Actor& a, const std::string& number) {
  return a.can(domain::Perm::kSeePhone) ? number : domain::mask_phone(number);
}

}  // namespace

TariffService::TariffService(Records& records) : records_(records) {
  hooks_.read_perm = domain::Perm::kArchiveRead;
  hooks_.create_perm = domain::Perm::kTariffManage;
  hooks_.write_perm = domain::Perm::kTariffManage;
  hooks_.delete_perm = domain::Perm::kTariffManage;
}

Result<std::vector<domain::TariffPackage>> TariffService::catalogue(db::Connection& c) {
  KAM_TRY(
      rows,
      c.query(
          "SELECT id, name, monthly_fee_fen, minutes, data_mb, sms, overage_minute_fen, "
          "overage_mb_fen, "
          "overage_sms_fen FROM tariff_packages WHERE active = 1 ORDER BY monthly_fee_fen, id"));
  std::vector<domain::TariffPackage> out;
  for (const auto& r : rows) {
    out.push_back({r.i64(0), r.text(1), r.i64(2), r.i64(3), r.i64(4), r.i64(5), r.i64(6), r.i64(7),
                   r.i64(8)});
  }
  return out;
}

Result<json> TariffService::advice(const Actor& a, const AdviceQuery& q) {
  if (!a.can(domain::Perm::kArchiveRead))
    return Error::forbidden("your role cannot use the tariff calculator");
  int given = (q.member_id ? 1 : 0) + (q.customer_id ? 1 : 0) + (q.usage ? 1 : 0);
  if (given != 1)
    return Error::invalid(
        "member_id", "give exactly one of member_id, customer_id or the usage (mou, data_mb, sms)");
  if (q.months < 1 || q.months > 12) return Error::invalid("months", "must be between 1 and 12");
  if (q.current_fen && !q.usage)
    return Error::invalid("current_fen", "goes with a typed-in usage only");
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(cat, catalogue(*lease));
  if (q.member_id) return member_advice(*lease, a, *q.member_id, q.months, cat);
  if (q.customer_id) return customer_advice(*lease, a, *q.customer_id, q.months, cat);
  const TariffUsage& u = *q.usage;
  for (auto [name, v] :
       {std::pair{"mou", u.mou}, std::pair{"data_mb", u.data_mb}, std::pair{"sms", u.sms}}) {
    if (v < 0 || v > 100'000'000) return Error::invalid(name, "must be between 0 and 100000000");
  }
  if (q.current_fen && (*q.current_fen < 0 || *q.current_fen > 100'000'000'00)) {
    return Error::invalid("current_fen", "must be between 0 and 10000000000");
  }
  json out = advice_json(domain::advise(cat, u, q.current_fen));
  out["basis"] = "usage";
  out["usage"] = usage_json(u);
  return out;
}

Result<json> TariffService::member_advice(db::Connection& c, const Actor& a, int64_t member_id,
                                          int months,
                                          const std::vector<domain::TariffPackage>& cat) {
  KAM_TRY(m,
          c.query_one("SELECT customer_id, number, COALESCE(package, '') FROM members WHERE id = ?",
                      {member_id}));
  if (!m) return Error::not_found("member");
  KAM_TRY(visible, records_.customer_visible(c, a, m->i64(0)));
  if (!visible) return Error::not_found("member");
  json used;
  KAM_TRY(usage, average_usage(c, {member_id}, months, used));
  auto it = usage.find(member_id);
  if (it == usage.end()) {
    return Error::invalid("member_id", "this member has no usage in the last " +
                                           std::to_string(months) +
                                           " stored months: type the usage in instead");
  }
  json out = advice_json(domain::advise(cat, it->second.usage, it->second.bill_fen));
  out["basis"] = "member";
  out["usage"] = usage_json(it->second.usage);
  out["months"] = used;
  out["months_with_usage"] = it->second.months;
  out["member"] = {{"id", member_id},
                   {"customer_id", m->i64(0)},
                   {"number", shown_number(a, m->text(1))},
                   {"package", m->text(2)}};
  return out;
}

Result<json> TariffService::customer_advice(db::Connection& c, const Actor& a, int64_t customer_id,
                                            int months,
                                            const std::vector<domain::TariffPackage>& cat) {
  KAM_TRY(visible, records_.customer_visible(c, a, customer_id));
  if (!visible) return Error::not_found("customer");
  KAM_TRY(cust, c.query_one("SELECT name FROM customers WHERE id = ?", {customer_id}));
  KAM_TRY(rows, c.query("SELECT id, number, COALESCE(package, '') FROM members WHERE customer_id = "
                        "? AND status <> "
                        "'cancelled' ORDER BY id",
                        {customer_id}));
  std::vector<int64_t> ids;
  for (const auto& r : rows) ids.push_back(r.i64(0));
  json used;
  KAM_TRY(usage, average_usage(c, ids, months, used));
  json members = json::array();
  int64_t current = 0, best = 0, saving = 0, without = 0;
  for (const auto& r : rows) {
    auto it = usage.find(r.i64(0));
    if (it == usage.end()) {
      ++without;
      continue;
    }
    auto adv = domain::advise(cat, it->second.usage, it->second.bill_fen);
    json b = adv.best ? json{{"package_id", adv.best->package_id},
                             {"name", adv.best->name},
                             {"total_fen", adv.best->total_fen}}
                      : json(nullptr);
    members.push_back({{"member_id", r.i64(0)},
                       {"number", shown_number(a, r.text(1))},
                       {"package", r.text(2)},
                       {"usage", usage_json(it->second.usage)},
                       {"current_fen", it->second.bill_fen},
                       {"best", b},
                       {"saving_fen", adv.saving_fen}});
    current += it->second.bill_fen;
    best += it->second.bill_fen - adv.saving_fen;  // switching only where it saves
    saving += adv.saving_fen;
  }
  json packages = json::array();
  for (const auto& p : cat)
    packages.push_back({{"id", p.id}, {"name", p.name}, {"monthly_fee_fen", p.monthly_fee_fen}});
  return json{{"basis", "customer"},
              {"customer_id", customer_id},
              {"customer_name", cust ? json(cust->text(0)) : json(nullptr)},
              {"months", used},
              {"members", members},
              {"members_without_usage", without},
              {"packages", packages},
              {"total", {{"current_fen", current}, {"best_fen", best}, {"saving_fen", saving}}}};
}

}  // namespace kam::services
