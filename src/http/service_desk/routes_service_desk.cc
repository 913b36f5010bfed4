// Routes of the service desk (SPEC §4): work orders and the team queue, SLA policies and the
// desk configuration, satisfaction surveys, follow-ups and figures. The knowledge base's routes
// are in routes_knowledge.cc.

#include "domain/work_orders.h"
#include "http/api.h"
#include "http/schema.h"

namespace kam::http {
namespace {

using namespace schema;  // NOLINT

// Long by design: a table of the OpenAPI schemas of this area, one entry per schema.
void add_schemas(Router& r) {
  json str = {{"type", "string"}}, integer = {{"type", "integer"}}, object = {{"type", "object"}},
       boolean = {{"type", "boolean"}};
  json idname = {{"type", json::array({"object", "null"})},
                 {"properties", {{"id", integer}, {"name", str}}}};
  json clock =
      obj({{"due_at", nullable("string")},
           {"remaining_seconds",
            {{"type", json::array({"integer", "null"})},
             {"description",
              "wall-clock seconds to the deadline (negative once over); null when stopped"}}},
           {"breached", boolean},
           {"budget_minutes", integer}});
  json states = enum_of(domain::work_order_states());
  r.add_schema(
      "WorkOrder",
      obj({{"id", integer},
           {"code", str},
           {"type", enum_of(domain::work_order_types())},
           {"channel", enum_of(domain::work_order_channels())},
           {"title", str},
           {"description", nullable("string")},
           {"customer_id", integer},
           {"customer_name", str},
           {"member_id", nullable("integer")},
           {"member_number",
            {{"type", json::array({"string", "null"})},
             {"description", "masked for roles without pii.phone"}}},
           {"order_id", nullable("integer")},
           {"merchant_id", nullable("integer")},
           {"contact_name", nullable("string")},
           {"contact_phone", nullable("string")},
           {"level", enum_of(domain::service_levels())},
           {"priority", integer},
           {"priority_label", enum_of({"P1", "P2", "P3", "P4"})},
           {"state", states},
           {"actions",
            {{"type", "array"},
             {"items", str},
             {"description", "actions the state machine allows now"}}},
           {"team", idname},
           {"assignee", idname},
           {"created_by", idname},
           {"sla", obj({{"calendar", object},
                        {"policy_id", nullable("integer")},
                        {"response", clock},
                        {"resolution", clock}})},
           {"escalation_level", integer},
           {"escalated_to", idname},
           {"escalated_at", nullable("string")},
           {"resolution", nullable("string")},
           {"reopen_count", integer},
           {"merged_into", nullable("integer")},
           {"responsibility",
            {{"type", json::array({"object", "null"})},
             {"description", "complaints: department, person, cause, manager_at_fault"}}},
           {"resolved_at", nullable("string")},
           {"closed_at", nullable("string")},
           {"created_at", str},
           {"updated_at", str},
           {"version", integer},
           {"events",
            {{"type", "array"},
             {"items", object},
             {"description", "detail only: the full history"}}},
           {"pauses", {{"type", "array"}, {"items", object}, {"description", "detail only"}}},
           {"surveys",
            {{"type", "array"}, {"items", object}, {"description", "detail only: callbacks"}}}}));
  r.add_schema("WorkOrderInput", {{"type", "object"},
                                  {"required", {"type", "title", "customer_id"}},
                                  {"properties",
                                   {{"type", enum_of(domain::work_order_types())},
                                    {"channel", enum_of(domain::work_order_channels())},
                                    {"title", {{"type", "string"}, {"maxLength", 200}}},
                                    {"description", {{"type", "string"}, {"maxLength", 4000}}},
                                    {"customer_id", integer},
                                    {"member_id", integer},
                                    {"order_id", integer},
                                    {"merchant_id", integer},
                                    {"contact_name", str},
                                    {"contact_phone", str},
                                    {"team_id", integer}}}});
  r.add_schema(
      "WorkOrderAction",
      {{"type", "object"},
       {"required", {"version"}},
       {"properties",
        {{"version", {{"type", "integer"}, {"description", "the version you read"}}},
         {"note", str},
         {"assignee_id", {{"type", "integer"}, {"description", "assign"}}},
         {"team_id", {{"type", "integer"}, {"description", "transfer"}}},
         {"into_id",
          {{"type", "integer"}, {"description", "merge: the order this one duplicates"}}},
         {"resolution", {{"type", "string"}, {"description", "resolve"}}},
         {"department",
          {{"type", "string"}, {"description", "close a complaint: responsible department"}}},
         {"person", str},
         {"person_id", integer},
         {"cause", {{"type", "string"}, {"description", "close a complaint: the cause"}}},
         {"manager_at_fault", boolean},
         {"penalty_points", integer},
         {"penalty_fen", integer}}}});
  r.add_schema(
      "WorkOrderQueue",
      obj({{"team", idname},
           {"teams",
            {{"type", "array"},
             {"items", idname},
             {"description", "the queues the caller may work: their team's and those they lead"}}},
           {"items", {{"type", "array"}, {"items", {{"$ref", "#/components/schemas/WorkOrder"}}}}},
           {"counts", object},
           {"breached", integer},
           {"now", str}}));
  json policy_props = {
      {"name", str},
      {"type", enum_of({"*", "fault", "complaint", "consultation", "request"})},
      {"level", enum_of({"*", "vip", "important", "standard", "basic"})},
      {"response_minutes", integer},
      {"resolution_minutes", integer},
      {"calendar", enum_of({"business", "24x7"})},
      {"day_start", {{"type", "string"}, {"description", "HH:MM"}}},
      {"day_end", {{"type", "string"}, {"description", "HH:MM"}}},
      {"workdays", {{"type", "array"}, {"items", integer}, {"description", "1 Monday … 7 Sunday"}}},
      {"exclude_holidays", boolean},
      {"remind_before_minutes", integer},
      {"escalation_step_minutes", integer},
      {"active", boolean}};
  json policy = policy_props;
  policy["id"] = integer;
  policy["updated_at"] = str;
  policy["version"] = integer;
  r.add_schema("SlaPolicy", obj(policy));
  json policy_input = policy_props;
  policy_input["version"] = {{"type", "integer"}, {"description", "update: the version you read"}};
  r.add_schema("SlaPolicyInput", obj(policy_input));
  r.add_schema("ServiceDeskConfig", obj({{"config", object},
                                         {"defaults", object},
                                         {"version", integer},
                                         {"updated_at", nullable("string")}}));
  r.add_schema("ServiceDeskConfigInput",
               {{"type", "object"},
                {"required", {"config", "version"}},
                {"properties", {{"config", object}, {"version", integer}}}});
  r.add_schema(
      "Survey",
      obj({{"id", integer},
           {"customer_id", integer},
           {"customer_name", str},
           {"source_type", enum_of({"work_order", "order", "periodic", "followup", "manual"})},
           {"source_id", nullable("integer")},
           {"source_code", nullable("string")},
           {"state", enum_of(domain::survey_states())},
           {"due_at", str},
           {"team", idname},
           {"work_type", nullable("string")},
           {"score", nullable("integer")},
           {"comment", nullable("string")},
           {"channel", nullable("string")},
           {"surveyed_by", idname},
           {"manager", idname},
           {"completed_at", nullable("string")},
           {"created_at", str},
           {"followup_id", nullable("integer")},
           {"version", integer}}));
  r.add_schema("SurveyAnswer", {{"type", "object"},
                                {"required", {"score", "version"}},
                                {"properties",
                                 {{"score", {{"type", "integer"}, {"minimum", 1}, {"maximum", 5}}},
                                  {"comment", str},
                                  {"channel", enum_of(domain::survey_channels())},
                                  {"version", integer}}}});
  r.add_schema("PeriodicSurveyInput", obj({{"date", {{"type", "string"}, {"format", "date"}}}}));
  r.add_schema("PeriodicSurveys",
               obj({{"date", str}, {"period", nullable("string")}, {"created", integer}}));
  r.add_schema("SurveyFollowup", obj({{"id", integer},
                                      {"survey_id", integer},
                                      {"customer_id", integer},
                                      {"customer_name", str},
                                      {"work_order_id", nullable("integer")},
                                      {"assignee", idname},
                                      {"state", enum_of(domain::followup_states())},
                                      {"due_at", str},
                                      {"overdue", boolean},
                                      {"attempts", integer},
                                      {"last_score", nullable("integer")},
                                      {"note", nullable("string")},
                                      {"close_reason", nullable("string")},
                                      {"closed_by", idname},
                                      {"closed_at", nullable("string")},
                                      {"created_at", str},
                                      {"version", integer}}));
  r.add_schema("FollowupClose", {{"type", "object"},
                                 {"required", {"reason", "version"}},
                                 {"properties", {{"reason", str}, {"version", integer}}}});
  json stat =
      obj({{"key", str},
           {"name", str},
           {"count", integer},
           {"average", {{"type", "number"}}},
           {"dissatisfied", integer},
           {"satisfied_rate", {{"type", "number"}, {"description", "percent of scores 4-5"}}}});
  r.add_schema("SatisfactionStats", obj({{"by", str},
                                         {"from", str},
                                         {"to", str},
                                         {"total", object},
                                         {"items", {{"type", "array"}, {"items", stat}}}}));
  r.add_schema("ComplaintPenalty", obj({{"id", integer},
                                        {"user", idname},
                                        {"month", str},
                                        {"points", integer},
                                        {"amount_fen", integer},
                                        {"reason", str},
                                        {"work_order", object},
                                        {"customer", idname},
                                        {"created_at", str}}));
}

}  // namespace

// Long by design: a table of routes, one `router_.add` entry per route with its OpenAPI
// description; nothing in it branches.
void Api::add_service_desk_routes() {
  router_.add_tag(
      "work-orders",
      "work orders (电子工单): queues, SLA clocks, state machine, complaints (SPEC §4)");
  router_.add_tag("sla", "SLA policies and the service desk configuration (SPEC §4)");
  router_.add_tag("satisfaction",
                  "callback and periodic surveys, follow-ups, satisfaction figures (SPEC §4)");
  add_schemas(router_);

  router_.add(
      "GET", "/api/v1/work-orders",
      {.summary = "Work orders you may see",
       .tag = "work-orders",
       .query = {{"state", "string", "a state, open (not yet resolved) or active (not closed)"},
                 {"type", "string", "fault, complaint, consultation or request"},
                 {"channel", "string", "hotline, account_manager, portal, merchant or api"},
                 {"level", "string", "vip, important, standard or basic"},
                 {"team_id", "integer", "one team's"},
                 {"customer_id", "integer", "one customer's"},
                 {"assignee", "string", "me, none or a user id"},
                 {"breached", "string", "1: a deadline was missed"},
                 {"q", "string", "code, title or customer name"},
                 {"sort", "string", "-created_at (default), priority or due"},
                 {"limit", "integer", "1-200 (default 50)"},
                 {"cursor", "string", "next_cursor from the previous page"}},
       .response_schema = "WorkOrder",
       .list = true},
      with_list([](Context& c, const services::ListQuery& q) {
        return reply(c.s.desk.list_work_orders(c.actor, q));
      }));
  router_.add("POST", "/api/v1/work-orders",
              {.summary = "Open a work order (level, priority, queue and SLA deadlines follow)",
               .tag = "work-orders",
               .request_schema = "WorkOrderInput",
               .response_schema = "WorkOrder",
               .success_status = 201},
              with_body([](Context& c, const json& b) {
                return reply(c.s.desk.create_work_order(c.actor, b), 201);
              }));
  router_.add(
      "GET", "/api/v1/work-orders/queue",
      {.summary = "A team's queue: unfinished work orders by priority, then deadline",
       .tag = "work-orders",
       .query = {{"team_id", "integer",
                  "your team by default (outside any team: the first you lead)"},
                 {"limit", "integer", "1-200 (default 100)"}},
       .response_schema = "WorkOrderQueue"},
      [](Context& c) {
        int64_t team = 0;
        if (!c.query("team_id").empty()) {
          std::string v = c.query("team_id");
          if (v.size() > 18 || v.find_first_not_of("0123456789") != std::string::npos ||
              v[0] == '0') {
            return Response::error(Error::invalid("team_id", "must be a positive integer id"));
          }
          team = std::stoll(v);
        }
        int limit = 100;
        if (!c.query("limit").empty()) {
          std::string v = c.query("limit");
          if (v.size() > 4 || v.find_first_not_of("0123456789") != std::string::npos) {
            return Response::error(Error::invalid("limit", "must be an integer between 1 and 200"));
          }
          limit = std::stoi(v);
        }
        return reply(c.s.desk.queue(c.actor, team, limit));
      });
  router_.add(
      "GET", "/api/v1/work-orders/config",
      {.summary = "The service desk settings (routing, callbacks, periodic surveys, auto-close)",
       .tag = "sla",
       .response_schema = "ServiceDeskConfig"},
      [](Context& c) { return reply(c.s.desk.get_config(c.actor)); });
  router_.add(
      "PUT", "/api/v1/work-orders/config",
      {.summary = "Change the service desk settings (send the version you read)",
       .tag = "sla",
       .request_schema = "ServiceDeskConfigInput",
       .response_schema = "ServiceDeskConfig"},
      with_body([](Context& c, const json& b) { return reply(c.s.desk.put_config(c.actor, b)); }));
  router_.add(
      "GET", "/api/v1/work-orders/{id}",
      {.summary = "One work order with its history, SLA clocks, pauses and callbacks",
       .tag = "work-orders",
       .response_schema = "WorkOrder"},
      with_id([](Context& c, int64_t id) { return reply(c.s.desk.get_work_order(c.actor, id)); }));
  static const std::map<std::string, std::string> summaries = {
      {"take", "Take the work order (two agents at once: one wins, the other is told who has it)"},
      {"assign", "Assign it to someone (supervisors): {assignee_id}"},
      {"accept", "Accept an assigned work order"},
      {"start", "Start working on it"},
      {"wait", "Wait for the customer (the resolution clock pauses)"},
      {"resume", "Resume after the customer answered (the clock runs again)"},
      {"resolve", "Resolve it: {resolution}"},
      {"close",
       "Close it (complaints: department, cause, manager_at_fault); schedules the callback survey"},
      {"reopen", "Reopen a resolved or closed work order: {note}"},
      {"transfer", "Transfer it to another team's queue: {team_id, note}"},
      {"merge", "Merge it into the work order it duplicates: {into_id}"},
      {"comment", "Add a note to the history: {note}"}};
  for (const auto& action : domain::work_order_actions()) {
    router_.add("POST", "/api/v1/work-orders/{id}/" + action,
                {.summary = summaries.at(action),
                 .tag = "work-orders",
                 .request_schema = "WorkOrderAction",
                 .response_schema = "WorkOrder"},
                with_id([action](Context& c, int64_t id) {
                  auto body = c.body();
                  if (!body) return Response::error(body.error());
                  return reply(c.s.desk.transition(c.actor, id, action, *body));
                }));
  }

  // --- SLA policies ---
  router_.add("GET", "/api/v1/sla-policies",
              {.summary = "SLA policies: type × customer level → response and resolution minutes",
               .tag = "sla",
               .response_schema = "SlaPolicy",
               .list = true},
              [](Context& c) { return reply(c.s.desk.list_policies(c.actor)); });
  router_.add("POST", "/api/v1/sla-policies",
              {.summary = "Add an SLA policy (invalid ones are refused naming the field)",
               .tag = "sla",
               .request_schema = "SlaPolicyInput",
               .response_schema = "SlaPolicy",
               .success_status = 201},
              with_body([](Context& c, const json& b) {
                return reply(c.s.desk.create_policy(c.actor, b), 201);
              }));
  router_.add("PUT", "/api/v1/sla-policies/{id}",
              {.summary = "Change an SLA policy (send the version you read); open work orders keep "
                          "their deadlines",
               .tag = "sla",
               .request_schema = "SlaPolicyInput",
               .response_schema = "SlaPolicy"},
              with_id_body([](Context& c, int64_t id, json& body) {
                return reply(c.s.desk.update_policy(c.actor, id, body));
              }));
  router_.add(
      "DELETE", "/api/v1/sla-policies/{id}",
      {.summary = "Remove an SLA policy (not the default * × *)", .tag = "sla"},
      with_id([](Context& c, int64_t id) { return reply(c.s.desk.delete_policy(c.actor, id)); }));

  // --- Surveys ---
  router_.add(
      "GET", "/api/v1/surveys",
      {.summary = "Satisfaction surveys (callbacks, periodic) of your customers and your team",
       .tag = "satisfaction",
       .query = {{"state", "string", "pending, completed, cancelled or expired"},
                 {"source_type", "string", "work_order, order, periodic or manual"},
                 {"customer_id", "integer", "one customer's"},
                 {"due", "string", "1: pending and due now"},
                 {"limit", "integer", "1-200 (default 50)"},
                 {"cursor", "string", "next_cursor from the previous page"}},
       .response_schema = "Survey",
       .list = true},
      with_list([](Context& c, const services::ListQuery& q) {
        return reply(c.s.desk.list_surveys(c.actor, q));
      }));
  router_.add(
      "POST", "/api/v1/surveys/generate",
      {.summary =
           "Generate the periodic (quarterly) surveys due around a date (reruns add nothing)",
       .tag = "satisfaction",
       .request_schema = "PeriodicSurveyInput",
       .response_schema = "PeriodicSurveys"},
      [](Context& c) {
        std::string date;
        if (!c.req.body.empty()) {
          auto b = c.body();
          if (!b) return Response::error(b.error());
          if (!b->is_object())
            return Response::error(Error::invalid("", "the request body must be a JSON object"));
          for (const auto& [k, v] : b->items()) {
            if (k != "date")
              return Response::error(Error::invalid(k, "is not a field of a survey generation"));
            if (!v.is_string() || !is_date(v.get<std::string>())) {
              return Response::error(Error::invalid("date", "must be a date YYYY-MM-DD"));
            }
            date = v.get<std::string>();
          }
        }
        return reply(c.s.desk.generate_periodic(c.actor, date));
      });
  router_.add(
      "GET", "/api/v1/surveys/followups",
      {.summary = "Follow-ups of dissatisfied answers (yours, your customers', your team's)",
       .tag = "satisfaction",
       .query = {{"state", "string", "open, satisfied or closed"},
                 {"customer_id", "integer", "one customer's"},
                 {"limit", "integer", "1-200 (default 50)"}},
       .response_schema = "SurveyFollowup",
       .list = true},
      with_list([](Context& c, const services::ListQuery& q) {
        return reply(c.s.desk.list_followups(c.actor, q));
      }));
  router_.add(
      "POST", "/api/v1/surveys/followups/{id}/record",
      {.summary = "Record a follow-up call: satisfied above the threshold, else it stays open",
       .tag = "satisfaction",
       .request_schema = "SurveyAnswer",
       .response_schema = "SurveyFollowup"},
      with_id_body([](Context& c, int64_t id, json& body) {
        return reply(c.s.desk.record_followup(c.actor, id, body));
      }));
  router_.add("POST", "/api/v1/surveys/followups/{id}/close",
              {.summary = "A supervisor closes a follow-up that cannot be settled, with the reason",
               .tag = "satisfaction",
               .request_schema = "FollowupClose",
               .response_schema = "SurveyFollowup"},
              with_id_body([](Context& c, int64_t id, json& body) {
                return reply(c.s.desk.close_followup(c.actor, id, body));
              }));
  router_.add(
      "GET", "/api/v1/surveys/{id}",
      {.summary = "One survey", .tag = "satisfaction", .response_schema = "Survey"},
      with_id([](Context& c, int64_t id) { return reply(c.s.desk.get_survey(c.actor, id)); }));
  router_.add(
      "POST", "/api/v1/surveys/{id}/complete",
      {.summary = "Record the customer's answer (score 1-5); dissatisfied opens a follow-up",
       .tag = "satisfaction",
       .request_schema = "SurveyAnswer",
       .response_schema = "Survey"},
      with_id_body([](Context& c, int64_t id, json& body) {
        return reply(c.s.desk.complete_survey(c.actor, id, body));
      }));
  router_.add("GET", "/api/v1/satisfaction",
              {.summary = "Satisfaction by customer, manager, team, type or month",
               .tag = "satisfaction",
               .query = {{"by", "string", "customer, manager, team, type or month (default)"},
                         {"from", "string", "completed on or after this date"},
                         {"to", "string", "completed on or before this date"}},
               .response_schema = "SatisfactionStats"},
              [](Context& c) {
                return reply(c.s.desk.satisfaction_stats(c.actor, c.query("by"), c.query("from"),
                                                         c.query("to")));
              });
  router_.add("GET", "/api/v1/satisfaction/penalties",
              {.summary = "Complaint penalties recorded at closure (for the appraisal)",
               .tag = "satisfaction",
               .query = {{"user_id", "integer", "one person's"},
                         {"month", "string", "YYYY-MM"},
                         {"limit", "integer", "1-200"}},
               .response_schema = "ComplaintPenalty",
               .list = true},
              with_list([](Context& c, const services::ListQuery& q) {
                return reply(c.s.desk.penalties(c.actor, q));
              }));
}

}  // namespace kam::http
