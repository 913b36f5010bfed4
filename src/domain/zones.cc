#include "domain/zones.h"

#include <set>

#include "domain/usage_fields.h"

namespace kam::domain {
namespace {

const char* const kNames[kZoneCount] = {"none", "blue", "green", "yellow", "red", "white"};

}  // namespace

const char* zone_name(Zone z) {
  return kNames[static_cast<int>(z)];
}

std::optional<Zone> parse_zone(std::string_view name) {
  for (int i = 0; i < kZoneCount; ++i) {
    if (name == kNames[i]) return static_cast<Zone>(i);
  }
  return std::nullopt;
}

ZoneConfig::ZoneConfig() {
  care_actions[static_cast<int>(Zone::kNone)] = "";
  care_actions[static_cast<int>(Zone::kBlue)] =
      "外呼完善客户资料；开展生日及节日关怀、优惠活动告知及邀约、重大及突发事件关怀、积分清零提醒、"
      "协议到期提醒、缴费提醒";
  care_actions[static_cast<int>(Zone::kGreen)] =
      "重点保有：外呼完善资料，按消费习惯推荐预存话费送话费（礼品、终端）等回馈，签订最低消费捆绑，"
      "提升到蓝色安全区";
  care_actions[static_cast<int>(Zone::kYellow)] =
      "外呼了解收入下降原因：资费敏感客户推荐合理资费及优惠叠加包；竞争对手分流客户须通过捆绑政策保"
      "有";
  care_actions[static_cast<int>(Zone::kRed)] =
      "外呼了解主叫MOU下降原因和需求，推荐亲情号码、免费主叫时长叠加包等业务，释放主叫话务量";
  care_actions[static_cast<int>(Zone::kWhite)] =
      "通过其他联系方式联系客户，了解离网原因和需求，可选存话费送话费、实物礼品、终端、网龄优惠等政"
      "策挽留";
}

nlohmann::json ZoneConfig::to_json() const {
  nlohmann::json actions = nlohmann::json::object();
  for (int i = 1; i < kZoneCount; ++i) actions[kNames[i]] = care_actions[static_cast<size_t>(i)];
  return {{"bill_a_fen", bill_a_fen},
          {"mou_b", mou_b},
          {"group_share", group_share},
          {"care_actions", actions}};
}

Result<ZoneConfig> ZoneConfig::from_json(const nlohmann::json& j) {
  if (!j.is_object()) return Error::invalid("", "the zone configuration must be a JSON object");
  ZoneConfig c;
  static const std::set<std::string> known = {"bill_a_fen", "mou_b", "group_share", "care_actions"};
  for (const auto& [k, v] : j.items()) {
    if (!known.count(k)) return Error::invalid(k, "is not a setting of the zones");
  }
  auto whole = [&](const char* key, int64_t lo, int64_t hi, int64_t& out) -> Status {
    if (!j.contains(key)) return {};
    const auto& v = j[key];
    if (!v.is_number_integer() || v.get<int64_t>() < lo || v.get<int64_t>() > hi) {
      return Error::invalid(key, "must be a whole number between " + std::to_string(lo) + " and " +
                                     std::to_string(hi));
    }
    out = v.get<int64_t>();
    return {};
  };
  KAM_CHECK(whole("bill_a_fen", 1, 100'000'000, c.bill_a_fen));
  KAM_CHECK(whole("mou_b", 1, 44'640, c.mou_b));
  if (j.contains("group_share")) {
    const auto& v = j["group_share"];
    if (!v.is_number() || v.get<double>() <= 0 || v.get<double>() > 1) {
      return Error::invalid("group_share", "must be a share above 0 and at most 1");
    }
    c.group_share = v.get<double>();
  }
  if (j.contains("care_actions")) {
    const auto& a = j["care_actions"];
    if (!a.is_object()) return Error::invalid("care_actions", "must map zone names to text");
    for (const auto& [k, v] : a.items()) {
      auto z = parse_zone(k);
      if (!z || *z == Zone::kNone)
        return Error::invalid("care_actions." + k,
                              "is not a zone (blue, green, yellow, red, white)");
      if (!v.is_string() || v.get<std::string>().size() > 2000) {
        return Error::invalid("care_actions." + k, "must be text of at most 2000 bytes");
      }
      c.care_actions[static_cast<size_t>(*z)] = v.get<std::string>();
    }
  }
  return c;
}

Zone member_zone(const ZoneConfig& c, const MemberMonth& before, const MemberMonth& last) {
  if (!last.present) return Zone::kNone;
  if (last.status == static_cast<int64_t>(MemberStatus::kSuspended) ||
      last.status == static_cast<int64_t>(MemberStatus::kPreCancelled) ||
      last.status == static_cast<int64_t>(MemberStatus::kCancelled)) {
    return Zone::kWhite;
  }
  if (last.bill_fen >= c.bill_a_fen && last.mou >= c.mou_b) {
    return last.min_spend_fen > 0 ? Zone::kBlue : Zone::kGreen;
  }
  bool was_good = before.present && before.bill_fen >= c.bill_a_fen && before.mou >= c.mou_b;
  if (!was_good) return Zone::kNone;
  if (last.bill_fen < c.bill_a_fen) return Zone::kYellow;
  return Zone::kRed;  // bill still >= A, MOU fell below B
}

Zone group_zone(const ZoneConfig& c, const std::array<int64_t, kZoneCount>& revenue) {
  int64_t total = 0;
  for (int64_t r : revenue) total += r;
  if (total <= 0) return Zone::kNone;
  // The most severe zone with a large enough share of the group's revenue.
  for (int z = kZoneCount - 1; z >= 1; --z) {
    if (static_cast<double>(revenue[static_cast<size_t>(z)]) >=
        c.group_share * static_cast<double>(total)) {
      return static_cast<Zone>(z);
    }
  }
  int best = 0;
  for (int z = 1; z < kZoneCount; ++z) {
    if (revenue[static_cast<size_t>(z)] > revenue[static_cast<size_t>(best)]) best = z;
  }
  return static_cast<Zone>(best);
}

}  // namespace kam::domain
