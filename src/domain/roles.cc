#include "domain/roles.h"

#include <array>

namespace kam::domain {

const std::vector<std::string>& role_names() {
  static const std::vector<std::string> names = {
      "admin",         "supervisor", "account_manager", "phone_manager",
      "service_agent", "analyst",    "merchant_staff",  "portal_user"};
  return names;
}

bool is_outsider(Role role) {
  return role == Role::kPortalUser || role == Role::kMerchantStaff;
}

std::optional<Role> parse_role(std::string_view name) {
  const auto& n = role_names();
  for (size_t i = 0; i < n.size(); ++i) {
    if (n[i] == name) return static_cast<Role>(i);
  }
  return std::nullopt;
}

std::string_view role_name(Role role) {
  return role_names()[static_cast<size_t>(role)];
}

bool has_perm(Role r, Perm p) {
  using enum Role;
  switch (p) {
    // The service desk (SPEC §4).
    case Perm::kWorkOrderCreate:
      return r != kAnalyst;
    case Perm::kWorkOrderWork:
    case Perm::kSurveyWork:
      return r == kAdmin || r == kSupervisor || r == kAccountManager || r == kPhoneManager ||
             r == kServiceAgent;
    case Perm::kWorkOrderManage:
      return r == kAdmin || r == kSupervisor;
    case Perm::kSlaManage:  // SLA policies and routing apply to every team: the admin's
      return r == kAdmin;
    case Perm::kAlertRulesManage:  // rules and zones raise tasks province-wide
      return r == kAdmin || r == kAnalyst;
    case Perm::kSatisfactionRead:
      return r == kAdmin || r == kSupervisor || r == kAccountManager || r == kPhoneManager ||
             r == kServiceAgent || r == kAnalyst;
    case Perm::kKnowledgeWrite:
      return r == kAdmin || r == kSupervisor || r == kServiceAgent || r == kAnalyst;
    case Perm::kArchiveRead:
    case Perm::kDirectoryRead:
      return !is_outsider(r);
    case Perm::kArchiveWrite:
    case Perm::kCustomerCreate:
      return r == kAdmin || r == kSupervisor || r == kAccountManager;
    case Perm::kCustomerDelete:
    case Perm::kUsersManage:
      return r == kAdmin;
    case Perm::kContactWrite:
      return r == kAdmin || r == kSupervisor || r == kAccountManager || r == kPhoneManager ||
             r == kServiceAgent;
    case Perm::kHandover:
    case Perm::kAuditRead:
      return r == kAdmin || r == kSupervisor;
    case Perm::kSeePhone:
      return r == kAdmin || r == kSupervisor || r == kAccountManager || r == kPhoneManager ||
             r == kServiceAgent;
    case Perm::kSeeIdNumber:
      return r == kAdmin;
    case Perm::kUsageImport:
    case Perm::kValueConfigure:
      return r == kAdmin || r == kAnalyst;
    case Perm::kChurnManage:
      return r == kAdmin || r == kAnalyst || r == kSupervisor;
    case Perm::kCareWork:
      return r == kAdmin || r == kSupervisor || r == kAccountManager || r == kPhoneManager;
    case Perm::kCareManage:
      return r == kAdmin || r == kSupervisor;
    case Perm::kTariffManage:
    case Perm::kProductManage:
      return r == kAdmin || r == kAnalyst;
    case Perm::kOrderWrite:
      return r == kAdmin || r == kSupervisor || r == kAccountManager;
    case Perm::kOrderApprove:
      return r == kAdmin || r == kSupervisor;
    case Perm::kOrderConfigure:
      return r == kAdmin;
    case Perm::kAnalysisRead:
      return r == kAdmin || r == kAnalyst || r == kSupervisor || r == kAccountManager ||
             r == kPhoneManager;
  }
  return false;
}

const std::vector<std::pair<Perm, const char*>>& perm_names() {
  static const std::vector<std::pair<Perm, const char*>> names = {
      {Perm::kWorkOrderCreate, "workorder.create"},
      {Perm::kWorkOrderWork, "workorder.work"},
      {Perm::kWorkOrderManage, "workorder.manage"},
      {Perm::kSlaManage, "sla.manage"},
      {Perm::kSurveyWork, "survey.work"},
      {Perm::kSatisfactionRead, "satisfaction.read"},
      {Perm::kKnowledgeWrite, "knowledge.write"},
      {Perm::kArchiveRead, "archive.read"},
      {Perm::kArchiveWrite, "archive.write"},
      {Perm::kCustomerCreate, "customer.create"},
      {Perm::kCustomerDelete, "customer.delete"},
      {Perm::kContactWrite, "contact.write"},
      {Perm::kHandover, "handover"},
      {Perm::kUsersManage, "users.manage"},
      {Perm::kAuditRead, "audit.read"},
      {Perm::kSeePhone, "pii.phone"},
      {Perm::kSeeIdNumber, "pii.id_number"},
      {Perm::kUsageImport, "usage.import"},
      {Perm::kValueConfigure, "value.configure"},
      {Perm::kAnalysisRead, "analysis.read"},
      {Perm::kChurnManage, "churn.manage"},
      {Perm::kCareWork, "care.work"},
      {Perm::kCareManage, "care.manage"},
      {Perm::kTariffManage, "tariff.manage"},
      {Perm::kProductManage, "product.manage"},
      {Perm::kOrderWrite, "order.write"},
      {Perm::kOrderApprove, "order.approve"},
      {Perm::kOrderConfigure, "order.configure"},
      {Perm::kDirectoryRead, "directory.read"},
      {Perm::kAlertRulesManage, "alert.rules"}};
  return names;
}

Scope customer_scope(Role r) {
  using enum Role;
  switch (r) {
    case kAdmin:
    case kAnalyst:
    case kServiceAgent:  // the hotline must find any caller's customer
      return Scope::kAll;
    case kSupervisor:
      return Scope::kTeam;
    case kAccountManager:
    case kPhoneManager:
      return Scope::kOwn;
    case kPortalUser:
      return Scope::kOwnGroup;
    case kMerchantStaff:
      return Scope::kNone;
  }
  return Scope::kNone;
}

}  // namespace kam::domain
