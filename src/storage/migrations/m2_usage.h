#pragma once
// Migration 2: usage (SPEC §2). Monthly and daily usage are kept as column chunks (one binary
// value per few thousand members, see engine/chunk_codec.h); value results per customer and
// month are plain rows for SQL and the API.

namespace kam::db {

inline const char* kMigration2Usage = R"SQL(
CREATE TABLE usage_chunks (
  period INTEGER NOT NULL,
  chunk INTEGER NOT NULL,
  first_member {{BIGINT}} NOT NULL,
  last_member {{BIGINT}} NOT NULL,
  row_count INTEGER NOT NULL,
  data {{BLOB}} NOT NULL,
  PRIMARY KEY (period, chunk)
);
CREATE INDEX usage_chunks_last ON usage_chunks(period, last_member);

CREATE TABLE usage_daily_chunks (
  period INTEGER NOT NULL,
  chunk INTEGER NOT NULL,
  first_member {{BIGINT}} NOT NULL,
  last_member {{BIGINT}} NOT NULL,
  row_count INTEGER NOT NULL,
  data {{BLOB}} NOT NULL,
  PRIMARY KEY (period, chunk)
);
CREATE INDEX usage_daily_chunks_last ON usage_daily_chunks(period, last_member);

CREATE TABLE usage_periods (
  kind TEXT NOT NULL CHECK (kind IN ('month','day')),
  period INTEGER NOT NULL,
  row_count {{BIGINT}} NOT NULL,
  customer_count {{BIGINT}} NOT NULL,
  bill_fen {{BIGINT}} NOT NULL,
  fields {{BIGINT}} NOT NULL,
  import_id {{BIGINT}},
  imported_at {{BIGINT}} NOT NULL,
  computed_at {{BIGINT}},
  PRIMARY KEY (kind, period)
);

CREATE TABLE usage_imports (
  id {{ID}},
  file_name TEXT NOT NULL,
  size_bytes {{BIGINT}} NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('queued','running','succeeded','failed')),
  phase TEXT,
  progress_done {{BIGINT}} NOT NULL DEFAULT 0,
  progress_total {{BIGINT}} NOT NULL DEFAULT 0,
  allow_unknown INTEGER NOT NULL DEFAULT 0,
  encoding TEXT,
  kind TEXT,
  rows_total {{BIGINT}} NOT NULL DEFAULT 0,
  rows_imported {{BIGINT}} NOT NULL DEFAULT 0,
  rows_bad {{BIGINT}} NOT NULL DEFAULT 0,
  rows_skipped {{BIGINT}} NOT NULL DEFAULT 0,
  issue_count {{BIGINT}} NOT NULL DEFAULT 0,
  issues TEXT NOT NULL DEFAULT '[]',
  periods TEXT NOT NULL DEFAULT '[]',
  columns_ignored TEXT NOT NULL DEFAULT '[]',
  message TEXT,
  created_by {{BIGINT}} REFERENCES users(id),
  created_at {{BIGINT}} NOT NULL,
  started_at {{BIGINT}},
  finished_at {{BIGINT}}
);
CREATE INDEX usage_imports_created ON usage_imports(created_at);

CREATE TABLE value_config (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  config TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  updated_by {{BIGINT}} REFERENCES users(id),
  updated_at {{BIGINT}} NOT NULL
);

CREATE TABLE customer_value (
  month INTEGER NOT NULL,
  customer_id {{BIGINT}} NOT NULL REFERENCES customers(id),
  members_total INTEGER NOT NULL,
  members_active INTEGER NOT NULL,
  members_key INTEGER NOT NULL,
  members_new INTEGER NOT NULL,
  members_churned INTEGER NOT NULL,
  revenue_fen {{BIGINT}} NOT NULL,
  voice_fen {{BIGINT}} NOT NULL,
  data_fen {{BIGINT}} NOT NULL,
  sms_fen {{BIGINT}} NOT NULL,
  other_fen {{BIGINT}} NOT NULL,
  cost_fen {{BIGINT}} NOT NULL,
  margin_fen {{BIGINT}} NOT NULL,
  arrears_fen {{BIGINT}} NOT NULL,
  mou {{BIGINT}} NOT NULL,
  data_mb {{BIGINT}} NOT NULL,
  sms {{BIGINT}} NOT NULL,
  revenue_score DOUBLE PRECISION NOT NULL,
  margin_score DOUBLE PRECISION NOT NULL,
  collection_score DOUBLE PRECISION NOT NULL,
  loyalty_score DOUBLE PRECISION NOT NULL,
  total_score DOUBLE PRECISION NOT NULL,
  value_rank INTEGER NOT NULL,
  tier TEXT NOT NULL,
  grade TEXT NOT NULL,
  stage TEXT NOT NULL,
  risk TEXT NOT NULL,
  clv_fen {{BIGINT}} NOT NULL,
  revenue_prev_fen {{BIGINT}},
  revenue_yoy_fen {{BIGINT}},
  PRIMARY KEY (month, customer_id)
);
CREATE INDEX customer_value_customer ON customer_value(customer_id, month);
CREATE INDEX customer_value_rank ON customer_value(month, value_rank);
)SQL";

}  // namespace kam::db
