#pragma once
// Background imports of an uploaded file (usage, call records): the import's row in its table
// goes queued → running → succeeded or failed, with the reason; the uploaded file is removed
// when the job ends, whatever happened. One implementation for every kind of import.

#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <string_view>

#include "services/core/records.h"

namespace kam::services {

enum class ImportTable { kUsage, kCdr };

// Runs in the job queue's thread: marks the import running, hands the file's bytes to `import`
// (which records its own success), marks it failed with the error otherwise, removes the file.
void run_import_job(Records& records, ImportTable table, int64_t id,
                    const std::filesystem::path& path,
                    const std::function<Result<nlohmann::json>(std::string_view bytes)>& import);

// The newest imports of a table first: `columns` of at most `limit` rows (1-200), and the count.
struct RecentImports {
  db::Rows rows;
  int64_t total = 0;
};
Result<RecentImports> recent_imports(db::Connection& c, ImportTable table, const char* columns,
                                     int limit);

}  // namespace kam::services
