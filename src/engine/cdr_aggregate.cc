#include "engine/cdr_aggregate.h"

#include <absl/container/flat_hash_map.h>

#include <algorithm>
#include <atomic>
#include <thread>

namespace kam::engine {
namespace {

struct AggKey {
  uint64_t callee;
  uint32_t member;
  uint16_t month;
  bool operator==(const AggKey& o) const {
    return callee == o.callee && member == o.member && month == o.month;
  }
  template <typename H>
  friend H AbslHashValue(H h, const AggKey& k) {
    return H::combine(std::move(h), k.callee, k.member, k.month);
  }
};
struct AggVal {
  uint64_t calls = 0, minutes = 0;
};

std::string number_text(uint64_t key) {
  uint64_t v = key & ((1ULL << 56) - 1);
  size_t len = static_cast<size_t>((key >> 56) & 0xF);
  std::string s = std::to_string(v);
  if (s.size() < len) s.insert(0, len - s.size(), '0');
  return s;
}

}  // namespace

void aggregate_cdrs(const std::vector<CdrCounts*>& parts, int store_min_calls, unsigned threads,
                    ParsedCdrs& out) {
  struct Kept {
    uint64_t callee;
    uint32_t member;
    uint16_t month;
    uint64_t calls, minutes;
  };
  struct Local {
    std::vector<Kept> kept;
    std::vector<int64_t> pairs = std::vector<int64_t>(kCdrMonthSlots),
                         stored = std::vector<int64_t>(kCdrMonthSlots);
  };
  std::vector<Local> locals(threads);
  std::atomic<size_t> next{0};
  const uint64_t floor = static_cast<uint64_t>(std::max(1, store_min_calls));
  auto work = [&](Local& l) {
    absl::flat_hash_map<AggKey, AggVal> map;
    for (size_t p; (p = next.fetch_add(1)) < kCdrPartitions;) {
      size_t n = 0;
      for (const auto* part : parts) n += part->out[p].size();
      map.clear();
      map.reserve(n / 2 + 16);
      for (auto* part : parts) {
        for (const CdrRec& r : part->out[p]) {
          AggVal& a = map[AggKey{r.callee, r.member, r.month}];
          ++a.calls;
          a.minutes += r.minutes;
        }
        std::vector<CdrRec>().swap(part->out[p]);  // free as we go
      }
      for (const auto& [k, a] : map) {
        ++l.pairs[k.month];
        if (a.calls < floor) continue;
        ++l.stored[k.month];
        l.kept.push_back({k.callee, k.member, k.month, a.calls, a.minutes});
      }
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back([&, t] { work(locals[t]); });
  work(locals[0]);
  for (auto& t : pool) t.join();

  std::vector<Kept> kept;
  size_t total = 0;
  for (const auto& l : locals) total += l.kept.size();
  kept.reserve(total);
  for (auto& l : locals) kept.insert(kept.end(), l.kept.begin(), l.kept.end());
  std::sort(kept.begin(), kept.end(), [](const Kept& a, const Kept& b) {
    if (a.month != b.month) return a.month < b.month;
    if (a.member != b.member) return a.member < b.member;
    return a.callee < b.callee;
  });
  out.pairs.reserve(kept.size());
  for (const auto& k : kept) {
    out.pairs.push_back({cdr_slot_month(k.month), static_cast<int64_t>(k.member),
                         number_text(k.callee),
                         static_cast<domain::Operator>((k.callee >> 60) & 0x7),
                         static_cast<int64_t>(k.calls), static_cast<int64_t>(k.minutes)});
  }
  for (size_t s = 0; s < kCdrMonthSlots; ++s) {
    CdrMonth m;
    m.month = cdr_slot_month(s);
    for (const auto* part : parts) {
      m.rows += part->month_rows[s];
      m.calls_counted += part->month_counted[s];
    }
    for (const auto& l : locals) {
      m.pairs_total += l.pairs[s];
      m.pairs_stored += l.stored[s];
    }
    if (m.rows > 0) out.months.push_back(m);
  }
}

}  // namespace kam::engine
