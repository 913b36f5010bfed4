// Which care tasks are due: one collector per kind of task, each reading the archive, the
// holidays or the latest usage month and applying the date rules of domain/care_rules.h.

#include <fmt/format.h>

#include <map>

#include "common/clock.h"
#include "domain/usage_fields.h"
#include "engine/usage_store.h"
#include "services/alerts/care_service.h"

namespace kam::services {
namespace {

using domain::CareConfig;
using domain::UsageField;

struct CustomerInfo {
  std::string name, status, opened;  // opened: created date or first member's join date
  int64_t manager = 0;
  std::string competitors;  // JSON
};

struct Ctx {
  db::Connection& c;
  const CareConfig& cfg;
  std::string today;
  int64_t today_days = 0;
  std::map<int64_t, CustomerInfo> customers;
  std::vector<CareCandidate>& out;
};

bool live(const CustomerInfo& ci) {
  return ci.status != "churned";
}

Status load_customers(Ctx& x) {
  KAM_CHECK(x.c.scan(
      "SELECT id, name, status, account_manager_id, created_at, competitors FROM customers", {},
      [&](const db::RowRef& r) {
        CustomerInfo ci;
        ci.name = std::string(r.text(1));
        ci.status = std::string(r.text(2));
        ci.manager = r.i64(3);
        ci.opened = shanghai_date(r.i64(4));
        ci.competitors = std::string(r.text(5));
        x.customers.emplace(r.i64(0), std::move(ci));
      }));
  // An account opens with its first line: a customer recorded after its members joined
  // (migrated from the billing system) dates from the first join.
  KAM_CHECK(
      x.c.scan("SELECT customer_id, CAST(MIN(join_date) AS TEXT) FROM members GROUP BY customer_id",
               {}, [&](const db::RowRef& r) {
                 auto it = x.customers.find(r.i64(0));
                 std::string joined(r.text(1).substr(0, 10));
                 if (it != x.customers.end() && is_date(joined) && joined < it->second.opened) {
                   it->second.opened = joined;
                 }
               }));
  return {};
}

struct KeyPersonRow {
  int64_t id, customer, assignee;
  domain::PersonRef person;
  std::string birthday;
};

// Key persons with the columns every key-person task needs; `where` is a fixed fragment.
Result<std::vector<KeyPersonRow>> key_persons(Ctx& x, const std::string& where,
                                              const db::Params& p) {
  std::vector<KeyPersonRow> out;
  KAM_CHECK(x.c.scan(
      "SELECT kp.id, kp.customer_id, kp.name, COALESCE(kp.title, ''), kp.senior, kp.owner_id, "
      "COALESCE(CAST(kp.birthday AS TEXT), '') FROM key_persons kp WHERE " +
          where,
      p, [&](const db::RowRef& r) {
        auto it = x.customers.find(r.i64(1));
        if (it == x.customers.end() || !live(it->second)) return;
        // Senior key persons are owned by a senior manager (分层分级): theirs is the task.
        int64_t assignee = r.i64(4) != 0 ? r.i64(5) : it->second.manager;
        out.push_back({r.i64(0),
                       r.i64(1),
                       assignee,
                       {std::string(r.text(2)), std::string(r.text(3)), it->second.name},
                       std::string(r.text(6).substr(0, std::min<size_t>(10, r.text(6).size())))});
      }));
  return out;
}

Status birthdays(Ctx& x) {
  // The month-days in the window, with Feb 29 wherever Feb 28 of an ordinary year is in it.
  std::vector<std::string> mds;
  for (int d = 0; d <= x.cfg.birthday_days; ++d) {
    std::string date = date_from_days(x.today_days + d);
    mds.push_back(date.substr(5));
    if (date.substr(5) == "02-28" && !is_date(date.substr(0, 4) + "-02-29")) mds.push_back("02-29");
  }
  db::Params p(mds.begin(), mds.end());
  KAM_TRY(rows,
          key_persons(x,
                      "kp.birthday IS NOT NULL AND substr(CAST(kp.birthday AS TEXT), 6, 5) IN " +
                          db::placeholders(mds.size()),
                      p));
  for (const auto& k : rows) {
    auto due = domain::next_yearly(k.birthday, x.today);
    if (!due || !domain::within_days(*due, x.today, x.cfg.birthday_days)) continue;
    x.out.push_back({k.customer,
                     k.id,
                     std::nullopt,
                     "birthday",
                     *due,
                     domain::birthday_title(k.person, *due),
                     {{"birthday", k.birthday},
                      {"age", domain::years_between(k.birthday, *due)},
                      {"name", k.person.name}},
                     k.assignee,
                     fmt::format("birthday:kp{}:{}", k.id, *due)});
  }
  return {};
}

Status holidays(Ctx& x) {
  KAM_TRY(days, x.c.query("SELECT CAST(day AS TEXT), code, name FROM holidays WHERE day >= ? AND "
                          "day <= ? ORDER BY day",
                          {x.today, date_from_days(x.today_days + x.cfg.holiday_days)}));
  if (days.empty()) return {};
  KAM_TRY(valued, x.c.query_one("SELECT MAX(month) FROM customer_value"));
  std::string where = "1=1";
  db::Params p;
  if (valued && !valued->is_null(0)) {
    // Greetings go to the customers worth it; before any value is computed, to everyone.
    if (x.cfg.holiday_tiers.empty()) return {};
    where =
        "kp.customer_id IN (SELECT customer_id FROM customer_value WHERE month = ? AND tier IN " +
        db::placeholders(x.cfg.holiday_tiers.size()) + ")";
    p.push_back(valued->i64(0));
    for (const auto& t : x.cfg.holiday_tiers) p.push_back(t);
  }
  KAM_TRY(people, key_persons(x, where, p));
  for (const auto& h : days) {
    std::string day = h.text(0).substr(0, 10), code = h.text(1), name = h.text(2);
    for (const auto& k : people) {
      x.out.push_back({k.customer,
                       k.id,
                       std::nullopt,
                       "holiday",
                       day,
                       domain::holiday_title(k.person, name),
                       {{"holiday", name}, {"holiday_code", code}, {"name", k.person.name}},
                       k.assignee,
                       fmt::format("holiday:{}:kp{}:{}", code, k.id, day)});
    }
  }
  return {};
}

Status contracts(Ctx& x) {
  KAM_TRY(rows, x.c.query("SELECT t.id, t.customer_id, t.title, t.contract_no, CAST(t.end_date AS "
                          "TEXT) FROM contracts t "
                          "WHERE t.status = 'active' AND t.end_date >= ? AND t.end_date <= ?",
                          {x.today, date_from_days(x.today_days + x.cfg.contract_days)}));
  for (const auto& r : rows) {
    auto it = x.customers.find(r.i64(1));
    if (it == x.customers.end() || !live(it->second)) continue;
    std::string end = r.text(4).substr(0, 10);
    x.out.push_back({r.i64(1),
                     std::nullopt,
                     std::nullopt,
                     "contract_expiry",
                     end,
                     domain::contract_title(it->second.name, r.text(2), end),
                     {{"contract_id", r.i64(0)}, {"contract_no", r.text(3)}, {"end_date", end}},
                     it->second.manager,
                     fmt::format("contract_expiry:contract{}:{}", r.i64(0), end)});
  }
  return {};
}

struct Tally {
  int64_t members = 0, amount = 0, calls = 0;
  int64_t first_member = 0;
  std::string earliest;
};

// Usage-based tasks from the latest stored month (and the month before, for arrears).
Status from_usage(Ctx& x) {
  KAM_TRY(latest, x.c.query_one("SELECT MAX(period) FROM usage_periods WHERE kind = 'month'"));
  if (!latest || latest->is_null(0)) return {};
  int month = static_cast<int>(latest->i64(0));
  int this_month = std::stoi(x.today.substr(0, 4)) * 100 + std::stoi(x.today.substr(5, 2));
  // Moments (arrears, competitor contact) are news only while the data is recent.
  bool recent = month >= domain::month_add(this_month, -2);
  using engine::Granularity;
  KAM_TRY(f, engine::read_period(
                 x.c, Granularity::kMonth, month,
                 engine::fields_of({UsageField::kContractEnd, UsageField::kPointsBalance,
                                    UsageField::kPointsExpiry, UsageField::kArrears,
                                    UsageField::kCompetitorCalls})));
  KAM_TRY(prev, engine::read_period(x.c, Granularity::kMonth, domain::month_add(month, -1),
                                    engine::fields_of({UsageField::kArrears})));
  auto col = [&](const engine::UsageFrame& fr, UsageField fld) -> const engine::Column* {
    return fr.has(fld) && fr.col(fld).size() == fr.size() ? &fr.col(fld) : nullptr;
  };
  const auto* contract_end = col(f, UsageField::kContractEnd);
  const auto* points = col(f, UsageField::kPointsBalance);
  const auto* points_expiry = col(f, UsageField::kPointsExpiry);
  const auto* arrears = col(f, UsageField::kArrears);
  const auto* competitor = col(f, UsageField::kCompetitorCalls);
  const auto* prev_arrears = col(prev, UsageField::kArrears);

  std::map<std::pair<int64_t, std::string>, Tally> ending, expiring;  // (customer, month / date)
  std::map<int64_t, Tally> owing, persisting, contacted;
  auto note = [](Tally& t, int64_t member, int64_t amount, const std::string& date = {}) {
    if (t.members++ == 0) t.first_member = member;
    t.amount += amount;
    if (!date.empty() && (t.earliest.empty() || date < t.earliest)) t.earliest = date;
  };
  const int64_t today = x.today_days;
  for (size_t i = 0; i < f.size(); ++i) {
    int64_t member = f.member_id[i], customer = f.customer_id[i];
    if (contract_end) {
      int64_t d = (*contract_end)[i];
      if (d != domain::kNoDate && d >= today && d <= today + x.cfg.contract_days) {
        std::string date = date_from_days(d);
        note(ending[{customer, date.substr(0, 7)}], member, 0, date);
      }
    }
    if (points && points_expiry) {
      int64_t d = (*points_expiry)[i];
      if (d != domain::kNoDate && d >= today && d <= today + x.cfg.points_days &&
          (*points)[i] > x.cfg.points_min_balance) {
        note(expiring[{customer, date_from_days(d)}], member, (*points)[i]);
      }
    }
    if (arrears && (*arrears)[i] > 0) {
      note(owing[customer], member, (*arrears)[i]);
      int64_t r = prev_arrears ? prev.find(member) : -1;
      if (r >= 0 && (*prev_arrears)[static_cast<size_t>(r)] > 0)
        note(persisting[customer], member, (*arrears)[i]);
    }
    if (competitor && (*competitor)[i] > 0) {
      Tally& t = contacted[customer];
      note(t, member, 0);
      t.calls += (*competitor)[i];
    }
  }
  auto info = [&](int64_t customer) -> const CustomerInfo* {
    auto it = x.customers.find(customer);
    return it == x.customers.end() || !live(it->second) ? nullptr : &it->second;
  };
  auto single = [](const Tally& t) {
    return t.members == 1 ? std::optional<int64_t>(t.first_member) : std::nullopt;
  };
  for (const auto& [k, t] : ending) {
    const CustomerInfo* ci = info(k.first);
    if (!ci) continue;
    // One task per customer and month of expiry, dated by its first expiry; members whose
    // contracts enter the window later in the same month join that task, not a new one.
    x.out.push_back({k.first,
                     std::nullopt,
                     single(t),
                     "contract_expiry",
                     t.earliest,
                     domain::member_contracts_title(ci->name, t.members, t.earliest),
                     {{"members", t.members},
                      {"earliest", t.earliest},
                      {"usage_month", domain::month_text(month)}},
                     ci->manager,
                     fmt::format("contract_expiry:members:c{}:{}", k.first, k.second)});
  }
  for (const auto& [k, t] : expiring) {
    const CustomerInfo* ci = info(k.first);
    if (!ci) continue;
    x.out.push_back({k.first,
                     std::nullopt,
                     single(t),
                     "points_expiry",
                     k.second,
                     domain::points_title(ci->name, t.members, t.amount, k.second),
                     {{"members", t.members}, {"points", t.amount}, {"expiry", k.second}},
                     ci->manager,
                     fmt::format("points_expiry:c{}:{}", k.first, k.second)});
  }
  std::string deadline = domain::payment_deadline(month);
  for (const auto& [customer, t] : owing) {
    const CustomerInfo* ci = info(customer);
    if (!ci || deadline < x.today)
      continue;  // the bill's deadline is past: that is arrears, not a reminder
    x.out.push_back({customer,
                     std::nullopt,
                     single(t),
                     "payment_reminder",
                     deadline,
                     domain::payment_title(ci->name, t.members, t.amount, month),
                     {{"members", t.members},
                      {"arrears_fen", t.amount},
                      {"usage_month", domain::month_text(month)}},
                     ci->manager,
                     fmt::format("payment_reminder:c{}:{}", customer, month)});
  }
  if (!recent) return {};
  std::string soon = date_from_days(today + x.cfg.event_days);
  for (const auto& [customer, t] : persisting) {
    const CustomerInfo* ci = info(customer);
    if (!ci) continue;
    x.out.push_back({customer,
                     std::nullopt,
                     single(t),
                     "arrears",
                     soon,
                     domain::arrears_title(ci->name, t.members, t.amount, month),
                     {{"members", t.members},
                      {"arrears_fen", t.amount},
                      {"usage_month", domain::month_text(month)}},
                     ci->manager,
                     fmt::format("arrears:c{}:{}", customer, month)});
  }
  for (const auto& [customer, t] : contacted) {
    const CustomerInfo* ci = info(customer);
    if (!ci) continue;
    x.out.push_back({customer,
                     std::nullopt,
                     single(t),
                     "competitor",
                     soon,
                     domain::competitor_calls_title(ci->name, t.members, t.calls, month),
                     {{"members", t.members},
                      {"competitor_calls", t.calls},
                      {"usage_month", domain::month_text(month)}},
                     ci->manager,
                     fmt::format("competitor:calls:c{}:{}", customer, month)});
  }
  return {};
}

Status from_customers(Ctx& x) {
  for (const auto& [id, ci] : x.customers) {
    if (!live(ci)) continue;
    if (ci.status != "prospect") {
      auto next = domain::next_yearly(ci.opened, x.today);
      int years = next ? domain::years_between(ci.opened, *next) : 0;
      if (next && years >= 1 && domain::within_days(*next, x.today, x.cfg.anniversary_days)) {
        x.out.push_back({id,
                         std::nullopt,
                         std::nullopt,
                         "anniversary",
                         *next,
                         domain::anniversary_title(ci.name, years, ci.opened),
                         {{"opened", ci.opened}, {"years", years}},
                         ci.manager,
                         fmt::format("anniversary:c{}:{}", id, *next)});
      }
    }
    if (ci.competitors.size() <= 2) continue;  // "[]"
    auto list = json::parse(ci.competitors, nullptr, false);
    if (!list.is_array()) continue;
    for (const auto& e : list) {
      if (!e.is_object() || !e.contains("bundle_end_date") || !e["bundle_end_date"].is_string())
        continue;
      std::string end = e["bundle_end_date"].get<std::string>();
      if (!domain::within_days(end, x.today, x.cfg.competitor_bundle_days)) continue;
      std::string op = e.value("operator", std::string("竞争对手"));
      std::string services;
      if (e.contains("services") && e["services"].is_string())
        services = e["services"].get<std::string>();
      if (e.contains("services") && e["services"].is_array()) {
        for (const auto& s : e["services"]) {
          if (s.is_string()) services += (services.empty() ? "" : "、") + s.get<std::string>();
        }
      }
      x.out.push_back({id,
                       std::nullopt,
                       std::nullopt,
                       "competitor",
                       end,
                       domain::competitor_bundle_title(ci.name, op, services, end),
                       {{"operator", op}, {"services", services}, {"bundle_end_date", end}},
                       ci.manager,
                       fmt::format("competitor:bundle:c{}:{}:{}", id, op, end)});
    }
  }
  return {};
}

}  // namespace

Result<std::vector<CareCandidate>> care_candidates(db::Connection& c, const domain::CareConfig& cfg,
                                                   const std::string& today) {
  auto days = days_from_date(today);
  if (!days) return Error::invalid("date", "must be a date YYYY-MM-DD");
  std::vector<CareCandidate> out;
  Ctx x{c, cfg, today, *days, {}, out};
  KAM_CHECK(load_customers(x));
  KAM_CHECK(birthdays(x));
  KAM_CHECK(holidays(x));
  KAM_CHECK(contracts(x));
  KAM_CHECK(from_usage(x));
  KAM_CHECK(from_customers(x));
  return out;
}

}  // namespace kam::services
