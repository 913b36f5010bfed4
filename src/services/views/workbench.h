#pragma once
// The workbench's "open and overdue items" (SPEC §1, 工作台): every kind of item a person owns,
// from every area, in one list with one count — alert tasks (not closed; overdue past their
// deadline), open care tasks (overdue after their due date), next steps of contact records
// (the customer's latest contact's next step, until a newer contact is recorded), and, where
// those areas' tables exist, work orders assigned to them (overdue past the SLA deadline),
// one-stop orders whose current step they own (overdue past the step target) and discount
// approvals waiting for their decision (overdue past the approval step's target).
//
// Access is checked here: a manager sees their own items ("me"); a supervisor may ask for their
// team's ("team": every member of the teams they lead, and themselves), admins for everyone's.
// Every record also stays inside the caller's customer scope.

#include <string>

#include "services/services.h"

namespace kam::services {

struct WorkItemsQuery {
  std::string scope = "me";  // me | team
  int limit = 50;            // items listed (counts always cover everything)
  std::string kind;          // list only this kind (alert_task, care_task, …); empty: all
};

// {scope, now, today, kinds, counts: {open, overdue, by_kind: {kind: {open, overdue}}},
//  items: [{kind, id, title, state, customer_id, customer_name, owner_id, owner_name, due_at,
//  due_date, overdue, order_id}], by_owner: [{user_id, name, role, open, overdue, by_kind}]}
Result<json> workbench_items(Services& s, const Actor& a, const WorkItemsQuery& q);

}  // namespace kam::services
