#pragma once
// Usage in the store: a period's frame is written as column chunks in the caller's
// transaction (replacing the period), and read back whole, for some fields only, or for a few
// members. Chunks decode on several threads.

#include <functional>
#include <span>
#include <vector>

#include "common/result.h"
#include "engine/usage_frame.h"
#include "storage/db.h"

namespace kam::engine {

enum class Granularity { kMonth, kDay };

struct PeriodInfo {
  int period = 0;
  int64_t rows = 0;
  int64_t customers = 0;
  int64_t bill_fen = 0;
  FieldMask fields;  // fields the source file provided
  int64_t imported_at = 0;
  std::optional<int64_t> computed_at;
};

// Replaces the stored period with `frame` (rows sorted by member). Runs in the caller's
// transaction; `fields` says which fields the source provided (the rest are zeros).
Status write_period(db::Connection& c, Granularity g, const UsageFrame& frame,
                    const FieldMask& fields, int64_t import_id, int64_t now);

// The same from slices built on demand: `slice(b, e)` answers rows [b, e) of `rows` rows,
// sorted by member; chunks are built and encoded on several threads.
Status write_period_slices(db::Connection& c, Granularity g, int period, size_t rows,
                           const std::function<UsageFrame(size_t begin, size_t end)>& slice,
                           const FieldMask& fields, int64_t import_id, int64_t now);

// The whole period (only the fields in `want`); an empty frame when the period is not stored.
Result<UsageFrame> read_period(db::Connection& c, Granularity g, int period,
                               const FieldMask& want = all_fields());

// The rows of the given members (sorted ids) in a period.
Result<UsageFrame> read_members(db::Connection& c, Granularity g, int period,
                                std::span<const int64_t> member_ids,
                                const FieldMask& want = all_fields());

// Stored periods, ascending.
Result<std::vector<PeriodInfo>> list_periods(db::Connection& c, Granularity g);
Result<std::optional<PeriodInfo>> period_info(db::Connection& c, Granularity g, int period);

}  // namespace kam::engine
