#include "domain/work_orders.h"

#include <algorithm>
#include <map>

namespace kam::domain {

using json = nlohmann::json;

const std::vector<std::string>& work_order_types() {
  static const std::vector<std::string> v = {"fault", "complaint", "consultation", "request"};
  return v;
}

const std::vector<std::string>& work_order_channels() {
  static const std::vector<std::string> v = {"hotline", "account_manager", "portal", "merchant",
                                             "api"};
  return v;
}

const std::vector<std::string>& work_order_states() {
  static const std::vector<std::string> v = {
      "new",      "assigned", "accepted", "in_progress", "waiting_customer",
      "resolved", "closed",   "merged"};
  return v;
}

const std::vector<std::string>& work_order_actions() {
  static const std::vector<std::string> v = {"take",   "assign",   "accept",  "start",
                                             "wait",   "resume",   "resolve", "close",
                                             "reopen", "transfer", "merge",   "comment"};
  return v;
}

const std::vector<std::string>& service_levels() {
  static const std::vector<std::string> v = {"vip", "important", "standard", "basic"};
  return v;
}

namespace {

// state → action → next state ("" for "stays").
const std::map<std::string, std::vector<std::pair<std::string, std::string>>, std::less<>>&
machine() {
  static const std::map<std::string, std::vector<std::pair<std::string, std::string>>, std::less<>>
      m = {
          {"new",
           {{"take", "accepted"},
            {"assign", "assigned"},
            {"transfer", "new"},
            {"merge", "merged"},
            {"comment", ""}}},
          {"assigned",
           {{"take", "accepted"},
            {"accept", "accepted"},
            {"assign", "assigned"},
            {"transfer", "new"},
            {"merge", "merged"},
            {"comment", ""}}},
          {"accepted",
           {{"start", "in_progress"},
            {"wait", "waiting_customer"},
            {"resolve", "resolved"},
            {"assign", "assigned"},
            {"transfer", "new"},
            {"merge", "merged"},
            {"comment", ""}}},
          {"in_progress",
           {{"wait", "waiting_customer"},
            {"resolve", "resolved"},
            {"assign", "assigned"},
            {"transfer", "new"},
            {"merge", "merged"},
            {"comment", ""}}},
          {"waiting_customer",
           {{"resume", "in_progress"},
            {"resolve", "resolved"},
            {"assign", "assigned"},
            {"transfer", "new"},
            {"comment", ""}}},
          {"resolved", {{"close", "closed"}, {"reopen", "in_progress"}, {"comment", ""}}},
          {"closed", {{"reopen", "in_progress"}}},
          {"merged", {}},
      };
  return m;
}

}  // namespace

std::vector<std::string> allowed_work_order_actions(std::string_view state) {
  std::vector<std::string> out;
  auto it = machine().find(state);
  if (it == machine().end()) return out;
  for (const auto& [action, to] : it->second) out.push_back(action);
  return out;
}

std::optional<std::string> work_order_next_state(std::string_view state, std::string_view action,
                                                 bool has_assignee) {
  auto it = machine().find(state);
  if (it == machine().end()) return std::nullopt;
  for (const auto& [a, to] : it->second) {
    if (a != action) continue;
    if (to.empty()) return std::string(state);
    if (a == "reopen" && !has_assignee) return std::string("new");
    return to;
  }
  return std::nullopt;
}

bool resolution_clock_paused(std::string_view s) {
  return s == "waiting_customer" || s == "resolved" || s == "closed" || s == "merged";
}
bool work_order_finished(std::string_view s) {
  return s == "closed" || s == "merged";
}
bool work_order_open(std::string_view s) {
  return s != "resolved" && s != "closed" && s != "merged";
}
bool is_response_action(std::string_view a) {
  return a == "take" || a == "accept" || a == "start" || a == "wait" || a == "resolve";
}

std::string service_level(std::string_view kind, std::string_view org_type,
                          const std::optional<std::string>& grade,
                          const std::optional<std::string>& tier) {
  if (tier && *tier == "gold") return "vip";
  if (kind == "individual") {
    if (!tier) return "standard";
    if (*tier == "silver") return "important";
    if (*tier == "do_not_serve") return "basic";
    return "standard";
  }
  if (grade) {
    if (*grade == "important" || *grade == "extra_large") return "important";
    if (*grade == "small") return "basic";
    return "standard";
  }
  bool important = org_type == "government" || org_type == "police" || org_type == "enterprise" ||
                   org_type == "education";
  return important ? "important" : "standard";
}

int work_order_priority(std::string_view level, std::string_view type, int escalation_level) {
  int l = level == "vip" ? 40 : level == "important" ? 30 : level == "standard" ? 20 : 10;
  int t = type == "fault" ? 30 : type == "complaint" ? 25 : type == "request" ? 10 : 5;
  return l + t + 10 * std::max(0, escalation_level);
}

std::string priority_label(int p) {
  return p >= 60 ? "P1" : p >= 45 ? "P2" : p >= 30 ? "P3" : "P4";
}

const std::vector<std::string>& survey_states() {
  static const std::vector<std::string> v = {"pending", "completed", "cancelled", "expired"};
  return v;
}
const std::vector<std::string>& survey_channels() {
  static const std::vector<std::string> v = {"phone", "sms", "portal", "wechat", "visit"};
  return v;
}
const std::vector<std::string>& followup_states() {
  static const std::vector<std::string> v = {"open", "satisfied", "closed"};
  return v;
}
const std::vector<std::string>& article_categories() {
  static const std::vector<std::string> v = {"faq", "product", "competitor", "training"};
  return v;
}
const std::vector<std::string>& article_visibilities() {
  static const std::vector<std::string> v = {"public", "internal", "restricted"};
  return v;
}
const std::vector<std::string>& article_statuses() {
  static const std::vector<std::string> v = {"draft", "published", "archived"};
  return v;
}

int64_t ServiceDeskConfig::route_for(std::string_view type) const {
  if (type == "fault") return route_fault;
  if (type == "complaint") return route_complaint;
  if (type == "consultation") return route_consultation;
  if (type == "request") return route_request;
  return 0;
}

json ServiceDeskConfig::to_json() const {
  auto team = [](int64_t id) { return id ? json(id) : json(nullptr); };
  return {{"routing",
           {{"fault", team(route_fault)},
            {"complaint", team(route_complaint)},
            {"consultation", team(route_consultation)},
            {"request", team(route_request)}}},
          {"default_team_id", team(default_team_id)},
          {"survey_team_id", team(survey_team_id)},
          {"survey_delay_hours", survey_delay_hours},
          {"survey_expire_days", survey_expire_days},
          {"periodic_survey_months", periodic_survey_months},
          {"periodic_lead_days", periodic_lead_days},
          {"dissatisfied_max_score", dissatisfied_max_score},
          {"followup_days", followup_days},
          {"auto_close_hours", auto_close_hours}};
}

Result<ServiceDeskConfig> ServiceDeskConfig::from_json(const json& j) {
  if (!j.is_object()) return Error::invalid("config", "must be an object");
  ServiceDeskConfig c;
  auto team = [](const json& v, const std::string& field, int64_t& out) -> Status {
    if (v.is_null()) {
      out = 0;
      return {};
    }
    if (!v.is_number_integer() || v.get<int64_t>() < 1)
      return Error::invalid(field, "must be a team id or null");
    out = v.get<int64_t>();
    return {};
  };
  auto number = [](const json& v, const std::string& field, int lo, int hi, int& out) -> Status {
    if (!v.is_number_integer()) return Error::invalid(field, "must be a whole number");
    int64_t n = v.get<int64_t>();
    if (n < lo || n > hi) {
      return Error::invalid(field,
                            "must be between " + std::to_string(lo) + " and " + std::to_string(hi));
    }
    out = static_cast<int>(n);
    return {};
  };
  for (const auto& [k, v] : j.items()) {
    std::string f = "config." + k;
    if (k == "routing") {
      if (!v.is_object())
        return Error::invalid(f, "must be an object of team ids by work-order type");
      for (const auto& [type, team_id] : v.items()) {
        std::string tf = f + "." + type;
        if (type == "fault")
          KAM_CHECK(team(team_id, tf, c.route_fault));
        else if (type == "complaint")
          KAM_CHECK(team(team_id, tf, c.route_complaint));
        else if (type == "consultation")
          KAM_CHECK(team(team_id, tf, c.route_consultation));
        else if (type == "request")
          KAM_CHECK(team(team_id, tf, c.route_request));
        else
          return Error::invalid(
              tf, "is not a work-order type (fault, complaint, consultation, request)");
      }
    } else if (k == "default_team_id") {
      KAM_CHECK(team(v, f, c.default_team_id));
    } else if (k == "survey_team_id") {
      KAM_CHECK(team(v, f, c.survey_team_id));
    } else if (k == "survey_delay_hours") {
      KAM_CHECK(number(v, f, 0, 720, c.survey_delay_hours));
    } else if (k == "survey_expire_days") {
      KAM_CHECK(number(v, f, 1, 365, c.survey_expire_days));
    } else if (k == "periodic_survey_months") {
      KAM_CHECK(number(v, f, 0, 12, c.periodic_survey_months));
      if (c.periodic_survey_months && 12 % c.periodic_survey_months) {
        return Error::invalid(f, "must divide the year: 0 (none), 1, 2, 3, 4, 6 or 12");
      }
    } else if (k == "periodic_lead_days") {
      KAM_CHECK(number(v, f, 0, 60, c.periodic_lead_days));
    } else if (k == "dissatisfied_max_score") {
      KAM_CHECK(number(v, f, 1, 4, c.dissatisfied_max_score));
    } else if (k == "followup_days") {
      KAM_CHECK(number(v, f, 1, 60, c.followup_days));
    } else if (k == "auto_close_hours") {
      KAM_CHECK(number(v, f, 0, 24 * 60, c.auto_close_hours));
    } else {
      return Error::invalid(f, "is not a setting of the service desk");
    }
  }
  return c;
}

}  // namespace kam::domain
