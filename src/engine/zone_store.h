#pragma once
// Members' colour zones per month in the store: one binary value per 8,192 members (id deltas
// as varints, one byte per zone, zstd), like the usage chunks.

#include <span>
#include <utility>
#include <vector>

#include "common/result.h"
#include "engine/usage_frame.h"
#include "storage/db.h"

namespace kam::engine {

// Replaces the month's member zones (ids sorted ascending), in the caller's transaction.
Status write_member_zones(db::Connection& c, int month, const Column& member_ids,
                          const std::vector<int8_t>& zones);

// Zones of the given members (sorted ids) in a month: (member id, zone) for those stored.
Result<std::vector<std::pair<int64_t, int8_t>>> read_member_zones(db::Connection& c, int month,
                                                                  std::span<const int64_t> ids);

}  // namespace kam::engine
