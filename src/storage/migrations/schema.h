#pragma once
// The schema, one migration per entry. Never edit a released migration: add a new one.
// Tokens: {{ID}} identity primary key, {{BIGINT}} 64-bit integer, {{DATE}} calendar date,
// {{BLOB}} binary data.
// Times are UTC epoch seconds; money is integer fen; flags are 0/1 integers.

#include "storage/migrations/migrations.h"

namespace kam::db {

inline const char* kMigration1Foundation = R"SQL(
CREATE TABLE regions (
  code TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  level TEXT NOT NULL CHECK (level IN ('province','city','district')),
  parent_code TEXT REFERENCES regions(code)
);

CREATE TABLE users (
  id {{ID}},
  username TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  role TEXT NOT NULL,
  team_id {{BIGINT}},
  senior INTEGER NOT NULL DEFAULT 0,
  phone TEXT,
  email TEXT,
  customer_id {{BIGINT}},
  merchant_id {{BIGINT}},
  active INTEGER NOT NULL DEFAULT 1,
  password_hash TEXT NOT NULL,
  password_changed_at {{BIGINT}} NOT NULL,
  created_at {{BIGINT}} NOT NULL,
  updated_at {{BIGINT}} NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE teams (
  id {{ID}},
  name TEXT NOT NULL UNIQUE,
  region_code TEXT REFERENCES regions(code),
  supervisor_id {{BIGINT}} REFERENCES users(id),
  parent_id {{BIGINT}} REFERENCES teams(id),
  created_at {{BIGINT}} NOT NULL,
  updated_at {{BIGINT}} NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX teams_supervisor ON teams(supervisor_id);
CREATE INDEX users_team ON users(team_id);

CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_id {{BIGINT}} NOT NULL REFERENCES users(id),
  created_at {{BIGINT}} NOT NULL,
  expires_at {{BIGINT}} NOT NULL,
  revoked_at {{BIGINT}},
  ip TEXT,
  user_agent TEXT
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE login_throttle (
  key TEXT PRIMARY KEY,
  failures INTEGER NOT NULL,
  window_start {{BIGINT}} NOT NULL,
  locked_until {{BIGINT}} NOT NULL DEFAULT 0
);

CREATE TABLE customers (
  id {{ID}},
  kind TEXT NOT NULL CHECK (kind IN ('group','individual')),
  name TEXT NOT NULL,
  short_name TEXT,
  credit_code TEXT UNIQUE,
  industry TEXT,
  org_type TEXT,
  province_code TEXT REFERENCES regions(code),
  city_code TEXT REFERENCES regions(code),
  district_code TEXT REFERENCES regions(code),
  address TEXT,
  employees INTEGER,
  parent_id {{BIGINT}} REFERENCES customers(id),
  status TEXT NOT NULL,
  competitors TEXT NOT NULL DEFAULT '[]',
  brand TEXT,
  package TEXT,
  sensitivity TEXT,
  phone TEXT,
  id_number TEXT,
  account_manager_id {{BIGINT}} NOT NULL REFERENCES users(id),
  phone_manager_id {{BIGINT}} REFERENCES users(id),
  note TEXT,
  search_text TEXT NOT NULL DEFAULT '',
  created_at {{BIGINT}} NOT NULL,
  updated_at {{BIGINT}} NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX customers_am ON customers(account_manager_id);
CREATE INDEX customers_pm ON customers(phone_manager_id);
CREATE INDEX customers_parent ON customers(parent_id);
CREATE INDEX customers_name ON customers(name, id);
CREATE INDEX customers_updated ON customers(updated_at, id);
CREATE INDEX customers_city ON customers(city_code);
CREATE INDEX customers_district ON customers(district_code);

CREATE TABLE contracts (
  id {{ID}},
  customer_id {{BIGINT}} NOT NULL REFERENCES customers(id),
  contract_no TEXT NOT NULL UNIQUE,
  title TEXT NOT NULL,
  kind TEXT,
  start_date {{DATE}} NOT NULL,
  end_date {{DATE}} NOT NULL,
  amount_fen {{BIGINT}} NOT NULL DEFAULT 0,
  min_spend_fen {{BIGINT}} NOT NULL DEFAULT 0,
  status TEXT NOT NULL,
  note TEXT,
  created_at {{BIGINT}} NOT NULL,
  updated_at {{BIGINT}} NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX contracts_customer ON contracts(customer_id);
CREATE INDEX contracts_end ON contracts(end_date);

CREATE TABLE members (
  id {{ID}},
  customer_id {{BIGINT}} NOT NULL REFERENCES customers(id),
  number TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  name TEXT,
  id_number TEXT,
  package TEXT,
  join_date {{DATE}} NOT NULL,
  status TEXT NOT NULL,
  grade TEXT NOT NULL,
  monthly_spend_fen {{BIGINT}} NOT NULL DEFAULT 0,
  created_at {{BIGINT}} NOT NULL,
  updated_at {{BIGINT}} NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX members_customer ON members(customer_id, id);

CREATE TABLE key_persons (
  id {{ID}},
  customer_id {{BIGINT}} NOT NULL REFERENCES customers(id),
  name TEXT NOT NULL,
  title TEXT,
  department TEXT,
  level TEXT NOT NULL,
  reports_to_id {{BIGINT}} REFERENCES key_persons(id),
  attitude TEXT NOT NULL,
  relationship INTEGER NOT NULL,
  birthday {{DATE}},
  hobbies TEXT,
  phone TEXT,
  email TEXT,
  senior INTEGER NOT NULL DEFAULT 0,
  owner_id {{BIGINT}} NOT NULL REFERENCES users(id),
  last_contact_at {{BIGINT}},
  note TEXT,
  created_at {{BIGINT}} NOT NULL,
  updated_at {{BIGINT}} NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX key_persons_customer ON key_persons(customer_id);
CREATE INDEX key_persons_owner ON key_persons(owner_id);

CREATE TABLE contacts (
  id {{ID}},
  customer_id {{BIGINT}} NOT NULL REFERENCES customers(id),
  key_person_id {{BIGINT}} REFERENCES key_persons(id) ON DELETE SET NULL,
  user_id {{BIGINT}} NOT NULL REFERENCES users(id),
  channel TEXT NOT NULL,
  occurred_at {{BIGINT}} NOT NULL,
  subject TEXT NOT NULL,
  summary TEXT,
  outcome TEXT NOT NULL,
  next_step TEXT,
  next_step_date {{DATE}},
  created_at {{BIGINT}} NOT NULL,
  updated_at {{BIGINT}} NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX contacts_customer ON contacts(customer_id, occurred_at);
CREATE INDEX contacts_user ON contacts(user_id, occurred_at);
CREATE INDEX contacts_key_person ON contacts(key_person_id);

CREATE TABLE needs (
  id {{ID}},
  customer_id {{BIGINT}} NOT NULL REFERENCES customers(id),
  kind TEXT NOT NULL,
  category TEXT NOT NULL,
  title TEXT NOT NULL,
  description TEXT,
  status TEXT NOT NULL,
  linked_offers TEXT,
  created_by {{BIGINT}} REFERENCES users(id),
  created_at {{BIGINT}} NOT NULL,
  updated_at {{BIGINT}} NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX needs_customer ON needs(customer_id);

CREATE TABLE assignments (
  id {{ID}},
  customer_id {{BIGINT}} NOT NULL REFERENCES customers(id),
  role TEXT NOT NULL,
  user_id {{BIGINT}} NOT NULL REFERENCES users(id),
  started_at {{BIGINT}} NOT NULL,
  ended_at {{BIGINT}},
  reason TEXT,
  assigned_by {{BIGINT}} REFERENCES users(id)
);
CREATE INDEX assignments_customer ON assignments(customer_id, started_at);

CREATE TABLE handovers (
  id {{ID}},
  customer_id {{BIGINT}} NOT NULL REFERENCES customers(id),
  role TEXT NOT NULL,
  from_user_id {{BIGINT}} REFERENCES users(id),
  to_user_id {{BIGINT}} NOT NULL REFERENCES users(id),
  reason TEXT NOT NULL,
  status TEXT NOT NULL,
  created_by {{BIGINT}} NOT NULL REFERENCES users(id),
  created_at {{BIGINT}} NOT NULL,
  completed_at {{BIGINT}},
  updated_at {{BIGINT}} NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX handovers_customer ON handovers(customer_id);

CREATE TABLE handover_items (
  id {{ID}},
  handover_id {{BIGINT}} NOT NULL REFERENCES handovers(id),
  kind TEXT NOT NULL,
  ref_id {{BIGINT}},
  label TEXT NOT NULL,
  done INTEGER NOT NULL DEFAULT 0,
  done_by {{BIGINT}} REFERENCES users(id),
  done_at {{BIGINT}},
  note TEXT
);
CREATE INDEX handover_items_handover ON handover_items(handover_id);

CREATE TABLE audit_log (
  id {{ID}},
  at {{BIGINT}} NOT NULL,
  user_id {{BIGINT}},
  username TEXT,
  action TEXT NOT NULL,
  entity TEXT NOT NULL,
  entity_id {{BIGINT}},
  before_json TEXT,
  after_json TEXT,
  request_id TEXT,
  ip TEXT
);
CREATE INDEX audit_entity ON audit_log(entity, entity_id, id);
CREATE INDEX audit_user ON audit_log(user_id, id);
CREATE INDEX audit_at ON audit_log(at);

-- sqlite:
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE VIRTUAL TABLE customer_fts USING fts5(search_text, content='customers', content_rowid='id', tokenize='trigram');
CREATE TRIGGER customers_fts_ins AFTER INSERT ON customers BEGIN
  INSERT INTO customer_fts(rowid, search_text) VALUES (new.id, new.search_text);
END;
CREATE TRIGGER customers_fts_del AFTER DELETE ON customers BEGIN
  INSERT INTO customer_fts(customer_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
END;
CREATE TRIGGER customers_fts_upd AFTER UPDATE OF search_text ON customers BEGIN
  INSERT INTO customer_fts(customer_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
  INSERT INTO customer_fts(rowid, search_text) VALUES (new.id, new.search_text);
END;
-- end
-- postgres:
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX customers_search ON customers USING gin (search_text gin_trgm_ops);
CREATE INDEX members_number_prefix ON members (number text_pattern_ops);
-- end
)SQL";

}  // namespace kam::db
