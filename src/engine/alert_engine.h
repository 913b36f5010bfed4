#pragma once
// The warning engine's computation for one month (SPEC §3): colour zones of every member and
// group, then every rule evaluated over column batches of members or customers. Pure: inputs
// in, zones and matches out; loading and persisting are the service's.

#include <array>
#include <string>
#include <vector>

#include "domain/value_rules.h"
#include "domain/zones.h"
#include "engine/rule_lang.h"
#include "engine/value_compute.h"

namespace kam::engine {

// One month of customer_value rows, by customer position (NaN / -1 where a customer has none).
struct ValueMonth {
  bool present = false;
  std::vector<double> revenue, margin, arrears, mou, data_mb, members_total, members_active,
      members_key, members_new, members_churned, total_score, rank, clv;
  std::vector<int32_t> tier, grade, stage;
  void resize(size_t n);
};

struct EngineInputs {
  int month = 0;        // YYYYMM
  int64_t ref_day = 0;  // days_to() counts from here: the first day after the month
  ArchiveSnapshot archive;
  // frames[k]: usage of month - k (empty frame when not stored); at least 3.
  std::vector<UsageFrame> frames;
  std::vector<ValueMonth> values;            // values[k]: customer_value of month - k
  std::vector<double> member_churn_score;    // by row of frames[0]; empty: unknown
  std::vector<uint8_t> family_plan;          // by row of frames[0]; empty: none
  std::vector<double> customer_churn_score;  // by position; empty: unknown
  domain::ZoneConfig zones;
  domain::ValueConfig value_config;
};

struct RuleSpec {
  int64_t id = 0;
  std::string level;  // member | customer
  std::string condition;
};

struct RuleMatch {
  int32_t customer = 0;                 // position in the archive snapshot
  int32_t members = 0;                  // matching members (member rules)
  std::vector<int64_t> sample_members;  // a few of them
};

struct RuleResult {
  int64_t rule_id = 0;
  Status status;  // a rule that does not compile or run reports here; the others still run
  std::vector<RuleMatch> matches;
};

struct EngineOutput {
  std::vector<int8_t> member_zone;       // by row of frames[0]
  std::vector<int8_t> member_zone_prev;  // the same members' zone the month before
  std::vector<int8_t> customer_zone;     // by position; -1: no members this month
  std::vector<int8_t> customer_zone_prev;
  std::vector<std::array<int32_t, domain::kZoneCount>> customer_zone_members;  // members by zone
  std::vector<int64_t> member_weight;  // revenue weight of each member in its group's zone
  std::vector<RuleResult> rules;
};

EngineOutput run_engine(const EngineInputs& in, const std::vector<RuleSpec>& rules);

// Compiles a rule against the schemas of this archive (industries known to it). The preview
// and the save path use this to check a condition before it is stored.
Result<rules::Program> compile_rule(const std::string& level, const std::string& condition,
                                    const ArchiveSnapshot* archive);

}  // namespace kam::engine
