#pragma once
// The service desk (SPEC §4): work orders (电子工单) from every channel in team queues ordered by
// priority and deadline, with SLA clocks on business calendars (pauses while waiting for the
// customer), reminders before the deadlines and escalation after them; complaint
// accountability with penalties for the appraisal; satisfaction callbacks (回访) after closing,
// periodic surveys and the follow-ups of dissatisfied answers. The knowledge base (知识库) is a
// service of its own (knowledge_service.h).
//
// Who sees a work order (checked here, on every record; outside the scope answers 404):
// admins and analysts all of them; service agents their team's queue, those assigned to them
// and those they opened; supervisors those of their customers, their teams' queues and what
// was escalated to them; account and phone managers those of their customers and those
// assigned to or opened by them; portal users their own group's; merchant staff their
// merchant's.

#include <string>

#include "services/core/records.h"

namespace kam::services {

class ServiceDeskService {
 public:
  explicit ServiceDeskService(Records& records) : records_(records) {}

  // --- Work orders -----------------------------------------------------------------------
  // {type, channel, title, description?, customer_id, member_id?, order_id?, merchant_id?,
  //  contact_name?, contact_phone?, team_id?}: level and priority from the customer, SLA
  // deadlines from the matching policy, the team queue from the routing.
  Result<json> create_work_order(const Actor& a, const json& body);
  // Filters: state (a state, "open" or "active"), type, channel, team_id, customer_id,
  // assignee ("me", "none" or an id), breached=1, q (code or title); limit, cursor (offset).
  Result<json> list_work_orders(const Actor& a, const ListQuery& q);
  // A team's queue (0: the caller's team): unfinished orders by priority, then deadline.
  Result<json> queue(const Actor& a, int64_t team_id, int limit);
  // One work order with its history (events), SLA clocks, pauses and callback surveys.
  Result<json> get_work_order(const Actor& a, int64_t id);
  // take | assign | accept | start | wait | resume | resolve | close | reopen | transfer | merge |
  // comment, with the version read. 409 names the holder when someone else has the order, or
  // the actions allowed now.
  Result<json> transition(const Actor& a, int64_t id, const std::string& action, const json& body);
  // For the 360 view: the customer's open work orders the actor may see.
  Result<json> customer_work_orders(db::Connection& c, const Actor& a, int64_t customer_id);
  // The customer's last completed survey (score, date) or null.
  Result<json> customer_satisfaction(db::Connection& c, int64_t customer_id);

  // --- SLA policies and configuration ----------------------------------------------------
  Result<json> list_policies(const Actor& a);
  Result<json> create_policy(const Actor& a, const json& body);
  Result<json> update_policy(const Actor& a, int64_t id, const json& body);
  Status delete_policy(const Actor& a, int64_t id);
  Result<json> get_config(const Actor& a);
  Result<json> put_config(const Actor& a, const json& body);
  // Reminders before deadlines, escalation after them (team supervisor, the supervisor of the
  // team above, then the admins), auto-close of resolved orders, expiry of callbacks not made.
  Result<json> tick(int64_t now);

  // --- Satisfaction ------------------------------------------------------------------------
  // Schedules a callback survey of a completed one-stop order, inside the caller's
  // transaction (the orders area calls it when an order completes). Idempotent per order:
  // calling it again answers the same survey id. Due `survey_delay_hours` after completed_at.
  Result<int64_t> schedule_order_callback(db::Connection& c, int64_t customer_id, int64_t order_id,
                                          int64_t completed_at);
  // Filters: state, source_type, customer_id, due (=1: due now); limit, cursor (offset).
  Result<json> list_surveys(const Actor& a, const ListQuery& q);
  Result<json> get_survey(const Actor& a, int64_t id);
  // {score 1–5, comment?, channel, version}; a score up to the threshold opens a follow-up.
  Result<json> complete_survey(const Actor& a, int64_t id, const json& body);
  // Periodic surveys due around `today` (YYYY-MM-DD) for every active customer; idempotent.
  Result<json> generate_periodic(const Actor& a, std::string today);
  // Filters: state, customer_id.
  Result<json> list_followups(const Actor& a, const ListQuery& q);
  // A follow-up call: {score, comment?, channel, version}; satisfied from a score above the
  // threshold, otherwise it stays open.
  Result<json> record_followup(const Actor& a, int64_t id, const json& body);
  // A supervisor closes a follow-up that cannot be settled: {reason, version}.
  Result<json> close_followup(const Actor& a, int64_t id, const json& body);
  // Average score, count, dissatisfied and satisfied (4–5) share by customer | manager | team |
  // type | month over completed surveys in [from, to] (dates, Asia/Shanghai).
  Result<json> satisfaction_stats(const Actor& a, const std::string& dimension,
                                  const std::string& from, const std::string& to);
  // Complaint penalties recorded at closure (for the appraisal): filters user_id, month (YYYY-MM).
  Result<json> penalties(const Actor& a, const ListQuery& q);

  // The title of a work order the actor may see (the knowledge base suggests articles by it).
  Result<std::string> work_order_title(const Actor& a, int64_t id);

 private:
  Result<std::optional<json>> load_work_order(db::Connection& c, const Actor& a, int64_t id);
  Result<std::optional<json>> load_survey(db::Connection& c, const Actor& a, int64_t id);
  Result<std::optional<json>> load_followup(db::Connection& c, const Actor& a, int64_t id);
  // Closes a resolved work order inside `c`: responsibility, penalty, the callback survey.
  Status close_in(db::Connection& c, const Actor& a, const json& row, const json& body,
                  int64_t now);
  Result<int64_t> schedule_survey(db::Connection& c, int64_t customer_id,
                                  const std::string& source_type, int64_t source_id, int64_t due_at,
                                  const std::string& work_type, std::optional<int64_t> team_id);

  Records& records_;
};

}  // namespace kam::services
