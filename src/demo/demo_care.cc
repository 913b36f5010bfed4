// Demo care and advice: the tariff catalogue, call records for the family plan, care tasks.

#include "demo/demo_care.h"

#include <fmt/format.h>

#include <vector>

#include "domain/usage_fields.h"
#include "services/services.h"

namespace kam::demo {
namespace {

// splitmix64, as the other demo generators: deterministic for a seed on every platform.
struct Mix {
  uint64_t s;
  uint64_t next() {
    uint64_t z = (s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  int64_t range(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(next() % static_cast<uint64_t>(hi - lo + 1));
  }
  bool chance(double p) { return static_cast<double>(next() >> 11) * 0x1.0p-53 < p; }
};

struct Package {
  const char* name;
  const char* family;
  int64_t fee_yuan, minutes, data_gb, sms, minute_fen, mb_fen, sms_fen;
  bool active;
  const char* note;
};

// Allowances and overage prices modelled on Jiangsu operators' published packages (2025).
const std::vector<Package> kCatalogue = {
    {"5G智享套餐 58元", "5G", 58, 100, 10, 0, 19, 1, 10, true,
     "入门 5G，套外语音0.19元/分钟、流量1元/100MB"},
    {"5G智享套餐 88元", "5G", 88, 200, 20, 0, 19, 1, 10, true, nullptr},
    {"5G智享套餐 128元", "5G", 128, 500, 30, 0, 15, 1, 10, true, nullptr},
    {"5G智享套餐 188元", "5G", 188, 800, 60, 0, 15, 1, 10, true, nullptr},
    {"5G智享套餐 288元", "5G", 288, 1500, 100, 100, 15, 1, 10, true, "含视频彩铃、5G优享权益"},
    {"全球通商务套餐 188元", "全球通", 188, 1000, 40, 100, 15, 1, 10, true,
     "全球通银卡权益，国际漫游优惠"},
    {"全球通尊享套餐 288元", "全球通", 288, 2000, 80, 200, 15, 1, 10, true,
     "全球通金卡权益，机场贵宾厅"},
    {"全球通至尊套餐 588元", "全球通", 588, 4000, 200, 500, 12, 1, 10, true, "全球通钻石卡权益"},
    {"集团V网 58元", "集团", 58, 300, 5, 50, 19, 1, 10, true, "集团成员间通话免费"},
    {"流量王数据卡 30元", "流量", 30, 0, 20, 0, 30, 1, 10, true, "纯流量卡，语音0.30元/分钟"},
    {"4G飞享套餐 18元", "4G", 18, 50, 1, 0, 19, 3, 10, false, "已停售"},
};

Result<int> load_catalogue(db::Connection& c, int64_t now) {
  KAM_TRY(n, c.query_one("SELECT COUNT(*) FROM tariff_packages"));
  if (n && n->i64(0) > 0) return 0;
  int count = 0;
  for (const auto& p : kCatalogue) {
    KAM_CHECK(
        c.exec("INSERT INTO tariff_packages(name, family, monthly_fee_fen, minutes, data_mb, sms, "
               "overage_minute_fen, "
               "overage_mb_fen, overage_sms_fen, active, note, created_at, updated_at) "
               "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
               {p.name, p.family, p.fee_yuan * 100, p.minutes, p.data_gb * 1024, p.sms,
                p.minute_fen, p.mb_fen, p.sms_fen, int64_t{p.active},
                p.note ? db::Value(p.note) : db::Value(nullptr), now, now}));
    ++count;
  }
  return count;
}

const std::vector<std::string> kUnicom = {"130", "131", "132", "155", "156", "166", "185", "186"};
const std::vector<std::string> kTelecom = {"133", "153", "173", "177", "180", "181", "189", "199"};
const std::vector<std::string> kCmcc = {"135", "136", "138", "139", "150", "182", "187", "188"};

std::string other_number(Mix& m, const std::vector<std::string>& prefixes) {
  return prefixes[m.next() % prefixes.size()] + fmt::format("{:08d}", m.range(0, 99'999'999));
}

// Two months of calls for a sample of members: most call a few numbers now and then; some
// have family on another network whom they call every few days (the candidates).
std::string cdr_file(const std::vector<std::string>& callers, uint64_t seed, int last_month) {
  std::string csv = "主叫号码,被叫号码,被叫运营商,开始时间,通话时长\n";
  for (int k = 1; k >= 0; --k) {
    int month = domain::month_add(last_month, -k);
    int days = domain::days_in_month(month);
    for (size_t i = 0; i < callers.size(); ++i) {
      Mix family{seed * 7919 + i};  // the same relatives in both months
      Mix m{seed ^ (static_cast<uint64_t>(i) << 20) ^ static_cast<uint64_t>(month)};
      auto call = [&](const std::string& callee, const char* op) {
        csv += fmt::format("{},{},{},{}-{:02d} {:02d}:{:02d}:{:02d},{}\n", callers[i], callee, op,
                           domain::month_text(month), m.range(1, days), m.range(7, 22),
                           m.range(0, 59), m.range(0, 59), m.range(15, 1500));
      };
      int relatives = family.chance(0.12) ? static_cast<int>(family.range(1, 2)) : 0;
      for (int r = 0; r < relatives; ++r) {
        bool unicom = family.chance(0.6);
        std::string number = other_number(family, unicom ? kUnicom : kTelecom);
        int64_t calls = m.range(6, 28);
        for (int64_t c = 0; c < calls; ++c) call(number, unicom ? "中国联通" : "中国电信");
      }
      for (int64_t c = m.range(2, 10); c > 0; --c) {
        int which = static_cast<int>(m.range(0, 2));
        if (which == 0) call(other_number(m, kCmcc), "中国移动");
        if (which == 1) call(other_number(m, kUnicom), "中国联通");
        if (which == 2) call(other_number(m, kTelecom), "中国电信");
      }
    }
  }
  return csv;
}

}  // namespace

Result<DemoCareSummary> load_demo_care(db::Database& database, const Clock& clock, uint64_t seed) {
  DemoCareSummary sum;
  services::Services s(database, clock);
  auto system = services::Actor::system("demo-data");
  std::vector<std::string> callers;
  {
    KAM_TRY(lease, database.acquire());
    KAM_TRY(tx, db::Transaction::begin(lease));
    KAM_TRY(n, load_catalogue(tx.conn(), clock.now()));
    KAM_CHECK(tx.commit());
    sum.packages = n;
    // A sample of mobile lines, at most 20,000 (enough to show the family plan at any size).
    KAM_CHECK(lease->scan(
        "SELECT number FROM members WHERE kind = 'mobile' AND status = 'normal' ORDER BY id", {},
        [&](const db::RowRef& r) { callers.emplace_back(r.text(0)); }));
  }
  size_t step = std::max<size_t>(1, callers.size() / 20'000);
  std::vector<std::string> sample;
  for (size_t i = 0; i < callers.size(); i += step) sample.push_back(std::move(callers[i]));
  std::string today = shanghai_date(clock.now());
  int last_month =
      domain::month_add(std::stoi(today.substr(0, 4)) * 100 + std::stoi(today.substr(5, 2)), -1);
  if (!sample.empty()) {
    std::string csv = cdr_file(sample, seed, last_month);
    auto imported = s.family_plan.import_bytes(system, csv, "demo-cdr.csv");
    if (!imported) return imported.error();
    if ((*imported)["status"] != "succeeded") {
      return Error::internal("demo CDR import failed: " +
                             (*imported)["message"].get<std::string>());
    }
    sum.cdr_rows = (*imported)["rows_total"].get<int64_t>();
    KAM_TRY(lease, database.acquire());
    KAM_TRY(members, s.family_plan.candidate_members(*lease, last_month));
    sum.candidates = static_cast<int64_t>(members.size());
  }
  KAM_TRY(care, s.care.generate(system, today));
  sum.care_tasks = care["created_total"].get<int64_t>();
  return sum;
}

}  // namespace kam::demo
