#pragma once
// Migration 3: early warning (SPEC §3) — alert rules and their versions, colour zones per
// member and group, alert tasks with their history, engine runs, notifications and the
// scheduler's leases.

namespace kam::db {

inline const char* kMigration3Alerts = R"SQL(
CREATE TABLE alert_rules (
  id {{ID}},
  code TEXT UNIQUE,
  name TEXT NOT NULL,
  description TEXT,
  level TEXT NOT NULL CHECK (level IN ('member','customer')),
  condition TEXT NOT NULL,
  severity TEXT NOT NULL CHECK (severity IN ('low','medium','high','critical')),
  assignee TEXT NOT NULL CHECK (assignee IN ('account_manager','phone_manager','team')),
  team_id {{BIGINT}} REFERENCES teams(id),
  deadline_days INTEGER NOT NULL,
  enabled INTEGER NOT NULL DEFAULT 1,
  builtin INTEGER NOT NULL DEFAULT 0,
  created_by {{BIGINT}} REFERENCES users(id),
  created_at {{BIGINT}} NOT NULL,
  updated_at {{BIGINT}} NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE alert_rule_versions (
  rule_id {{BIGINT}} NOT NULL REFERENCES alert_rules(id),
  version INTEGER NOT NULL,
  name TEXT NOT NULL,
  level TEXT NOT NULL,
  condition TEXT NOT NULL,
  severity TEXT NOT NULL,
  assignee TEXT NOT NULL,
  team_id {{BIGINT}},
  deadline_days INTEGER NOT NULL,
  enabled INTEGER NOT NULL,
  changed_by {{BIGINT}},
  changed_at {{BIGINT}} NOT NULL,
  PRIMARY KEY (rule_id, version)
);

CREATE TABLE zone_config (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  config TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  updated_by {{BIGINT}},
  updated_at {{BIGINT}} NOT NULL
);

CREATE TABLE member_zones (
  month INTEGER NOT NULL,
  chunk INTEGER NOT NULL,
  first_member {{BIGINT}} NOT NULL,
  last_member {{BIGINT}} NOT NULL,
  row_count INTEGER NOT NULL,
  data {{BLOB}} NOT NULL,
  PRIMARY KEY (month, chunk)
);
CREATE INDEX member_zones_last ON member_zones(month, last_member);

CREATE TABLE customer_zones (
  month INTEGER NOT NULL,
  customer_id {{BIGINT}} NOT NULL REFERENCES customers(id),
  zone TEXT NOT NULL,
  previous_zone TEXT,
  members_by_zone TEXT NOT NULL,
  PRIMARY KEY (month, customer_id)
);
CREATE INDEX customer_zones_customer ON customer_zones(customer_id, month);

CREATE TABLE zone_counts (
  month INTEGER NOT NULL,
  level TEXT NOT NULL,
  zone TEXT NOT NULL,
  count {{BIGINT}} NOT NULL,
  revenue_fen {{BIGINT}} NOT NULL,
  PRIMARY KEY (month, level, zone)
);

CREATE TABLE zone_events (
  id {{ID}},
  month INTEGER NOT NULL,
  customer_id {{BIGINT}} NOT NULL REFERENCES customers(id),
  from_zone TEXT NOT NULL,
  to_zone TEXT NOT NULL,
  created_at {{BIGINT}} NOT NULL
);
CREATE UNIQUE INDEX zone_events_month ON zone_events(month, customer_id);
CREATE INDEX zone_events_customer ON zone_events(customer_id, month);

CREATE TABLE alert_tasks (
  id {{ID}},
  rule_id {{BIGINT}} NOT NULL REFERENCES alert_rules(id),
  rule_version INTEGER NOT NULL,
  customer_id {{BIGINT}} NOT NULL REFERENCES customers(id),
  month INTEGER NOT NULL,
  last_seen_month INTEGER NOT NULL,
  severity TEXT NOT NULL,
  priority INTEGER NOT NULL,
  zone TEXT,
  state TEXT NOT NULL CHECK (state IN ('open','accepted','contacted','closed')),
  outcome TEXT CHECK (outcome IN ('retained','offer_made','escalated','lost')),
  outcome_reason TEXT,
  assignee_id {{BIGINT}} REFERENCES users(id),
  team_id {{BIGINT}} REFERENCES teams(id),
  deadline_at {{BIGINT}} NOT NULL,
  reminded_at {{BIGINT}},
  escalated_at {{BIGINT}},
  escalated_to {{BIGINT}} REFERENCES users(id),
  member_count INTEGER NOT NULL DEFAULT 0,
  detail TEXT NOT NULL DEFAULT '{}',
  contact_id {{BIGINT}} REFERENCES contacts(id),
  created_at {{BIGINT}} NOT NULL,
  updated_at {{BIGINT}} NOT NULL,
  closed_at {{BIGINT}},
  version INTEGER NOT NULL DEFAULT 1
);
-- One open task per customer and rule; one task per customer, rule and month.
CREATE UNIQUE INDEX alert_tasks_open ON alert_tasks(customer_id, rule_id) WHERE state <> 'closed';
CREATE UNIQUE INDEX alert_tasks_month ON alert_tasks(customer_id, rule_id, month);
CREATE INDEX alert_tasks_assignee ON alert_tasks(assignee_id, state, priority);
CREATE INDEX alert_tasks_state ON alert_tasks(state, deadline_at);
CREATE INDEX alert_tasks_team ON alert_tasks(team_id, state);

CREATE TABLE alert_task_events (
  id {{ID}},
  task_id {{BIGINT}} NOT NULL REFERENCES alert_tasks(id),
  at {{BIGINT}} NOT NULL,
  user_id {{BIGINT}},
  action TEXT NOT NULL,
  from_state TEXT,
  to_state TEXT,
  note TEXT
);
CREATE INDEX alert_task_events_task ON alert_task_events(task_id, id);

CREATE TABLE engine_runs (
  id {{ID}},
  month INTEGER NOT NULL,
  started_at {{BIGINT}} NOT NULL,
  finished_at {{BIGINT}},
  status TEXT NOT NULL,
  members {{BIGINT}} NOT NULL DEFAULT 0,
  customers {{BIGINT}} NOT NULL DEFAULT 0,
  rules_run INTEGER NOT NULL DEFAULT 0,
  matches {{BIGINT}} NOT NULL DEFAULT 0,
  tasks_created {{BIGINT}} NOT NULL DEFAULT 0,
  tasks_updated {{BIGINT}} NOT NULL DEFAULT 0,
  rule_errors TEXT NOT NULL DEFAULT '[]',
  seconds DOUBLE PRECISION
);
CREATE INDEX engine_runs_month ON engine_runs(month, id);

CREATE TABLE notifications (
  id {{ID}},
  user_id {{BIGINT}} NOT NULL REFERENCES users(id),
  kind TEXT NOT NULL,
  title TEXT NOT NULL,
  body TEXT,
  ref_type TEXT,
  ref_id {{BIGINT}},
  created_at {{BIGINT}} NOT NULL,
  read_at {{BIGINT}}
);
CREATE INDEX notifications_user ON notifications(user_id, read_at, id);

CREATE TABLE scheduler_locks (
  name TEXT PRIMARY KEY,
  owner TEXT NOT NULL,
  until {{BIGINT}} NOT NULL,
  last_run {{BIGINT}}
);

-- The built-in rules from the seeds (editable; versions start at 1). Member rules look at
-- high-value individuals and at groups' key members (this month or last); a group as a whole
-- has its own rules.
INSERT INTO alert_rules(code, name, description, level, condition, severity, assignee, deadline_days, enabled, builtin, created_at, updated_at, version) VALUES ('contract_expiring', '协议即将到期', '成员协议在60天内到期：提前续约，防止到期流失', 'member', '(kind == "individual" or key_member or key_member[-2]) and days_to(contract_end) >= 0 and days_to(contract_end) <= 60', 'medium', 'account_manager', 14, 1, 1, 0, 0, 1);
INSERT INTO alert_rules(code, name, description, level, condition, severity, assignee, deadline_days, enabled, builtin, created_at, updated_at, version) VALUES ('group_contract_expiring', '集团协议即将到期', '集团最近的有效协议在90天内到期', 'customer', 'days_to(contract_end) >= 0 and days_to(contract_end) <= 90', 'high', 'account_manager', 14, 1, 1, 0, 0, 1);
INSERT INTO alert_rules(code, name, description, level, condition, severity, assignee, deadline_days, enabled, builtin, created_at, updated_at, version) VALUES ('bill_drop', '话费环比下降超过30%', '上月话费至少50元，本月比上月下降30%以上', 'member', '(kind == "individual" or key_member or key_member[-2]) and bill[-2] >= 50 and bill_drop_pct >= 30', 'high', 'phone_manager', 7, 1, 1, 0, 0, 1);
INSERT INTO alert_rules(code, name, description, level, condition, severity, assignee, deadline_days, enabled, builtin, created_at, updated_at, version) VALUES ('mou_drop', '主叫MOU下降', '上月主叫至少100分钟，本月下降40%以上', 'member', '(kind == "individual" or key_member or key_member[-2]) and mou[-2] >= 100 and mou_drop_pct >= 40', 'medium', 'phone_manager', 7, 1, 1, 0, 0, 1);
INSERT INTO alert_rules(code, name, description, level, condition, severity, assignee, deadline_days, enabled, builtin, created_at, updated_at, version) VALUES ('zero_calls', '多日零通话', '正常在网但本月15天以上零通话', 'member', '(kind == "individual" or key_member or key_member[-2]) and zero_call_days >= 15 and status == "normal"', 'medium', 'phone_manager', 7, 1, 1, 0, 0, 1);
INSERT INTO alert_rules(code, name, description, level, condition, severity, assignee, deadline_days, enabled, builtin, created_at, updated_at, version) VALUES ('competitor_calls', '拨打竞争对手客服电话', '本月拨打过竞争对手客服号码', 'member', '(kind == "individual" or key_member or key_member[-2]) and competitor_calls >= 1', 'high', 'phone_manager', 3, 1, 1, 0, 0, 1);
INSERT INTO alert_rules(code, name, description, level, condition, severity, assignee, deadline_days, enabled, builtin, created_at, updated_at, version) VALUES ('below_package', '消费低于套餐值', '本月话费不到套餐费的60%：推荐更合适的资费', 'member', '(kind == "individual" or key_member or key_member[-2]) and package_fee > 0 and bill < package_fee * 0.6', 'low', 'phone_manager', 14, 1, 1, 0, 0, 1);
INSERT INTO alert_rules(code, name, description, level, condition, severity, assignee, deadline_days, enabled, builtin, created_at, updated_at, version) VALUES ('arrears_or_suspension', '欠费或停机', '本月有欠费或处于停机状态', 'member', '(kind == "individual" or key_member or key_member[-2]) and (arrears > 0 or status == "suspended")', 'high', 'account_manager', 5, 1, 1, 0, 0, 1);
INSERT INTO alert_rules(code, name, description, level, condition, severity, assignee, deadline_days, enabled, builtin, created_at, updated_at, version) VALUES ('pre_cancellation', '预销户', '成员已办理预销户', 'member', '(kind == "individual" or key_member or key_member[-2]) and status == "pre_cancelled"', 'critical', 'account_manager', 2, 1, 1, 0, 0, 1);
INSERT INTO alert_rules(code, name, description, level, condition, severity, assignee, deadline_days, enabled, builtin, created_at, updated_at, version) VALUES ('batch_member_anomaly', '集团成员批量异动', '集团20%以上成员同月出现话费大幅下降、多日零通话或停机/预销户', 'customer', 'kind == "group" and members_total >= 5 and share_of_members(bill_drop_pct >= 30 or zero_call_days >= 15 or status in ("suspended", "pre_cancelled")) >= 0.2', 'critical', 'account_manager', 3, 1, 1, 0, 0, 1);
INSERT INTO alert_rules(code, name, description, level, condition, severity, assignee, deadline_days, enabled, builtin, created_at, updated_at, version) VALUES ('competitor_bundle_expiring', '竞争对手捆绑到期', '竞争对手对客户的捆绑在60天内到期：争取转网', 'customer', 'has_competitor and days_to(competitor_bundle_end) >= 0 and days_to(competitor_bundle_end) <= 60', 'medium', 'account_manager', 14, 1, 1, 0, 0, 1);
INSERT INTO alert_rules(code, name, description, level, condition, severity, assignee, deadline_days, enabled, builtin, created_at, updated_at, version) VALUES ('churn_risk', '高流失倾向', '流失模型评分0.7以上（有当前模型后启用）', 'member', '(kind == "individual" or key_member or key_member[-2]) and churn_score >= 0.7', 'high', 'phone_manager', 7, 0, 1, 0, 0, 1);
INSERT INTO alert_rules(code, name, description, level, condition, severity, assignee, deadline_days, enabled, builtin, created_at, updated_at, version) VALUES ('zone_yellow', '进入黄色异动区', '上上月话费和MOU达标，上月话费低于门槛', 'member', '(kind == "individual" or key_member or key_member[-2]) and zone == "yellow" and zone[-2] != "yellow"', 'medium', 'phone_manager', 7, 1, 1, 0, 0, 1);
INSERT INTO alert_rules(code, name, description, level, condition, severity, assignee, deadline_days, enabled, builtin, created_at, updated_at, version) VALUES ('zone_red', '进入红色危险区', '话费仍达标但主叫MOU跌破门槛', 'member', '(kind == "individual" or key_member or key_member[-2]) and zone == "red" and zone[-2] != "red"', 'high', 'phone_manager', 5, 1, 1, 0, 0, 1);
INSERT INTO alert_rules(code, name, description, level, condition, severity, assignee, deadline_days, enabled, builtin, created_at, updated_at, version) VALUES ('zone_white', '进入白色流失区', '办理停机或预销户', 'member', '(kind == "individual" or key_member or key_member[-2]) and zone == "white" and zone[-2] != "white"', 'critical', 'phone_manager', 3, 1, 1, 0, 0, 1);
INSERT INTO alert_rules(code, name, description, level, condition, severity, assignee, deadline_days, enabled, builtin, created_at, updated_at, version) VALUES ('family_plan', '家庭计划推荐', '在网一年以上、与同一个他网号码通话频繁：推荐家庭计划', 'member', '(kind == "individual" or key_member or key_member[-2]) and family_plan_candidate and tenure_months >= 12', 'low', 'phone_manager', 14, 1, 1, 0, 0, 1);
INSERT INTO alert_rule_versions(rule_id, version, name, level, condition, severity, assignee, team_id, deadline_days, enabled, changed_by, changed_at)
  SELECT id, 1, name, level, condition, severity, assignee, team_id, deadline_days, enabled, NULL, 0 FROM alert_rules;
)SQL";

}  // namespace kam::db
