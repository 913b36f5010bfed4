#pragma once
// Migration 7: care and advice (SPEC §3). Care tasks generated ahead of birthdays, holidays,
// contract and points expiry, payment reminders and key moments, de-duplicated by a stable
// key; the holidays they are generated for; the care / family-plan configuration; the tariff
// catalogue for the tariff calculator; call-detail records kept only as monthly aggregates per
// member and other-operator number (raw CDRs are never stored).

namespace kam::db {

inline const char* kMigration7Care = R"SQL(
CREATE TABLE holidays (
  day {{DATE}} NOT NULL PRIMARY KEY,
  code TEXT NOT NULL,
  name TEXT NOT NULL
);

CREATE TABLE care_config (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  config TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  updated_by {{BIGINT}} REFERENCES users(id),
  updated_at {{BIGINT}} NOT NULL
);

CREATE TABLE care_tasks (
  id {{ID}},
  customer_id {{BIGINT}} NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
  key_person_id {{BIGINT}} REFERENCES key_persons(id) ON DELETE SET NULL,
  member_id {{BIGINT}} REFERENCES members(id) ON DELETE SET NULL,
  kind TEXT NOT NULL CHECK (kind IN ('birthday','holiday','contract_expiry','points_expiry','payment_reminder',
                                     'anniversary','arrears','competitor')),
  due_date {{DATE}} NOT NULL,
  title TEXT NOT NULL,
  detail TEXT NOT NULL DEFAULT '{}',
  assignee_id {{BIGINT}} NOT NULL REFERENCES users(id),
  state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open','done','skipped')),
  note TEXT,
  dedup_key TEXT NOT NULL UNIQUE,
  closed_by {{BIGINT}} REFERENCES users(id),
  closed_at {{BIGINT}},
  created_at {{BIGINT}} NOT NULL,
  updated_at {{BIGINT}} NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX care_tasks_customer ON care_tasks(customer_id, due_date);
CREATE INDEX care_tasks_assignee ON care_tasks(assignee_id, state, due_date);
CREATE INDEX care_tasks_due ON care_tasks(due_date, id);
CREATE INDEX care_tasks_open ON care_tasks(due_date) WHERE state = 'open';

CREATE TABLE tariff_packages (
  id {{ID}},
  name TEXT NOT NULL UNIQUE,
  family TEXT,
  monthly_fee_fen {{BIGINT}} NOT NULL,
  minutes {{BIGINT}} NOT NULL DEFAULT 0,
  data_mb {{BIGINT}} NOT NULL DEFAULT 0,
  sms {{BIGINT}} NOT NULL DEFAULT 0,
  overage_minute_fen {{BIGINT}} NOT NULL DEFAULT 0,
  overage_mb_fen {{BIGINT}} NOT NULL DEFAULT 0,
  overage_sms_fen {{BIGINT}} NOT NULL DEFAULT 0,
  active INTEGER NOT NULL DEFAULT 1,
  note TEXT,
  created_at {{BIGINT}} NOT NULL,
  updated_at {{BIGINT}} NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE cdr_imports (
  id {{ID}},
  file_name TEXT NOT NULL,
  size_bytes {{BIGINT}} NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('queued','running','succeeded','failed')),
  phase TEXT,
  progress_done {{BIGINT}} NOT NULL DEFAULT 0,
  progress_total {{BIGINT}} NOT NULL DEFAULT 0,
  encoding TEXT,
  rows_total {{BIGINT}} NOT NULL DEFAULT 0,
  rows_counted {{BIGINT}} NOT NULL DEFAULT 0,
  rows_on_net {{BIGINT}} NOT NULL DEFAULT 0,
  rows_other_callers {{BIGINT}} NOT NULL DEFAULT 0,
  rows_bad {{BIGINT}} NOT NULL DEFAULT 0,
  pairs_stored {{BIGINT}} NOT NULL DEFAULT 0,
  issue_count {{BIGINT}} NOT NULL DEFAULT 0,
  issues TEXT NOT NULL DEFAULT '[]',
  months TEXT NOT NULL DEFAULT '[]',
  columns_ignored TEXT NOT NULL DEFAULT '[]',
  message TEXT,
  created_by {{BIGINT}} REFERENCES users(id),
  created_at {{BIGINT}} NOT NULL,
  started_at {{BIGINT}},
  finished_at {{BIGINT}}
);
CREATE INDEX cdr_imports_created ON cdr_imports(created_at);

CREATE TABLE cdr_months (
  month INTEGER NOT NULL PRIMARY KEY,
  import_id {{BIGINT}} REFERENCES cdr_imports(id),
  rows_total {{BIGINT}} NOT NULL,
  calls_counted {{BIGINT}} NOT NULL,
  pairs_total {{BIGINT}} NOT NULL,
  pairs_stored {{BIGINT}} NOT NULL,
  min_calls_stored INTEGER NOT NULL,
  imported_at {{BIGINT}} NOT NULL
);

CREATE TABLE cdr_pairs (
  month INTEGER NOT NULL,
  member_id {{BIGINT}} NOT NULL REFERENCES members(id) ON DELETE CASCADE,
  callee TEXT NOT NULL,
  callee_operator TEXT NOT NULL,
  calls INTEGER NOT NULL,
  minutes INTEGER NOT NULL,
  PRIMARY KEY (month, member_id, callee)
);
CREATE INDEX cdr_pairs_calls ON cdr_pairs(month, calls);
CREATE INDEX cdr_pairs_member ON cdr_pairs(member_id, month);

INSERT INTO holidays(day, code, name) VALUES
  ('2025-01-01', 'new_year', '元旦'), ('2025-01-29', 'spring_festival', '春节'),
  ('2025-02-12', 'lantern', '元宵节'), ('2025-04-04', 'qingming', '清明节'),
  ('2025-05-01', 'labour_day', '劳动节'), ('2025-05-31', 'dragon_boat', '端午节'),
  ('2025-10-01', 'national_day', '国庆节'), ('2025-10-06', 'mid_autumn', '中秋节'),
  ('2026-01-01', 'new_year', '元旦'), ('2026-02-17', 'spring_festival', '春节'),
  ('2026-03-03', 'lantern', '元宵节'), ('2026-04-05', 'qingming', '清明节'),
  ('2026-05-01', 'labour_day', '劳动节'), ('2026-06-19', 'dragon_boat', '端午节'),
  ('2026-09-25', 'mid_autumn', '中秋节'), ('2026-10-01', 'national_day', '国庆节'),
  ('2027-01-01', 'new_year', '元旦'), ('2027-02-06', 'spring_festival', '春节'),
  ('2027-02-20', 'lantern', '元宵节'), ('2027-04-05', 'qingming', '清明节'),
  ('2027-05-01', 'labour_day', '劳动节'), ('2027-06-09', 'dragon_boat', '端午节'),
  ('2027-09-15', 'mid_autumn', '中秋节'), ('2027-10-01', 'national_day', '国庆节');
)SQL";

}  // namespace kam::db
