#pragma once
// What alert rules may name (docs/rules.md lists the same): the member fields — usage of the
// run month and the months before, zone, tenure, the customer's grade and tier — and the
// customer fields — value, members, zone, contracts, competitors — with the member aggregates.

#include "engine/rule_lang.h"

namespace kam::engine {

const rules::Schema& member_rule_schema();
const rules::Schema& customer_rule_schema();

// The categories of the category fields, shared by the batch builder.
const std::vector<std::string>& tier_values();
const std::vector<std::string>& grade_values();
const std::vector<std::string>& stage_values();
const std::vector<std::string>& zone_values();
const std::vector<std::string>& customer_status_values();

}  // namespace kam::engine
