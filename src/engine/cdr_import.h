#pragma once
// Reads call-detail records (CSV, UTF-8 or GBK; see docs/cdr-format.md) and aggregates them
// on the fly per (month, calling archive member, other-operator number) into calls and
// minutes: the raw records are never kept, in memory or in the store. Every row is checked and
// a bad one named with its line, column and reason; rows from callers outside the archive and
// calls to our own network are counted and dropped. Parsing runs on several threads over the
// file in place (a memory map); a file with quoted fields takes the careful single-threaded
// path. Aggregation is radix-partitioned by member, so each partition's hash table stays small
// and the partitions aggregate in parallel without locks. Nothing here writes: the caller
// stores the pairs only when no row is bad.

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "domain/care_rules.h"
#include "engine/member_directory.h"
#include "engine/usage_import.h"

namespace kam::engine {

struct CdrOptions {
  int latest_month = 0;  // YYYYMM of the current month (Asia/Shanghai); later calls are refused
  domain::Operator home = domain::Operator::kCmcc;  // calls to our own network are on-net
  int store_min_calls = 3;  // pairs with fewer calls are counted, not answered
  int threads = 0;          // 0: one per core
  size_t max_issues = 100;  // issues kept in detail; the rest are only counted
  std::function<void(const std::string& phase, size_t done, size_t total)> progress;
};

// The calls of one member to one other-operator number in one month.
struct CdrPair {
  int month = 0;  // YYYYMM
  int64_t member_id = 0;
  std::string callee;  // the number as normalised (no +86)
  domain::Operator callee_operator = domain::Operator::kOther;
  int64_t calls = 0;
  int64_t minutes = 0;  // billed minutes: each call rounded up to a whole minute
};

struct CdrMonth {
  int month = 0;
  int64_t rows = 0;           // good rows of the month
  int64_t calls_counted = 0;  // calls by archive members to other operators
  int64_t pairs_total = 0;    // distinct (member, number) pairs among them
  int64_t pairs_stored = 0;   // of which with at least store_min_calls calls
};

struct ParsedCdrs {
  std::string encoding;
  size_t rows = 0;                // data rows in the file
  size_t rows_bad = 0;            // refused rows (nothing may be stored when > 0)
  size_t rows_on_net = 0;         // calls to our own network
  size_t rows_other_callers = 0;  // callers that are not archive members
  size_t rows_counted = 0;        // calls by archive members to other operators
  size_t issue_count = 0;
  std::vector<ImportIssue> issues;  // the first max_issues, by line
  std::vector<std::string> columns_ignored;
  std::vector<CdrMonth> months;  // ascending
  std::vector<CdrPair> pairs;    // calls >= store_min_calls; by month, member, number
};

// Whole-file problems (undecodable bytes, no header, a required column missing or named twice,
// no data rows) answer an error; problems of single rows are listed in the result.
Result<ParsedCdrs> parse_cdrs(std::string_view bytes, const MemberDirectory& members,
                              const CdrOptions& o);

// The parts of a call-detail row, exposed for tests.
// "+8613812345678", "13812345678" -> "13812345678"; nullopt unless 3..15 digits remain.
std::optional<std::string_view> cdr_number(std::string_view text);
// The month (YYYYMM) of a start time: "2026-10-03 08:12:45", "2026/10/3 8:05",
// "2026-10-03T08:12:45", "20261003081245"; nullopt unless a real date and time of day.
std::optional<int> cdr_month(std::string_view text);

}  // namespace kam::engine
