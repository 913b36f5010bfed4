#pragma once
// The churn model's input (SPEC §3): any table the operator has, one row per customer, with a
// churned yes/no label, an optional id and any mix of numeric and categorical features.
// TextTable is a CSV as text; FeatureTable holds typed columns and is also what the engine
// builds from stored usage history; Dataset adds the 0/1 label the model learns.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace kam::churn {

// Cells that mean "no value" in operators' exports: empty or blank, NA, N/A, #N/A, null,
// none, NaN, "-", "--", "—", "?" (any case).
bool is_missing(std::string_view cell);

// Trims ASCII white space and the ideographic space (U+3000) Excel exports often carry.
std::string_view trim(std::string_view s);

// A CSV file as text, column by column, with each row's line in the file for messages.
struct TextTable {
  std::vector<std::string> columns;             // header names as written (trimmed)
  std::vector<std::vector<std::string>> cells;  // [column][row], trimmed
  std::vector<size_t> lines;                    // [row] 1-based line where the row starts
  size_t rows() const { return lines.size(); }
  // Index of a column by name (compared like csv::normalize_header), or -1.
  int find(std::string_view name) const;
};

// Decodes (UTF-8 or GBK/GB18030) and parses CSV bytes. The delimiter (comma, semicolon or
// tab) is taken from the header line. Errors name the line: a short row, an open quote, a
// header without names or with a name twice.
Result<TextTable> parse_csv(std::string_view bytes);
Result<TextTable> read_csv_file(const std::string& path);

// One typed column: numbers (NaN = missing) or text categories ("" = missing).
struct Column {
  std::string name;
  bool numeric = false;
  std::vector<double> numbers;
  std::vector<std::string> texts;
  size_t size() const { return numeric ? numbers.size() : texts.size(); }
  bool missing(size_t row) const;
};

// The features of a set of rows (customers or members), as the model sees them.
struct FeatureTable {
  std::vector<Column> columns;
  std::vector<std::string> ids;  // optional: one per row, for output and messages
  std::vector<size_t> lines;     // optional: source line per row, for messages
  size_t rows = 0;
  const Column* find(std::string_view name) const;
  // "line 17" when lines are known, else "row 17" (1-based).
  std::string where(size_t row) const;
};

// A number as operators' exports write it: "12", "-3.5", "1e3", "+2", "12%" (kept as 12).
bool parse_number(std::string_view s, double& out);

// Types a text column by its content: numeric when every present value is a number, or when
// at most 2% of them are not (those become missing and are reported in `notes`); otherwise
// categorical.
Column type_column(std::string name, std::vector<std::string> cells,
                   std::vector<std::string>* notes);

// How the label was spelled in the file (what counted as churned and as stayed).
struct LabelSpelling {
  std::vector<std::string> positive;  // e.g. {"yes", "Yes"}
  std::vector<std::string> negative;  // e.g. {"no"}
};

// Whether one label value means churned (1) or stayed (0); -1 when it is neither.
int label_value(std::string_view cell);

struct Dataset {
  FeatureTable features;
  std::vector<int> labels;  // 1 churned, 0 stayed; one per row
  std::string label_column;
  std::string id_column;  // empty when the rows have no id
  LabelSpelling spelling;
  std::vector<std::string> notes;  // what was done with the input, for the user
  size_t positives() const;
};

// Every class needs at least this many rows to learn from and to cross-validate.
inline constexpr size_t kMinRowsPerClass = 50;

// Splits a text table into the label, the optional id and typed feature columns. The label
// must have exactly two classes in any usual spelling (yes/no, 1/0, true/false, Y/N, 是/否,
// churned/active, 流失/在网…); anything else is refused naming the values and their rows.
Result<Dataset> make_dataset(TextTable table, std::string_view label_column,
                             std::string_view id_column);

// Builds a dataset from a feature table the caller typed already (e.g. the engine's usage
// history) and a 0/1 label per row. Checks the label like make_dataset.
Result<Dataset> make_dataset(FeatureTable features, std::vector<int> labels,
                             std::string label_column = "churned");

}  // namespace kam::churn
