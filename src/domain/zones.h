#pragma once
// The five colour zones (五色区, SPEC §3 and seed 004): where each member stands this month,
// from its last two months of usage, and where its group stands from its members.

#include <nlohmann/json.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "common/result.h"

namespace kam::domain {

// Ordered from safe to lost; kNone: the member's spend is below the zone thresholds.
enum class Zone : int { kNone = 0, kBlue = 1, kGreen = 2, kYellow = 3, kRed = 4, kWhite = 5 };
inline constexpr int kZoneCount = 6;
const char* zone_name(Zone z);  // "none", "blue", "green", "yellow", "red", "white"
std::optional<Zone> parse_zone(std::string_view name);

struct ZoneConfig {
  int64_t bill_a_fen = 10'000;  // A: 100 yuan
  int64_t mou_b = 200;          // B: minutes
  // A group is in the most severe zone holding at least this share of its members' revenue of
  // the month before last (otherwise in the zone holding the largest share).
  double group_share = 0.3;
  // What the phone manager does for each zone (seed 004), shown with the zone and its tasks.
  std::array<std::string, kZoneCount> care_actions;

  ZoneConfig();
  nlohmann::json to_json() const;
  static Result<ZoneConfig> from_json(const nlohmann::json& j);
};

// One member's month. `present` false: no usage record that month.
struct MemberMonth {
  bool present = false;
  int64_t bill_fen = 0, mou = 0, min_spend_fen = 0, status = 0;
};

// The zone for the month `last`, given the month before it (`before`):
//   white  — suspended or pre-cancelled last month;
//   blue   — last month bill >= A, MOU >= B, and a minimum-spend commitment;
//   green  — the same without a commitment;
//   yellow — the month before last bill >= A and MOU >= B, last month bill < A;
//   red    — the month before last bill >= A and MOU >= B, last month bill >= A but MOU < B;
//   none   — anything else (e.g. spend below A in both months).
Zone member_zone(const ZoneConfig& c, const MemberMonth& before, const MemberMonth& last);

// A group's zone from its members' revenue in each zone (each member weighted by the larger of
// its last two bills, so members whose spend collapsed still weigh what they used to).
Zone group_zone(const ZoneConfig& c, const std::array<int64_t, kZoneCount>& revenue_by_zone);

}  // namespace kam::domain
