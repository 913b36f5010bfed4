#pragma once
// Migration 6: churn propensity (SPEC §3). Model versions keep their file (schema + trees),
// their cross-validated figures and lift chart; at most one is current. Scores are kept per
// month and customer (and member, when the engine scores members), with the factors behind
// them as JSON: [{"feature": "...", "value": "feature=value", "contribution": 0.83}, …].

namespace kam::db {

inline const char* kMigration6Churn = R"SQL(
CREATE TABLE churn_models (
  id {{ID}},
  name TEXT NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('upload','usage','cli')),
  label_column TEXT NOT NULL,
  id_column TEXT,
  rows_total {{BIGINT}} NOT NULL,
  rows_churned {{BIGINT}} NOT NULL,
  features TEXT NOT NULL,
  ignored TEXT NOT NULL DEFAULT '[]',
  notes TEXT NOT NULL DEFAULT '[]',
  auc DOUBLE PRECISION,
  auc_sd DOUBLE PRECISION,
  evaluation TEXT NOT NULL DEFAULT '{}',
  trees INTEGER NOT NULL,
  train_seconds DOUBLE PRECISION NOT NULL,
  model_size {{BIGINT}} NOT NULL,
-- sqlite:
  model BLOB NOT NULL,
-- end
-- postgres:
  model BYTEA NOT NULL,
-- end
  is_current INTEGER NOT NULL DEFAULT 0 CHECK (is_current IN (0, 1)),
  created_by {{BIGINT}} REFERENCES users(id),
  created_at {{BIGINT}} NOT NULL,
  activated_at {{BIGINT}}
);
CREATE UNIQUE INDEX churn_models_current ON churn_models(is_current) WHERE is_current = 1;

CREATE TABLE churn_scores (
  month INTEGER NOT NULL,
  customer_id {{BIGINT}} NOT NULL REFERENCES customers(id),
  member_id {{BIGINT}} REFERENCES members(id),
  model_id {{BIGINT}} NOT NULL REFERENCES churn_models(id),
  score DOUBLE PRECISION NOT NULL,
  factors TEXT NOT NULL DEFAULT '[]',
  scored_at {{BIGINT}} NOT NULL
);
CREATE INDEX churn_scores_customer ON churn_scores(customer_id, month);
CREATE INDEX churn_scores_month ON churn_scores(month, score);
)SQL";

}  // namespace kam::db
