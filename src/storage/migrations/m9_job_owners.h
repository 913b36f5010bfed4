#pragma once
// Migration 9: background jobs survive the death of their process (issue 14, crash safety).
// Each import and churn training row names the process running it and a lease that process
// renews; a usage import records when its data was stored, before its values are computed.
// Recovery fails the rows of a dead process, or finishes a stored import's computation.

namespace kam::db {

inline const char* kMigration9JobOwners = R"SQL(
ALTER TABLE usage_imports ADD COLUMN owner TEXT;
ALTER TABLE usage_imports ADD COLUMN lease_expires_at {{BIGINT}};
ALTER TABLE usage_imports ADD COLUMN stored_at {{BIGINT}};
ALTER TABLE cdr_imports ADD COLUMN owner TEXT;
ALTER TABLE cdr_imports ADD COLUMN lease_expires_at {{BIGINT}};
ALTER TABLE churn_jobs ADD COLUMN owner TEXT;
ALTER TABLE churn_jobs ADD COLUMN lease_expires_at {{BIGINT}};
)SQL";

}  // namespace kam::db
