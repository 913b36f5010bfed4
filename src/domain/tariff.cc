#include "domain/tariff.h"

#include <algorithm>

namespace kam::domain {

TariffCost tariff_cost(const TariffPackage& p, const TariffUsage& u) {
  TariffCost c;
  c.package_id = p.id;
  c.name = p.name;
  c.monthly_fee_fen = p.monthly_fee_fen;
  c.minutes_over = std::max<int64_t>(0, u.mou - p.minutes);
  c.data_mb_over = std::max<int64_t>(0, u.data_mb - p.data_mb);
  c.sms_over = std::max<int64_t>(0, u.sms - p.sms);
  c.minutes_fen = c.minutes_over * p.overage_minute_fen;
  c.data_fen = c.data_mb_over * p.overage_mb_fen;
  c.sms_fen = c.sms_over * p.overage_sms_fen;
  c.total_fen = p.monthly_fee_fen + c.minutes_fen + c.data_fen + c.sms_fen;
  return c;
}

TariffAdvice advise(const std::vector<TariffPackage>& catalogue, const TariffUsage& u,
                    std::optional<int64_t> current_fen) {
  TariffAdvice a;
  a.current_fen = current_fen;
  for (const auto& p : catalogue) a.options.push_back(tariff_cost(p, u));
  // At equal cost the package that covers the usage (less overage) is the safer advice: next
  // month's usage varies, overage is where bills jump.
  auto over = [](const TariffCost& c) { return c.minutes_fen + c.data_fen + c.sms_fen; };
  std::stable_sort(a.options.begin(), a.options.end(),
                   [&](const TariffCost& x, const TariffCost& y) {
                     if (x.total_fen != y.total_fen) return x.total_fen < y.total_fen;
                     if (over(x) != over(y)) return over(x) < over(y);
                     if (x.monthly_fee_fen != y.monthly_fee_fen)
                       return x.monthly_fee_fen < y.monthly_fee_fen;
                     return x.package_id < y.package_id;
                   });
  if (!a.options.empty()) a.best = a.options.front();
  if (a.best && current_fen) a.saving_fen = std::max<int64_t>(0, *current_fen - a.best->total_fen);
  return a;
}

const EntitySpec& tariff_package_spec() {
  static const EntitySpec s = [] {
    EntitySpec e;
    e.name = "tariff_package";
    e.table = "tariff_packages";
    e.path = "tariff-packages";
    e.title = "tariff package";
    e.scoping = Scoping::kNone;
    e.default_sort = "monthly_fee_fen";
    auto field = [](std::string name, FieldType t) {
      FieldSpec f;
      f.name = std::move(name);
      f.type = t;
      return f;
    };
    FieldSpec name = field("name", FieldType::kString);
    name.required = true;
    name.max_len = 100;
    name.sort = true;
    FieldSpec family = field("family", FieldType::kString);
    family.max_len = 40;
    family.filter = true;
    family.description = "product line, e.g. 5G, 全球通, 流量";
    auto amount = [&](std::string n, int64_t max, std::string desc, bool required = false) {
      FieldSpec f = field(std::move(n), FieldType::kMoney);
      f.min = 0;
      f.max = max;
      f.required = required;
      if (!required) f.default_value = "0";
      f.description = std::move(desc);
      return f;
    };
    auto count = [&](std::string n, int64_t max, std::string desc) {
      FieldSpec f = field(std::move(n), FieldType::kInt);
      f.min = 0;
      f.max = max;
      f.default_value = "0";
      f.description = std::move(desc);
      return f;
    };
    FieldSpec fee = amount("monthly_fee_fen", 10'000'000, "monthly fee", true);
    fee.sort = true;
    FieldSpec active = field("active", FieldType::kBool);
    active.default_value = "true";
    active.filter = true;
    active.description = "only active packages are offered by the tariff calculator";
    FieldSpec note = field("note", FieldType::kText);
    note.max_len = 1000;
    e.fields = {name,
                family,
                fee,
                count("minutes", 100'000, "included outgoing minutes per month"),
                count("data_mb", 10'000'000, "included data per month in MB"),
                count("sms", 100'000, "included SMS per month"),
                amount("overage_minute_fen", 10'000, "price per minute beyond the allowance"),
                amount("overage_mb_fen", 10'000, "price per MB beyond the allowance"),
                amount("overage_sms_fen", 10'000, "price per SMS beyond the allowance"),
                active,
                note};
    return e;
  }();
  return s;
}

}  // namespace kam::domain
