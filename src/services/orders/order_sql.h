#pragma once
// The SQL the order service's files share: the order row and who may see it.

#include <string>

#include "services/core/actor.h"

namespace kam::services::order_sql {

inline constexpr const char* kColumns =
    "o.id, o.customer_id, c.name, o.title, o.requirement, o.consultation, o.region_code, "
    "(SELECT name FROM regions WHERE code = o.region_code), o.term_months, o.state, o.owner_id, "
    "(SELECT display_name FROM users WHERE id = o.owner_id), o.created_by, (SELECT display_name "
    "FROM users WHERE id = o.created_by), "
    "o.step_owner_id, (SELECT display_name FROM users WHERE id = o.step_owner_id), "
    "o.step_started_at, o.step_due_at, "
    "o.step_reminded_at, o.chosen_option_id, o.confirmation, o.billing_account, o.billing_start, "
    "o.survey_id, o.cancel_reason, "
    "o.created_at, o.updated_at, o.completed_at, o.cancelled_at, o.version, c.industry, "
    "(SELECT role FROM users WHERE id = o.created_by)";
inline constexpr const char* kFrom = " FROM orders o JOIN customers c ON c.id = o.customer_id";

// Column positions of kColumns.
enum Col : size_t {
  kId,
  kCustomerId,
  kCustomerName,
  kTitle,
  kRequirement,
  kConsultation,
  kRegion,
  kRegionName,
  kTerm,
  kState,
  kOwner,
  kOwnerName,
  kCreatedBy,
  kCreatedByName,
  kStepOwner,
  kStepOwnerName,
  kStepStarted,
  kStepDue,
  kStepReminded,
  kChosen,
  kConfirmation,
  kBillingAccount,
  kBillingStart,
  kSurvey,
  kCancelReason,
  kCreatedAt,
  kUpdatedAt,
  kCompletedAt,
  kCancelledAt,
  kVersion,
  kIndustry,
  kCreatorRole,
};

// Orders the actor sees: those of customers in scope, and those the actor owns or whose
// current step the actor owns (a construction engineer of another team).
struct Visible {
  std::string sql;
  db::Params params;
};
inline Visible visible(const Actor& a) {
  auto scope = customer_scope_sql(a, "c");
  Visible v;
  if (scope.all) {
    v.sql = "1=1";
    return v;
  }
  v.sql = "(" + scope.sql + " OR o.owner_id = ? OR o.step_owner_id = ?)";
  v.params = scope.params;
  v.params.push_back(a.user_id);
  v.params.push_back(a.user_id);
  return v;
}

}  // namespace kam::services::order_sql
