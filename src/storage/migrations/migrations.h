#pragma once
// Versioned schema migrations for both dialects, applied in order, each in its own transaction.

#include <string>
#include <vector>

#include "storage/db.h"

namespace kam::db {

struct Migration {
  int version;
  std::string name;
  std::string sql;  // portable text with {{ID}}, {{BIGINT}}, {{DATE}} tokens
};

const std::vector<Migration>& migrations();

// The migration text for one dialect.
std::string render_migration(const Migration& m, Dialect d);

// Applies every migration newer than the store's version, stamped `now` (epoch seconds);
// answers the versions applied.
Result<std::vector<int>> migrate(Database& db, int64_t now);

// The store's current schema version (0 when empty).
Result<int> schema_version(Database& db);

}  // namespace kam::db
