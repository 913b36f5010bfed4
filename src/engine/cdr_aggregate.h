#pragma once
// The aggregation half of the CDR import (engine/cdr_import.h): each parser thread hands its
// counted calls over radix-partitioned by member; the partitions are then aggregated in
// parallel, each with a hash table small enough for the cache, into calls and minutes per
// (month, member, number). Internal to the import.

#include <array>
#include <cstdint>
#include <vector>

#include "engine/cdr_import.h"

namespace kam::engine {

inline constexpr size_t kCdrPartitions = 256;  // by member id
inline constexpr int kCdrFirstYear = 2000;
inline constexpr size_t kCdrMonthSlots = 100 * 12;  // months 2000-01 .. 2099-12

// A month as a slot: (year - 2000) * 12 + month - 1.
inline int cdr_slot_month(size_t slot) {
  return (kCdrFirstYear + static_cast<int>(slot / 12)) * 100 + static_cast<int>(slot % 12) + 1;
}

// One counted call on its way to aggregation: 16 bytes, so 100 M calls stay within memory.
struct CdrRec {
  uint64_t callee;  // numeric_key() of the number | operator << 60
  uint32_t member;
  uint16_t month;  // slot
  uint16_t minutes;
};
static_assert(sizeof(CdrRec) == 16);

// What one parser thread counted.
struct CdrCounts {
  std::array<std::vector<CdrRec>, kCdrPartitions> out;  // by member id % kCdrPartitions
  std::vector<int64_t> month_rows = std::vector<int64_t>(kCdrMonthSlots);  // good rows per month
  std::vector<int64_t> month_counted =
      std::vector<int64_t>(kCdrMonthSlots);  // calls counted per month

  void add(const CdrRec& r) { out[r.member & (kCdrPartitions - 1)].push_back(r); }
};

// Aggregates every thread's partitions on `threads` threads (emptying them as it goes); fills
// out.months and out.pairs (those with at least `store_min_calls` calls, sorted).
void aggregate_cdrs(const std::vector<CdrCounts*>& counts, int store_min_calls, unsigned threads,
                    ParsedCdrs& out);

}  // namespace kam::engine
