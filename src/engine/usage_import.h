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

struct ParsedImport {
  bool daily = false;
  std::string encoding;
  std::vector<UsageFrame> frames;  // one per period, ascending, rows sorted by member id
  FieldMask fields;                // fields the file provides
  size_t rows = 0;                 // data rows in the file
  size_t rows_bad = 0;             // rows refused (the file must not be stored when > 0)
  size_t rows_skipped = 0;         // unknown numbers skipped with allow_unknown_numbers
  size_t issue_count = 0;          // all issues, including those beyond `issues`
  std::vector<ImportIssue> issues; // the first max_issues, by line
  std::vector<std::string> columns_ignored;  // header names that map to no field
};

// Whole-file problems (undecodable bytes, no header, missing required columns, a duplicated
// column) answer an error; problems of single rows are listed in the result.
Result<ParsedImport> parse_usage(std::string_view bytes, const MemberDirectory& members, const ImportOptions& options);

}  // namespace kam::engine
