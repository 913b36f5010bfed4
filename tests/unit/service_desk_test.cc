// Service desk rules: the work-order state machine (every allowed and every refused
// transition), priority and service level, SLA arithmetic across business hours, weekends,
// holidays and pauses, the desk configuration, and the knowledge base's search terms.

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "common/clock.h"
#include "domain/knowledge.h"
#include "domain/sla.h"
#include "domain/work_orders.h"

namespace kam::domain {
namespace {

// "YYYY-MM-DD HH:MM" in Asia/Shanghai → epoch seconds.
int64_t at(const std::string& s) {
  auto d = days_from_date(s.substr(0, 10));
  EXPECT_TRUE(d) << s;
  int h = std::stoi(s.substr(11, 2)), m = std::stoi(s.substr(14, 2));
  return *d * 86400 + h * 3600 + m * 60 - 8 * 3600;
}

TEST(WorkOrderStateMachine, EveryAllowedAndRefusedTransition) {
  // The whole table: state → action → next state (with an assignee).
  const std::map<std::string, std::map<std::string, std::string>> allowed = {
      {"new",
       {{"take", "accepted"},
        {"assign", "assigned"},
        {"transfer", "new"},
        {"merge", "merged"},
        {"comment", "new"}}},
      {"assigned",
       {{"take", "accepted"},
        {"accept", "accepted"},
        {"assign", "assigned"},
        {"transfer", "new"},
        {"merge", "merged"},
        {"comment", "assigned"}}},
      {"accepted",
       {{"start", "in_progress"},
        {"wait", "waiting_customer"},
        {"resolve", "resolved"},
        {"assign", "assigned"},
        {"transfer", "new"},
        {"merge", "merged"},
        {"comment", "accepted"}}},
      {"in_progress",
       {{"wait", "waiting_customer"},
        {"resolve", "resolved"},
        {"assign", "assigned"},
        {"transfer", "new"},
        {"merge", "merged"},
        {"comment", "in_progress"}}},
      {"waiting_customer",
       {{"resume", "in_progress"},
        {"resolve", "resolved"},
        {"assign", "assigned"},
        {"transfer", "new"},
        {"comment", "waiting_customer"}}},
      {"resolved", {{"close", "closed"}, {"reopen", "in_progress"}, {"comment", "resolved"}}},
      {"closed", {{"reopen", "in_progress"}}},
      {"merged", {}},
  };
  ASSERT_EQ(allowed.size(), work_order_states().size());
  int checked_allowed = 0, checked_refused = 0;
  for (const auto& state : work_order_states()) {
    const auto& row = allowed.at(state);
    std::set<std::string> listed;
    for (const auto& a : allowed_work_order_actions(state)) listed.insert(a);
    for (const auto& action : work_order_actions()) {
      auto next = work_order_next_state(state, action, true);
      auto it = row.find(action);
      if (it == row.end()) {
        EXPECT_FALSE(next) << state << " --" << action << "--> should be refused";
        EXPECT_FALSE(listed.count(action)) << state << " lists " << action;
        ++checked_refused;
      } else {
        ASSERT_TRUE(next) << state << " --" << action << "--> should be allowed";
        EXPECT_EQ(*next, it->second) << state << " --" << action;
        EXPECT_TRUE(listed.count(action)) << state << " does not list " << action;
        ++checked_allowed;
      }
    }
  }
  EXPECT_EQ(checked_allowed + checked_refused, 8 * 12);
  EXPECT_EQ(checked_allowed, 5 + 6 + 7 + 6 + 5 + 3 + 1);
  // Unknown states and actions are refused.
  EXPECT_FALSE(work_order_next_state("lost", "take", false));
  EXPECT_FALSE(work_order_next_state("new", "fly", false));
  EXPECT_TRUE(allowed_work_order_actions("lost").empty());
}

TEST(WorkOrderStateMachine, ReopenWithoutAssigneeGoesBackToTheQueue) {
  EXPECT_EQ(*work_order_next_state("resolved", "reopen", false), "new");
  EXPECT_EQ(*work_order_next_state("closed", "reopen", false), "new");
  EXPECT_EQ(*work_order_next_state("closed", "reopen", true), "in_progress");
}

TEST(WorkOrderStateMachine, ClockAndOpenStates) {
  for (const char* s : {"waiting_customer", "resolved", "closed", "merged"})
    EXPECT_TRUE(resolution_clock_paused(s)) << s;
  for (const char* s : {"new", "assigned", "accepted", "in_progress"}) {
    EXPECT_FALSE(resolution_clock_paused(s)) << s;
    EXPECT_TRUE(work_order_open(s)) << s;
  }
  EXPECT_TRUE(work_order_finished("closed"));
  EXPECT_TRUE(work_order_finished("merged"));
  EXPECT_FALSE(work_order_finished("resolved"));
  EXPECT_TRUE(is_response_action("take"));
  EXPECT_FALSE(is_response_action("comment"));
  EXPECT_FALSE(is_response_action("transfer"));
}

TEST(WorkOrderPriority, LevelTimesTypeAndEscalation) {
  EXPECT_EQ(work_order_priority("vip", "fault"), 70);
  EXPECT_EQ(priority_label(70), "P1");
  EXPECT_EQ(work_order_priority("basic", "consultation"), 15);
  EXPECT_EQ(priority_label(15), "P4");
  // A VIP's consultation still outranks an ordinary customer's.
  EXPECT_GT(work_order_priority("vip", "consultation"),
            work_order_priority("standard", "consultation"));
  EXPECT_GT(work_order_priority("important", "complaint"),
            work_order_priority("standard", "complaint"));
  EXPECT_EQ(work_order_priority("standard", "request", 2), 20 + 10 + 20);
  EXPECT_EQ(service_level("group", "enterprise", std::nullopt, std::optional<std::string>("gold")),
            "vip");
  EXPECT_EQ(
      service_level("group", "retail", std::optional<std::string>("extra_large"), std::nullopt),
      "important");
  EXPECT_EQ(service_level("group", "retail", std::optional<std::string>("small"), std::nullopt),
            "basic");
  EXPECT_EQ(service_level("group", "government", std::nullopt, std::nullopt), "important");
  EXPECT_EQ(service_level("individual", "", std::nullopt, std::optional<std::string>("silver")),
            "important");
  EXPECT_EQ(service_level("individual", "", std::nullopt, std::nullopt), "standard");
}

BusinessCalendar business() {
  BusinessCalendar c;  // Mon–Fri 09:00–18:00 Asia/Shanghai
  return c;
}

TEST(SlaArithmetic, WithinOneBusinessDay) {
  auto cal = business();
  // Wednesday 10:00 + 2 h → 12:00 the same day.
  EXPECT_EQ(add_business_seconds(cal, at("2026-11-18 10:00"), 2 * 3600), at("2026-11-18 12:00"));
  EXPECT_EQ(business_seconds(cal, at("2026-11-18 10:00"), at("2026-11-18 12:00")), 2 * 3600);
}

TEST(SlaArithmetic, OvernightAndBeforeOpening) {
  auto cal = business();
  // Wednesday 17:00 + 2 h: one hour today, one tomorrow from 09:00.
  EXPECT_EQ(add_business_seconds(cal, at("2026-11-18 17:00"), 2 * 3600), at("2026-11-19 10:00"));
  // Opened at 07:30: the count starts at 09:00.
  EXPECT_EQ(add_business_seconds(cal, at("2026-11-18 07:30"), 30 * 60), at("2026-11-18 09:30"));
  // Opened at 20:00: the count starts the next morning.
  EXPECT_EQ(add_business_seconds(cal, at("2026-11-18 20:00"), 60 * 60), at("2026-11-19 10:00"));
  EXPECT_EQ(business_seconds(cal, at("2026-11-18 20:00"), at("2026-11-19 08:00")), 0);
}

TEST(SlaArithmetic, Weekends) {
  auto cal = business();
  // Friday 17:00 + 3 h → Monday 11:00 (Saturday and Sunday closed).
  EXPECT_EQ(add_business_seconds(cal, at("2026-11-20 17:00"), 3 * 3600), at("2026-11-23 11:00"));
  EXPECT_EQ(business_seconds(cal, at("2026-11-20 17:00"), at("2026-11-23 11:00")), 3 * 3600);
  // Opened on Saturday: counts from Monday 09:00.
  EXPECT_EQ(add_business_seconds(cal, at("2026-11-21 12:00"), 60), at("2026-11-23 09:01"));
  // A full working day is 9 hours; a 2-day budget from Friday 09:00 ends Monday 18:00.
  EXPECT_EQ(add_business_seconds(cal, at("2026-11-20 09:00"), 18 * 3600), at("2026-11-23 18:00"));
  // Weekends open on a calendar that works them.
  cal.workdays = 0x7f;
  EXPECT_EQ(add_business_seconds(cal, at("2026-11-20 17:00"), 3 * 3600), at("2026-11-21 11:00"));
}

TEST(SlaArithmetic, Holidays) {
  auto cal = business();
  // National Day, Thursday 2026-10-01 is a holiday (from the care calendar's table).
  cal.holidays.insert(*days_from_date("2026-10-01"));
  EXPECT_FALSE(cal.open_day(*days_from_date("2026-10-01")));
  // Wednesday 17:00 + 2 h skips Thursday → Friday 10:00.
  EXPECT_EQ(add_business_seconds(cal, at("2026-09-30 17:00"), 2 * 3600), at("2026-10-02 10:00"));
  // A holiday on a Friday before the weekend: Thursday 17:00 + 2 h → Monday 10:00.
  cal.holidays.insert(*days_from_date("2026-11-20"));
  EXPECT_EQ(add_business_seconds(cal, at("2026-11-19 17:00"), 2 * 3600), at("2026-11-23 10:00"));
  // Holidays ignored when the policy says so.
  cal.exclude_holidays = false;
  EXPECT_EQ(add_business_seconds(cal, at("2026-11-19 17:00"), 2 * 3600), at("2026-11-20 10:00"));
}

TEST(SlaArithmetic, AroundTheClock) {
  BusinessCalendar cal;
  cal.always_open = true;
  EXPECT_EQ(add_business_seconds(cal, at("2026-11-20 23:00"), 4 * 3600), at("2026-11-21 03:00"));
  EXPECT_EQ(business_seconds(cal, at("2026-11-20 23:00"), at("2026-11-21 03:00")), 4 * 3600);
}

TEST(SlaArithmetic, PausesWhileWaitingForTheCustomer) {
  auto cal = business();
  int64_t start = at("2026-11-18 10:00");
  // Budget 4 h; waiting for the customer 11:00–15:00 (4 business hours) → due 18:00 instead of
  // 14:00.
  std::vector<Pause> pauses = {{at("2026-11-18 11:00"), at("2026-11-18 15:00")}};
  EXPECT_EQ(*sla_deadline(cal, start, 4 * 3600, {}), at("2026-11-18 14:00"));
  EXPECT_EQ(*sla_deadline(cal, start, 4 * 3600, pauses), at("2026-11-18 18:00"));
  // A pause over the night costs only its business hours (17:00–18:00 and 09:00–10:00).
  std::vector<Pause> night = {{at("2026-11-18 17:00"), at("2026-11-19 10:00")}};
  EXPECT_EQ(*sla_deadline(cal, start, 8 * 3600, night), at("2026-11-19 11:00"));
  // While the pause lasts the deadline is unknown; the clock shows what is left.
  std::vector<Pause> open = {{at("2026-11-18 11:00"), kOpenEnd}};
  EXPECT_FALSE(sla_deadline(cal, start, 4 * 3600, open));
  auto clk = sla_clock(cal, start, 4 * 3600, open, at("2026-11-19 16:00"));
  EXPECT_TRUE(clk.paused);
  EXPECT_EQ(clk.elapsed, 3600);
  EXPECT_EQ(clk.remaining, 3 * 3600);
  EXPECT_FALSE(clk.breached);
  // A pause that starts after the budget ran out does not save it.
  std::vector<Pause> late = {{at("2026-11-18 15:00"), at("2026-11-18 17:00")}};
  EXPECT_EQ(*sla_deadline(cal, start, 4 * 3600, late), at("2026-11-18 14:00"));
  auto over = sla_clock(cal, start, 4 * 3600, late, at("2026-11-18 18:00"));
  EXPECT_TRUE(over.breached);
  EXPECT_EQ(over.elapsed, 6 * 3600);
  EXPECT_EQ(over.remaining, -2 * 3600);
}

TEST(SlaArithmetic, ClockTimes) {
  EXPECT_EQ(*parse_clock_time("09:30"), 570);
  EXPECT_EQ(*parse_clock_time("24:00"), 1440);
  EXPECT_FALSE(parse_clock_time("24:01"));
  EXPECT_FALSE(parse_clock_time("9:30"));
  EXPECT_FALSE(parse_clock_time("09:60"));
  EXPECT_EQ(clock_time_text(570), "09:30");
  EXPECT_EQ(clock_time_text(1440), "24:00");
  EXPECT_EQ(workday_numbers(0x1f), (std::vector<int>{1, 2, 3, 4, 5}));
}

TEST(ServiceDeskConfigTest, ValidatesEveryFieldByName) {
  auto ok =
      ServiceDeskConfig::from_json({{"survey_delay_hours", 4}, {"routing", {{"complaint", 3}}}});
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->survey_delay_hours, 4);
  EXPECT_EQ(ok->route_for("complaint"), 3);
  EXPECT_EQ(ok->route_for("fault"), 0);
  auto bad = ServiceDeskConfig::from_json({{"dissatisfied_max_score", 5}});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "config.dissatisfied_max_score");
  bad = ServiceDeskConfig::from_json({{"routing", {{"billing", 1}}}});
  EXPECT_EQ(bad.error().field, "config.routing.billing");
  bad = ServiceDeskConfig::from_json({{"periodic_survey_months", 5}});
  EXPECT_EQ(bad.error().field, "config.periodic_survey_months");
  bad = ServiceDeskConfig::from_json({{"colour", "red"}});
  EXPECT_EQ(bad.error().field, "config.colour");
  auto round = ServiceDeskConfig::from_json(ok->to_json());
  ASSERT_TRUE(round.ok());
  EXPECT_EQ(round->to_json(), ok->to_json());
}

TEST(KnowledgeTerms, ChinesePairsAndEnglishWords) {
  auto t = suggestion_terms("宽带断网，请问如何处理 VPN login failed");
  // Chinese runs as overlapping pairs, without the stop pairs (请问, 如何); English words
  // without stop words.
  std::set<std::string> s(t.begin(), t.end());
  for (const char* w : {"宽带", "带断", "断网", "处理", "vpn", "login", "failed"})
    EXPECT_TRUE(s.count(w)) << w;
  EXPECT_FALSE(s.count("请问"));
  EXPECT_FALSE(s.count("如何"));
  EXPECT_EQ(query_terms("  5G 套餐, Roaming!  "),
            (std::vector<std::string>{"5g", "套餐", "roaming"}));
  EXPECT_EQ(like_anywhere("50%_off\\"), "%50\\%\\_off\\\\%");
  EXPECT_EQ(normalise_text("  Hello\n  World "), "hello world");
  EXPECT_EQ(utf8_chars("宽带ab"), 4u);
}

}  // namespace
}  // namespace kam::domain
