#pragma once
// CSV over UTF-8 text in memory (RFC 4180): comma (or another) delimiter, fields in double
// quotes with "" for a quote, quoted line breaks, LF or CRLF line ends, a last line without
// a line end. Fields are views into the text; a quoted field with "" escapes is unescaped into
// storage owned by the reader, valid until the next call to next().

#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace kam::csv {

class Reader {
 public:
  explicit Reader(std::string_view text, char delimiter = ',') : text_(text), delim_(delimiter) {}

  // Reads the next record into `fields` (cleared first). Answers false at the end of the text,
  // an error (naming the line) for an unterminated quote or text after a closing quote.
  // Blank lines are skipped.
  Result<bool> next(std::vector<std::string_view>& fields);

  // The 1-based line on which the record last returned by next() starts.
  size_t line() const { return record_line_; }
  // Byte offset of the reader in the text (for progress).
  size_t offset() const { return pos_; }

 private:
  std::string_view text_;
  char delim_;
  size_t pos_ = 0;
  size_t line_ = 1;
  size_t record_line_ = 0;
  // A deque, not a vector: growing it never moves the strings the returned views point into
  // (a vector would move them, and a short string's characters move with it).
  std::deque<std::string> unescaped_;
};

// Header names compared loosely: trimmed, ASCII lower-cased, spaces and '-' as '_'.
std::string normalize_header(std::string_view name);

// Maps a header row onto wanted columns. Each wanted column has a canonical name and aliases
// (e.g. "bill_fen" ← "bill", "账单金额"). Answers, per wanted column, the index in the
// header or -1 when absent; an error names a header matched twice.
struct Column {
  std::string name;
  std::vector<std::string> aliases;
  bool required = false;
};
Result<std::vector<int>> map_header(const std::vector<std::string_view>& header,
                                    const std::vector<Column>& wanted);

}  // namespace kam::csv
