// Demo usage: 24 months per member with seasonality and a story per customer (stable,
// growing, declining, churning), so value, tiers, lifecycle stages and warnings have something
// real to show. Deterministic for a seed.

#include <fmt/format.h>

#include <cmath>
#include <map>

#include "common/clock.h"
#include "demo/demo_data.h"
#include "engine/usage_store.h"

namespace kam::demo {
namespace {

using domain::UsageField;

// splitmix64: a small, good, deterministic generator per (seed, key).
struct Mix {
  uint64_t s;
  uint64_t next() {
    uint64_t z = (s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  int64_t range(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(next() % static_cast<uint64_t>(hi - lo + 1));
  }
  double normal() {  // Box-Muller
    double u = std::max(unit(), 1e-12), v = unit();
    return std::sqrt(-2.0 * std::log(u)) * std::cos(6.283185307179586 * v);
  }
};

enum class Story { kStable, kGrowth, kDecline, kChurn, kNone };

struct CustomerPlan {
  Story story = Story::kStable;
  int turn = 0;  // month index where decline starts or churn happens
  double growth = 0;
};

struct MemberRow {
  int64_t id, customer;
  int64_t price_fen;  // package price
  int64_t join_day;
  bool circuit;
  std::string status;
};

// "5G智享套餐 128元" -> 12800 fen.
int64_t package_price(const std::string& package, bool circuit) {
  if (circuit) return 300'000;
  auto pos = package.find("元");
  if (pos == std::string::npos) return 12'800;
  size_t b = pos;
  while (b > 0 && std::isdigit(static_cast<unsigned char>(package[b - 1]))) --b;
  if (b == pos) return 12'800;
  return std::stoll(package.substr(b, pos - b)) * 100;
}

double season(int month_of_year) {
  switch (month_of_year) {
    case 2:
      return 0.9;  // Spring Festival: offices close
    case 7:
    case 8:
      return 1.05;  // summer data
    case 12:
      return 1.06;  // year-end business
    default:
      return 1.0;
  }
}

}  // namespace

Result<DemoUsageSummary> write_demo_usage(db::Database& database, const Clock& clock, uint64_t seed,
                                          int months) {
  if (months < 1 || months > 60) return Error::invalid("months", "must be between 1 and 60");
  DemoUsageSummary sum;
  KAM_TRY(lease, database.acquire());
  std::map<int64_t, CustomerPlan> plans;
  std::map<int64_t, std::string> kinds;
  KAM_CHECK(lease->scan("SELECT id, status, kind FROM customers", {}, [&](const db::RowRef& r) {
    Mix m{seed * 1000003 + static_cast<uint64_t>(r.i64(0))};
    CustomerPlan p;
    std::string_view status = r.text(1);
    double u = m.unit();
    if (status == "prospect") {
      p.story = Story::kNone;
    } else if (status == "churned") {
      p.story = Story::kChurn;
      p.turn = static_cast<int>(m.range(months / 3, months - 2));
    } else if (status == "dormant" || u < 0.14) {
      p.story = Story::kDecline;
      p.turn = static_cast<int>(m.range(months / 2, months - 2));
    } else if (u < 0.30) {
      p.story = Story::kGrowth;
      p.growth = 0.01 + m.unit() * 0.03;
    }
    plans[r.i64(0)] = p;
    kinds[r.i64(0)] = std::string(r.text(2));
  }));
  std::vector<MemberRow> members;
  KAM_CHECK(lease->scan(
      "SELECT id, customer_id, COALESCE(package, ''), CAST(join_date AS TEXT), kind, status FROM "
      "members ORDER BY id",
      {}, [&](const db::RowRef& r) {
        bool circuit = r.text(4) == "circuit";
        auto jd = days_from_date(r.text(3).substr(0, 10));
        members.push_back({r.i64(0), r.i64(1), package_price(std::string(r.text(2)), circuit),
                           jd ? *jd : 0, circuit, std::string(r.text(5))});
      }));
  // The last complete month is the newest one.
  std::string today = shanghai_date(clock.now());
  int last =
      domain::month_add(std::stoi(today.substr(0, 4)) * 100 + std::stoi(today.substr(5, 2)), -1);
  int first = domain::month_add(last, -(months - 1));
  const auto field = [](UsageField f) { return static_cast<size_t>(domain::usage_field_index(f)); };

  auto last_start = days_from_date(domain::month_text(last) + "-01");
  const int64_t horizon = (last_start ? *last_start : 0) + domain::days_in_month(last) - 1;
  KAM_TRY(tx, db::Transaction::begin(lease));
  for (int t = 0; t < months; ++t) {
    int month = domain::month_add(first, t);
    auto month_start = days_from_date(domain::month_text(month) + "-01");
    int64_t start_day = month_start ? *month_start : 0;
    int64_t end_day = start_day + domain::days_in_month(month) - 1;
    engine::UsageFrame f;
    f.period = month;
    f.reserve(members.size());
    for (const auto& m : members) {
      const CustomerPlan& p = plans[m.customer];
      if (p.story == Story::kNone || m.join_day > end_day) continue;
      Mix rng{seed ^ (static_cast<uint64_t>(m.id) * 0x9E3779B97F4A7C15ULL) ^
              (static_cast<uint64_t>(t) << 48)};
      Mix stable{seed ^ (static_cast<uint64_t>(m.id) *
                         0xD1B54A32D192ED03ULL)};  // the member's constant traits
      double level = 0.55 + stable.unit() * 0.9;   // how much of the package this member uses
      bool committed = stable.unit() < 0.35;
      bool in_arrears = stable.unit() < 0.04;
      // The member's own fate: archive status cancelled or pre-cancelled means it left near the
      // end.
      int own_exit = m.status == "cancelled" ? months - 1 - static_cast<int>(stable.range(0, 3))
                     : m.status == "pre_cancelled" ? months - 1
                                                   : -1;
      double mult = season(month % 100);
      int64_t status = 0;
      int zero_days = static_cast<int>(rng.range(0, 2));
      int competitor = rng.unit() < 0.004 ? 1 : 0;
      switch (p.story) {
        case Story::kGrowth:
          mult *= 1.0 + p.growth * t;
          break;
        case Story::kDecline:
          if (t >= p.turn) {
            mult *= std::pow(0.9, t - p.turn + 1);
            zero_days += static_cast<int>(rng.range(2, 8));
            competitor += static_cast<int>(rng.range(0, 3));
          }
          break;
        case Story::kChurn:
          if (t > p.turn + 2) continue;  // gone
          if (t >= p.turn - 2) {
            mult *= t >= p.turn ? 0.15 : 0.6;
            zero_days += static_cast<int>(rng.range(8, 20));
            competitor += static_cast<int>(rng.range(1, 5));
            status = t == p.turn ? 2 : t > p.turn ? 3 : 0;
          }
          break;
        default:
          break;
      }
      if (own_exit >= 0 && t >= own_exit) {
        if (t > own_exit + 1) continue;
        status = m.status == "pre_cancelled" ? 2 : 3;
        mult *= 0.3;
      } else if (m.status == "suspended" && t == months - 1) {
        status = 1;
        mult *= 0.2;
        zero_days = domain::days_in_month(month);
      }
      zero_days = std::min(zero_days, domain::days_in_month(month));
      double noise = std::max(0.2, 1.0 + 0.08 * rng.normal());
      int64_t price = kinds[m.customer] == "individual" ? m.price_fen * 3 : m.price_fen;
      int64_t bill = static_cast<int64_t>(static_cast<double>(price) * level * mult * noise);
      if (committed) bill = std::max<int64_t>(bill, status == 0 ? price * 8 / 10 : 0);
      f.member_id.push_back(m.id);
      f.customer_id.push_back(m.customer);
      auto put = [&](UsageField fld, int64_t v) { f.cols[field(fld)].push_back(v); };
      put(UsageField::kBill, bill);
      put(UsageField::kPackageFee, price);
      put(UsageField::kMou,
          m.circuit ? 0 : static_cast<int64_t>((150 + stable.unit() * 900) * mult * noise));
      put(UsageField::kDataMb, static_cast<int64_t>((1500 + stable.unit() * 25000) * mult * noise *
                                                    (m.circuit ? 40 : 1)));
      put(UsageField::kSms, m.circuit ? 0 : rng.range(2, 80));
      put(UsageField::kZeroCallDays, m.circuit ? 0 : zero_days);
      put(UsageField::kCompetitorCalls, m.circuit ? 0 : competitor);
      put(UsageField::kArrears, in_arrears && t >= months - 3 ? bill / 2 : 0);
      put(UsageField::kStatus, status);
      put(UsageField::kMinSpend, committed ? price * 8 / 10 : 0);
      put(UsageField::kContractEnd, committed ? horizon + stable.range(-60, 700) : domain::kNoDate);
      put(UsageField::kPointsBalance,
          std::max<int64_t>(0, (end_day - m.join_day) / 30 * 50 + bill / 100));
      put(UsageField::kPointsExpiry, *days_from_date(fmt::format("{}-12-31", month / 100)));
      int64_t voice = m.circuit ? 0 : bill * 35 / 100, data = m.circuit ? bill : bill * 45 / 100,
              sms = m.circuit ? 0 : bill * 3 / 100;
      put(UsageField::kVoiceRevenue, voice);
      put(UsageField::kDataRevenue, data);
      put(UsageField::kSmsRevenue, sms);
      put(UsageField::kOtherRevenue, bill - voice - data - sms);
      put(UsageField::kDiscount, bill * static_cast<int64_t>(stable.range(3, 18)) / 100);
      put(UsageField::kSubsidy, rng.unit() < 0.01 ? rng.range(200, 1500) * 100 : 0);
      put(UsageField::kServiceCost,
          bill * static_cast<int64_t>(stable.range(12, 30)) / 100 + (m.circuit ? 20'000 : 500));
    }
    engine::FieldMask all = engine::all_fields();
    KAM_CHECK(engine::write_period(tx.conn(), engine::Granularity::kMonth, f, all, 0, clock.now()));
    sum.rows += static_cast<int64_t>(f.size());
    ++sum.months;
  }
  // Members of churned groups have left: the archive says so too.
  KAM_CHECK(
      tx->exec("UPDATE members SET status = 'cancelled' WHERE customer_id IN (SELECT id FROM "
               "customers WHERE status = 'churned')"));
  KAM_CHECK(tx.commit());
  sum.first_month = first;
  sum.last_month = last;
  return sum;
}

}  // namespace kam::demo
