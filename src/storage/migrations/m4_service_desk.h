#pragma once
// Migration 4: the service desk (SPEC §4). SLA policies (type × service level → response and
// resolution budgets on a business calendar or 7×24) and the service desk configuration; work
// orders with their SLA clocks, pauses, history and complaint responsibility; complaint
// penalties for the appraisal; satisfaction surveys (callbacks after closing, periodic ones, the
// orders area's) and the follow-ups of dissatisfied answers; the knowledge base with its article
// versions; search is LIKE over bound character pairs and words (a pg_trgm index helps it on
// PostgreSQL). Order and merchant references are plain ids: those areas keep their own tables.

namespace kam::db {

inline const char* kMigration4ServiceDesk = R"SQL(
CREATE TABLE sla_policies (
  id {{ID}},
  name TEXT NOT NULL,
  type TEXT NOT NULL CHECK (type IN ('*','fault','complaint','consultation','request')),
  level TEXT NOT NULL CHECK (level IN ('*','vip','important','standard','basic')),
  response_minutes INTEGER NOT NULL CHECK (response_minutes > 0),
  resolution_minutes INTEGER NOT NULL CHECK (resolution_minutes >= response_minutes),
  calendar TEXT NOT NULL CHECK (calendar IN ('business','24x7')),
  day_start TEXT NOT NULL DEFAULT '09:00',
  day_end TEXT NOT NULL DEFAULT '18:00',
  workdays TEXT NOT NULL DEFAULT '1,2,3,4,5',
  exclude_holidays INTEGER NOT NULL DEFAULT 1,
  remind_before_minutes INTEGER NOT NULL DEFAULT 60,
  escalation_step_minutes INTEGER NOT NULL DEFAULT 240,
  active INTEGER NOT NULL DEFAULT 1,
  updated_by {{BIGINT}} REFERENCES users(id),
  created_at {{BIGINT}} NOT NULL,
  updated_at {{BIGINT}} NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX sla_policies_key ON sla_policies(type, level);

CREATE TABLE service_desk_config (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  config TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  updated_by {{BIGINT}} REFERENCES users(id),
  updated_at {{BIGINT}} NOT NULL
);

CREATE TABLE work_orders (
  id {{ID}},
  code TEXT UNIQUE,
  type TEXT NOT NULL CHECK (type IN ('fault','complaint','consultation','request')),
  channel TEXT NOT NULL CHECK (channel IN ('hotline','account_manager','portal','merchant','api')),
  title TEXT NOT NULL,
  description TEXT,
  customer_id {{BIGINT}} NOT NULL REFERENCES customers(id),
  member_id {{BIGINT}} REFERENCES members(id) ON DELETE SET NULL,
  order_id {{BIGINT}},
  merchant_id {{BIGINT}},
  contact_name TEXT,
  contact_phone TEXT,
  level TEXT NOT NULL,
  priority INTEGER NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('new','assigned','accepted','in_progress','waiting_customer','resolved','closed','merged')),
  team_id {{BIGINT}} REFERENCES teams(id),
  assignee_id {{BIGINT}} REFERENCES users(id),
  created_by {{BIGINT}} REFERENCES users(id),
  sla_policy_id {{BIGINT}} REFERENCES sla_policies(id) ON DELETE SET NULL,
  sla_calendar TEXT NOT NULL,
  response_budget INTEGER NOT NULL,
  resolution_budget INTEGER NOT NULL,
  remind_before INTEGER NOT NULL,
  escalation_step INTEGER NOT NULL,
  response_due_at {{BIGINT}},
  resolution_due_at {{BIGINT}},
  responded_at {{BIGINT}},
  resolved_at {{BIGINT}},
  closed_at {{BIGINT}},
  response_breached INTEGER NOT NULL DEFAULT 0,
  resolution_breached INTEGER NOT NULL DEFAULT 0,
  response_reminded_at {{BIGINT}},
  resolution_reminded_at {{BIGINT}},
  escalation_level INTEGER NOT NULL DEFAULT 0,
  escalated_at {{BIGINT}},
  escalated_to {{BIGINT}} REFERENCES users(id),
  resolution TEXT,
  reopen_count INTEGER NOT NULL DEFAULT 0,
  merged_into {{BIGINT}} REFERENCES work_orders(id),
  resp_department TEXT,
  resp_user_id {{BIGINT}} REFERENCES users(id),
  resp_person TEXT,
  resp_cause TEXT,
  manager_at_fault INTEGER,
  created_at {{BIGINT}} NOT NULL,
  updated_at {{BIGINT}} NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX work_orders_queue ON work_orders(team_id, state, priority);
CREATE INDEX work_orders_assignee ON work_orders(assignee_id, state);
CREATE INDEX work_orders_customer ON work_orders(customer_id, state);
CREATE INDEX work_orders_resolution_due ON work_orders(state, resolution_due_at);
CREATE INDEX work_orders_response_due ON work_orders(state, response_due_at);
CREATE INDEX work_orders_escalated ON work_orders(escalated_to, state);
CREATE INDEX work_orders_merchant ON work_orders(merchant_id);
CREATE INDEX work_orders_order ON work_orders(order_id);
CREATE INDEX work_orders_created ON work_orders(created_at);

CREATE TABLE work_order_events (
  id {{ID}},
  work_order_id {{BIGINT}} NOT NULL REFERENCES work_orders(id),
  at {{BIGINT}} NOT NULL,
  user_id {{BIGINT}} REFERENCES users(id),
  action TEXT NOT NULL,
  from_state TEXT,
  to_state TEXT,
  note TEXT,
  detail TEXT
);
CREATE INDEX work_order_events_order ON work_order_events(work_order_id, id);

CREATE TABLE work_order_pauses (
  id {{ID}},
  work_order_id {{BIGINT}} NOT NULL REFERENCES work_orders(id),
  reason TEXT NOT NULL,
  started_at {{BIGINT}} NOT NULL,
  ended_at {{BIGINT}}
);
CREATE INDEX work_order_pauses_order ON work_order_pauses(work_order_id, started_at);

-- Penalties for complaints an account manager was at fault for, by month, for the appraisal.
CREATE TABLE complaint_penalties (
  id {{ID}},
  user_id {{BIGINT}} NOT NULL REFERENCES users(id),
  month INTEGER NOT NULL,
  points INTEGER NOT NULL DEFAULT 0,
  amount_fen {{BIGINT}} NOT NULL DEFAULT 0,
  reason TEXT NOT NULL,
  work_order_id {{BIGINT}} NOT NULL REFERENCES work_orders(id),
  created_by {{BIGINT}} REFERENCES users(id),
  created_at {{BIGINT}} NOT NULL
);
CREATE UNIQUE INDEX complaint_penalties_order ON complaint_penalties(work_order_id);
CREATE INDEX complaint_penalties_user ON complaint_penalties(user_id, month);
CREATE INDEX complaint_penalties_month ON complaint_penalties(month);

CREATE TABLE surveys (
  id {{ID}},
  customer_id {{BIGINT}} NOT NULL REFERENCES customers(id),
  source_type TEXT NOT NULL CHECK (source_type IN ('work_order','order','periodic','followup','manual')),
  source_id {{BIGINT}},
  dedup_key TEXT NOT NULL UNIQUE,
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending','completed','cancelled','expired')),
  due_at {{BIGINT}} NOT NULL,
  team_id {{BIGINT}} REFERENCES teams(id),
  assignee_id {{BIGINT}} REFERENCES users(id),
  work_type TEXT,
  score INTEGER CHECK (score BETWEEN 1 AND 5),
  comment TEXT,
  channel TEXT,
  surveyed_by {{BIGINT}} REFERENCES users(id),
  manager_id {{BIGINT}} REFERENCES users(id),
  completed_at {{BIGINT}},
  note TEXT,
  created_at {{BIGINT}} NOT NULL,
  updated_at {{BIGINT}} NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX surveys_customer ON surveys(customer_id, completed_at);
CREATE INDEX surveys_due ON surveys(state, due_at);
CREATE INDEX surveys_completed ON surveys(state, completed_at);
CREATE INDEX surveys_source ON surveys(source_type, source_id);

CREATE TABLE survey_followups (
  id {{ID}},
  survey_id {{BIGINT}} NOT NULL UNIQUE REFERENCES surveys(id),
  customer_id {{BIGINT}} NOT NULL REFERENCES customers(id),
  work_order_id {{BIGINT}} REFERENCES work_orders(id),
  assignee_id {{BIGINT}} REFERENCES users(id),
  state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open','satisfied','closed')),
  due_at {{BIGINT}} NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_score INTEGER,
  note TEXT,
  close_reason TEXT,
  closed_by {{BIGINT}} REFERENCES users(id),
  closed_at {{BIGINT}},
  created_at {{BIGINT}} NOT NULL,
  updated_at {{BIGINT}} NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX survey_followups_state ON survey_followups(state, due_at);
CREATE INDEX survey_followups_customer ON survey_followups(customer_id);
CREATE INDEX survey_followups_assignee ON survey_followups(assignee_id, state);

CREATE TABLE kb_articles (
  id {{ID}},
  title TEXT NOT NULL,
  category TEXT NOT NULL CHECK (category IN ('faq','product','competitor','training')),
  tags TEXT NOT NULL DEFAULT '[]',
  body TEXT NOT NULL,
  visibility TEXT NOT NULL DEFAULT 'internal' CHECK (visibility IN ('public','internal','restricted')),
  roles TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL DEFAULT 'published' CHECK (status IN ('draft','published','archived')),
  search_text TEXT NOT NULL DEFAULT '',
  views {{BIGINT}} NOT NULL DEFAULT 0,
  author_id {{BIGINT}} REFERENCES users(id),
  updated_by {{BIGINT}} REFERENCES users(id),
  created_at {{BIGINT}} NOT NULL,
  updated_at {{BIGINT}} NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX kb_articles_category ON kb_articles(category, status, updated_at);

CREATE TABLE kb_article_versions (
  article_id {{BIGINT}} NOT NULL REFERENCES kb_articles(id),
  version INTEGER NOT NULL,
  title TEXT NOT NULL,
  category TEXT NOT NULL,
  tags TEXT NOT NULL,
  body TEXT NOT NULL,
  visibility TEXT NOT NULL,
  roles TEXT NOT NULL,
  status TEXT NOT NULL,
  changed_by {{BIGINT}} REFERENCES users(id),
  changed_at {{BIGINT}} NOT NULL,
  PRIMARY KEY (article_id, version)
);

-- postgres:
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX kb_articles_search ON kb_articles USING gin (search_text gin_trgm_ops);
-- end

-- Default policies (editable). Minutes are business minutes on the business calendar
-- (Mon–Fri 09:00–18:00 Asia/Shanghai, holidays closed: one working day is 540 minutes) and
-- clock minutes on 7×24. Faults of the most valuable customers are worked around the clock.
INSERT INTO sla_policies(name, type, level, response_minutes, resolution_minutes, calendar, remind_before_minutes, escalation_step_minutes, created_at, updated_at) VALUES
  ('VIP故障 7×24', 'fault', 'vip', 15, 240, '24x7', 30, 120, 0, 0),
  ('重要客户故障 7×24', 'fault', 'important', 30, 480, '24x7', 60, 180, 0, 0),
  ('标准客户故障', 'fault', 'standard', 120, 1080, 'business', 60, 240, 0, 0),
  ('基础客户故障', 'fault', 'basic', 240, 1620, 'business', 120, 480, 0, 0),
  ('VIP投诉', 'complaint', 'vip', 30, 540, 'business', 60, 120, 0, 0),
  ('重要客户投诉', 'complaint', 'important', 60, 1080, 'business', 120, 240, 0, 0),
  ('标准客户投诉', 'complaint', 'standard', 120, 1620, 'business', 120, 480, 0, 0),
  ('基础客户投诉', 'complaint', 'basic', 240, 2700, 'business', 240, 540, 0, 0),
  ('VIP咨询', 'consultation', 'vip', 15, 120, 'business', 30, 120, 0, 0),
  ('重要客户咨询', 'consultation', 'important', 30, 240, 'business', 60, 240, 0, 0),
  ('标准客户咨询', 'consultation', 'standard', 60, 540, 'business', 60, 240, 0, 0),
  ('基础客户咨询', 'consultation', 'basic', 120, 1080, 'business', 120, 540, 0, 0),
  ('VIP业务办理', 'request', 'vip', 60, 1080, 'business', 120, 240, 0, 0),
  ('重要客户业务办理', 'request', 'important', 120, 1620, 'business', 120, 480, 0, 0),
  ('标准客户业务办理', 'request', 'standard', 240, 2700, 'business', 240, 540, 0, 0),
  ('基础客户业务办理', 'request', 'basic', 480, 4320, 'business', 240, 1080, 0, 0),
  ('默认', '*', '*', 240, 2700, 'business', 240, 540, 0, 0);
)SQL";

}  // namespace kam::db
