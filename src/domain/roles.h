#pragma once
// Roles and what each may do. Record-level scope (which customers) is decided here too, and
// turned into SQL by the services; the UI only mirrors it.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kam::domain {

enum class Role {
  kAdmin,
  kSupervisor,
  kAccountManager,
  kPhoneManager,
  kServiceAgent,
  kAnalyst,
  kMerchantStaff,
  kPortalUser,
};

const std::vector<std::string>& role_names();
// Portal users and merchant staff are outsiders: not the operator's staff. They read only what
// is made for them (their group's portal fields, their own work orders), never staff views or
// the staff directory.
bool is_outsider(Role role);
std::optional<Role> parse_role(std::string_view name);
std::string_view role_name(Role role);

enum class Perm {
  kArchiveRead,   // may read customers at all (within scope)
  kArchiveWrite,  // profile, members, key persons, contracts, needs
  kCustomerCreate,
  kCustomerDelete,
  kContactWrite,      // contact records
  kWorkOrderCreate,   // open work orders (customers in scope; portal: own group; merchant: own)
  kWorkOrderWork,     // work the queue: take, handle, resolve, transfer, merge, close
  kWorkOrderManage,   // assign to others, close follow-ups, the service desk configuration
  kSlaManage,         // SLA policies
  kSurveyWork,        // satisfaction callbacks (surveys) within the customer scope
  kSatisfactionRead,  // satisfaction figures and complaint penalties (within the customer scope)
  kKnowledgeWrite,    // write and publish knowledge base articles
  kHandover,          // start and complete handovers
  kUsersManage,       // users, teams, regions
  kAuditRead,
  kSeePhone,          // unmasked phone numbers
  kSeeIdNumber,       // unmasked ID numbers
  kUsageImport,       // import usage files, run the value computation
  kValueConfigure,    // change the value, grading and lifecycle rules
  kAnalysisRead,      // value analysis and reports (within the customer scope)
  kChurnManage,       // train churn models and choose the current one
  kCareWork,          // work care tasks (done / skipped) within the customer scope
  kCareManage,        // generate care tasks, change the care and family-plan configuration
  kTariffManage,      // maintain the tariff package catalogue
  kProductManage,     // maintain the product catalogue (prices, subsidies, discounts allowed)
  kOrderWrite,        // create and work orders of customers in scope (一站式受理)
  kOrderApprove,      // decide discount approvals, up to the role's configured limits
  kOrderConfigure,    // change the discount limits and the step targets
  kDirectoryRead,     // the staff directory: users and teams (staff only)
  kAlertRulesManage,  // alert rules (built-ins too) and zone thresholds: province-wide settings
};

bool has_perm(Role role, Perm perm);
// Every permission with its API name ("archive.read"), as `GET /auth/me` lists them.
const std::vector<std::pair<Perm, const char*>>& perm_names();

// Which customers a role sees.
enum class Scope { kAll, kTeam, kOwn, kOwnGroup, kNone };
Scope customer_scope(Role role);

}  // namespace kam::domain
