#pragma once
// Reads a usage file (CSV, UTF-8 or GBK) into per-period frames ready to store: header names
// mapped to fields (English or Chinese), every value checked, numbers matched to archive
// members, rows sorted by member. Parsing runs on several threads; a file with quotes in it
// takes the careful single-threaded path. Nothing here writes: the caller stores the frames
// only when no row is bad (one file, one transaction).

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "engine/member_directory.h"
#include "engine/usage_frame.h"

namespace kam::engine {

struct ImportIssue {
  size_t line = 0;     // 1-based line in the file
  std::string column;  // header name as written in the file ("" for the whole row)
  std::string reason;
};

struct ImportOptions {
  int latest_month = 0;  // YYYYMM of the current month (Asia/Shanghai); later periods are refused
  int latest_day = 0;    // YYYYMMDD of today, for daily files
  bool allow_unknown_numbers = false;  // skip (and report) rows whose number is not in the archive
  int threads = 0;                     // 0: one per core
  size_t max_issues = 100;             // issues kept in detail; the rest are only counted
  // Called now and then with a phase name and progress within it.
  std::function<void(const std::string& phase, size_t done, size_t total)> progress;
};

// The rows of a file, kept compact (row-major 32-bit values) until they are stored: a
// period's frame, or a slice of it, is built on demand so a large file is encoded chunk by
// chunk without a full copy per period.
class ParsedRows {
 public:
  struct Period {
    int period = 0;
    std::vector<uint32_t> rows;  // row numbers, sorted by member id
  };
  // Rows [begin, end) of period `p` as a frame with every field (absent ones zero / no date).
  UsageFrame slice(size_t p, size_t begin, size_t end) const;
  UsageFrame frame(size_t p) const { return slice(p, 0, periods[p].rows.size()); }

  std::vector<Period> periods;            // ascending
  std::vector<int64_t> member, customer;  // per row
  std::vector<int32_t> values;            // per row: one value per field in `present`
  std::vector<int> present;               // usage_fields() indexes the file provides
};

struct ParsedImport {
  bool daily = false;
  std::string encoding;
  ParsedRows data;                           // the good rows, by period
  FieldMask fields;                          // fields the file provides
  size_t rows = 0;                           // data rows in the file
  size_t rows_bad = 0;                       // rows refused (the file must not be stored when > 0)
  size_t rows_skipped = 0;                   // unknown numbers skipped with allow_unknown_numbers
  size_t issue_count = 0;                    // all issues, including those beyond `issues`
  std::vector<ImportIssue> issues;           // the first max_issues, by line
  std::vector<std::string> columns_ignored;  // header names that map to no field
};

// Whole-file problems (undecodable bytes, no header, missing required columns, a duplicated
// column) answer an error; problems of single rows are listed in the result.
// `bytes` is taken over (decoded in place when it is GBK).
Result<ParsedImport> parse_usage(std::string bytes, const MemberDirectory& members,
                                 const ImportOptions& options);

}  // namespace kam::engine
