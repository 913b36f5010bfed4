#pragma once
// Migration 8: churn training from the stored history runs in the background (SPEC §3). One
// row per training job with its progress (months read, folds done) and, once done, the model
// version it stored or the message why it failed.

namespace kam::db {

inline const char* kMigration8ChurnJobs = R"SQL(
CREATE TABLE churn_jobs (
  id {{ID}},
  kind TEXT NOT NULL CHECK (kind IN ('history')),
  status TEXT NOT NULL CHECK (status IN ('queued','running','succeeded','failed')),
  phase TEXT,
  progress_done INTEGER NOT NULL DEFAULT 0,
  progress_total INTEGER NOT NULL DEFAULT 0,
  params TEXT NOT NULL DEFAULT '{}',
  dataset TEXT NOT NULL DEFAULT '{}',
  model_id {{BIGINT}} REFERENCES churn_models(id),
  message TEXT,
  created_by {{BIGINT}} REFERENCES users(id),
  created_at {{BIGINT}} NOT NULL,
  started_at {{BIGINT}},
  finished_at {{BIGINT}}
);
CREATE INDEX churn_jobs_created ON churn_jobs(created_at);
)SQL";

}  // namespace kam::db
