#pragma once
// Work orders (电子工单, SPEC §4): the kinds, channels and states, the state machine with the
// actions allowed from each state, the customer's service level and the priority it gives, and
// the service desk's configuration (routing to team queues, callback surveys, auto-close).
// Pure rules; ServiceDeskService applies them inside its transactions.

#include <nlohmann/json.hpp>
#include "domain/one_of.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "domain/one_of.h"

namespace kam::domain {

// fault (故障), complaint (投诉), consultation (咨询), request (业务办理/服务请求).
const std::vector<std::string>& work_order_types();
// hotline, account_manager, portal, merchant, api.
const std::vector<std::string>& work_order_channels();
// new → assigned → accepted → in_progress ⇄ waiting_customer → resolved → closed, and merged.
const std::vector<std::string>& work_order_states();
// Every action, in the order the UI offers them.
const std::vector<std::string>& work_order_actions();
// Service levels, most valuable first: vip, important, standard, basic.
const std::vector<std::string>& service_levels();

// The actions the state machine allows from `state` (who may take them is the service's
// business). `comment` changes nothing but the history.
std::vector<std::string> allowed_work_order_actions(std::string_view state);
// Where an allowed action leads; nullopt when the state machine refuses it. A reopened order
// goes back to its assignee (in_progress) or, without one, to the queue (new).
std::optional<std::string> work_order_next_state(std::string_view state, std::string_view action,
                                                 bool has_assignee);
// States in which the resolution clock stands still (waiting for the customer, resolved,
// closed, merged) and those that are finished.
bool resolution_clock_paused(std::string_view state);
bool work_order_finished(std::string_view state);  // closed or merged
bool work_order_open(std::string_view state);      // not resolved, closed or merged
// Actions that count as the first response to the customer.
bool is_response_action(std::string_view action);

// The customer's service level from its latest value record: gold customers are vip; groups by
// grade (important and extra-large groups important, ordinary standard, small basic);
// individuals by tier (silver important, bronze standard, do-not-serve basic). Without a value
// record yet, groups of the important organisation types are important, others standard.
std::string service_level(std::string_view kind, std::string_view org_type,
                          const std::optional<std::string>& grade,
                          const std::optional<std::string>& tier);
// Priority: level weight (vip 40, important 30, standard 20, basic 10) plus type weight
// (fault 30, complaint 25, request 10, consultation 5); each escalation adds 10.
int work_order_priority(std::string_view level, std::string_view type, int escalation_level = 0);
// P1 (≥ 60), P2 (≥ 45), P3 (≥ 30), P4.
std::string priority_label(int priority);

// Survey states: pending → completed | cancelled | expired. Follow-ups of a dissatisfied
// answer: open → satisfied | closed (by a supervisor, with a reason).
const std::vector<std::string>& survey_states();
const std::vector<std::string>& survey_channels();  // phone, sms, portal, wechat, visit
const std::vector<std::string>& followup_states();

// Knowledge base articles.
const std::vector<std::string>& article_categories();    // faq, product, competitor, training
const std::vector<std::string>& article_visibilities();  // public, internal, restricted
const std::vector<std::string>& article_statuses();      // draft, published, archived

// The service desk configuration (one versioned document).
struct ServiceDeskConfig {
  // Team queue a new work order of each type goes to (0: the default team).
  int64_t route_fault = 0, route_complaint = 0, route_consultation = 0, route_request = 0;
  // Queue for anything not routed: 0 → the creator's team, else the account manager's team.
  int64_t default_team_id = 0;
  // Team that makes the callbacks (0: the work order's team).
  int64_t survey_team_id = 0;
  int survey_delay_hours = 2;      // a callback is due this long after closing
  int survey_expire_days = 14;     // a callback not made within this many days expires
  int periodic_survey_months = 3;  // periodic survey of every active customer (0: none)
  int periodic_lead_days = 7;      // generated this many days before it is due
  int dissatisfied_max_score = 2;  // scores up to this open a follow-up
  int followup_days = 3;           // a follow-up should be settled within
  int auto_close_hours = 72;       // resolved orders (not complaints) close themselves (0: never)

  int64_t route_for(std::string_view type) const;
  nlohmann::json to_json() const;
  // Validates every field; errors name it as "config.<field>". Team ids are checked by the
  // service against the store.
  static Result<ServiceDeskConfig> from_json(const nlohmann::json& j);
};

}  // namespace kam::domain
