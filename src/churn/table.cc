#include "churn/table.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "common/csv.h"
#include "common/text_encoding.h"

namespace kam::churn {
namespace {

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (auto& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// The delimiter of a header line: the most frequent of comma, semicolon and tab outside quotes.
char sniff_delimiter(std::string_view text) {
  size_t counts[3] = {0, 0, 0};
  const char cands[3] = {',', ';', '\t'};
  bool quoted = false;
  for (char c : text) {
    if (c == '"') quoted = !quoted;
    if (!quoted && (c == '\n' || c == '\r')) break;
    for (int i = 0; i < 3; ++i) counts[i] += !quoted && c == cands[i];
  }
  int best = 0;
  for (int i = 1; i < 3; ++i) {
    if (counts[i] > counts[best]) best = i;
  }
  return cands[best];
}

std::string quote(std::string_view s) {
  return "'" + std::string(s) + "'";
}

// "lines 4, 9, 12 …" for up to five rows.
std::string line_list(const std::vector<size_t>& lines, size_t total) {
  std::string out = total == 1 ? "line " : "lines ";
  for (size_t i = 0; i < lines.size(); ++i) out += (i ? ", " : "") + std::to_string(lines[i]);
  if (total > lines.size()) out += " …";
  return out;
}

}  // namespace

std::string_view trim(std::string_view s) {
  static constexpr std::string_view kIdeographicSpace = "\xE3\x80\x80";
  for (;;) {
    size_t before = s.size();
    while (!s.empty() &&
           (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n'))
      s.remove_prefix(1);
    while (!s.empty() &&
           (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
      s.remove_suffix(1);
    if (s.starts_with(kIdeographicSpace)) s.remove_prefix(kIdeographicSpace.size());
    if (s.ends_with(kIdeographicSpace)) s.remove_suffix(kIdeographicSpace.size());
    if (s.size() == before) return s;
  }
}

bool is_missing(std::string_view cell) {
  cell = trim(cell);
  if (cell.empty()) return true;
  if (cell.size() > 4) return false;  // the longest marker ("null", "#n/a") has 4 bytes
  std::string v = lower_ascii(cell);
  static const std::set<std::string> kMissing = {"na", "n/a", "#n/a", "null", "none",        "nan",
                                                 "-",  "--",  "?",    "nil",  "\xE2\x80\x94"};
  return kMissing.count(v) > 0;
}

int TextTable::find(std::string_view name) const {
  std::string want = csv::normalize_header(name);
  for (size_t i = 0; i < columns.size(); ++i) {
    if (csv::normalize_header(columns[i]) == want) return static_cast<int>(i);
  }
  return -1;
}

Result<TextTable> parse_csv(std::string_view bytes) {
  KAM_TRY(text, text::to_utf8(bytes));
  csv::Reader reader(text, sniff_delimiter(text));
  std::vector<std::string_view> fields;
  KAM_TRY(has_header, reader.next(fields));
  if (!has_header) return Error::invalid("input", "the file is empty: a header line is needed");
  TextTable t;
  std::map<std::string, size_t> seen;
  for (size_t i = 0; i < fields.size(); ++i) {
    std::string name(trim(fields[i]));
    if (name.empty()) name = "(column " + std::to_string(i + 1) + ")";
    auto [it, fresh] = seen.emplace(csv::normalize_header(name), i);
    if (!fresh) {
      return Error::invalid(name, "the header names column '" + name + "' twice (columns " +
                                      std::to_string(it->second + 1) + " and " +
                                      std::to_string(i + 1) + ")");
    }
    t.columns.push_back(std::move(name));
  }
  t.cells.resize(t.columns.size());
  for (;;) {
    KAM_TRY(more, reader.next(fields));
    if (!more) break;
    bool blank = std::all_of(fields.begin(), fields.end(),
                             [](std::string_view f) { return trim(f).empty(); });
    if (blank) continue;  // ",,,," lines that spreadsheets leave behind
    if (fields.size() != t.columns.size()) {
      return Error::invalid("line " + std::to_string(reader.line()),
                            "line " + std::to_string(reader.line()) + " has " +
                                std::to_string(fields.size()) + " fields, the header has " +
                                std::to_string(t.columns.size()));
    }
    for (size_t i = 0; i < fields.size(); ++i) t.cells[i].emplace_back(trim(fields[i]));
    t.lines.push_back(reader.line());
  }
  return t;
}

Result<TextTable> read_csv_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::invalid("input", "cannot open " + path);
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) return Error::invalid("input", "cannot read " + path);
  return parse_csv(buf.str());
}

bool Column::missing(size_t row) const {
  return numeric ? std::isnan(numbers[row]) : texts[row].empty();
}

const Column* FeatureTable::find(std::string_view name) const {
  std::string want = csv::normalize_header(name);
  for (const auto& c : columns) {
    if (csv::normalize_header(c.name) == want) return &c;
  }
  return nullptr;
}

std::string FeatureTable::where(size_t row) const {
  if (row < lines.size()) return "line " + std::to_string(lines[row]);
  return "row " + std::to_string(row + 1);
}

bool parse_number(std::string_view s, double& out) {
  if (!s.empty() && s.back() == '%') s.remove_suffix(1);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size() && std::isfinite(out);
}

Column type_column(std::string name, std::vector<std::string> cells,
                   std::vector<std::string>* notes) {
  Column col;
  col.name = std::move(name);
  size_t present = 0, bad = 0;
  std::vector<double> numbers(cells.size(), std::nan(""));
  std::map<std::string, size_t> bad_values;
  for (size_t r = 0; r < cells.size(); ++r) {
    if (is_missing(cells[r])) continue;
    ++present;
    if (!parse_number(cells[r], numbers[r])) {
      ++bad;
      if (bad_values.size() < 3) bad_values[cells[r]]++;
    }
  }
  // A few stray words ("unknown") in a numeric column should not turn it into categories.
  if (present > 0 && bad * 50 <= present && !(bad > 0 && present < 50)) {
    col.numeric = true;
    for (size_t r = 0; r < cells.size(); ++r) {
      if (!std::isnan(numbers[r]) || is_missing(cells[r])) continue;
      numbers[r] = std::nan("");
    }
    if (bad > 0 && notes) {
      std::string ex;
      for (const auto& [v, n] : bad_values) ex += (ex.empty() ? "" : ", ") + quote(v);
      notes->push_back("column '" + col.name + "' is numeric; " + std::to_string(bad) +
                       " values that are not numbers (" + ex + ") are treated as missing");
    }
    col.numbers = std::move(numbers);
    return col;
  }
  col.texts.resize(cells.size());
  for (size_t r = 0; r < cells.size(); ++r) {
    if (!is_missing(cells[r])) col.texts[r] = std::move(cells[r]);
  }
  return col;
}

int label_value(std::string_view cell) {
  std::string v = lower_ascii(trim(cell));
  static const std::set<std::string> kPositive = {
      "yes",
      "y",
      "true",
      "t",
      "churned",
      "churn",
      "lost",
      "left",
      "cancelled",
      "canceled",
      "1",
      "\xE6\x98\xAF",                          // 是
      "\xE6\xB5\x81\xE5\xA4\xB1",              // 流失
      "\xE5\xB7\xB2\xE6\xB5\x81\xE5\xA4\xB1",  // 已流失
      "\xE7\xA6\xBB\xE7\xBD\x91",              // 离网
      "\xE5\xB7\xB2\xE7\xA6\xBB\xE7\xBD\x91",  // 已离网
  };
  static const std::set<std::string> kNegative = {
      "no",
      "n",
      "false",
      "f",
      "active",
      "stayed",
      "retained",
      "kept",
      "0",
      "\xE5\x90\xA6",                          // 否
      "\xE6\x9C\xAA\xE6\xB5\x81\xE5\xA4\xB1",  // 未流失
      "\xE5\x9C\xA8\xE7\xBD\x91",              // 在网
      "\xE7\x95\x99\xE5\xAD\x98",              // 留存
      "\xE6\xAD\xA3\xE5\xB8\xB8",              // 正常
  };
  if (kPositive.count(v)) return 1;
  if (kNegative.count(v)) return 0;
  double d;
  if (parse_number(v, d) && v.back() != '%') {  // "1.0", "0.00"
    if (d == 1) return 1;
    if (d == 0) return 0;
  }
  return -1;
}

size_t Dataset::positives() const {
  return static_cast<size_t>(std::count(labels.begin(), labels.end(), 1));
}

namespace {

Status check_classes(const std::string& column, const std::vector<int>& labels,
                     const LabelSpelling& sp) {
  size_t pos = static_cast<size_t>(std::count(labels.begin(), labels.end(), 1));
  size_t neg = labels.size() - pos;
  auto spelled = [](const std::vector<std::string>& v, const char* fallback) {
    if (v.empty()) return std::string(fallback);
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : "/") + quote(x);
    return s;
  };
  if (pos == 0 || neg == 0) {
    return Error::invalid(column,
                          "the label column '" + column + "' has only one class (" +
                              spelled(pos ? sp.positive : sp.negative, pos ? "churned" : "stayed") +
                              " on every row): both churned and stayed rows are needed");
  }
  for (auto [n, name, words] :
       {std::tuple{pos, "churned", &sp.positive}, std::tuple{neg, "stayed", &sp.negative}}) {
    if (n < kMinRowsPerClass) {
      return Error::invalid(column, "the label column '" + column + "' has " + std::to_string(n) +
                                        " " + name + " rows (" + spelled(*words, name) +
                                        "); at least " + std::to_string(kMinRowsPerClass) +
                                        " of each class are needed");
    }
  }
  return {};
}

}  // namespace

Result<Dataset> make_dataset(TextTable t, std::string_view label_column,
                             std::string_view id_column) {
  auto columns_list = [&t] {
    std::string s;
    for (const auto& c : t.columns) s += (s.empty() ? "" : ", ") + c;
    return s;
  };
  int li = t.find(label_column);
  if (li < 0) {
    return Error::invalid("label", "the file has no column '" + std::string(label_column) +
                                       "' (its columns: " + columns_list() + ")");
  }
  int ii = -1;
  if (!id_column.empty()) {
    ii = t.find(id_column);
    if (ii < 0) {
      return Error::invalid("id", "the file has no column '" + std::string(id_column) +
                                      "' (its columns: " + columns_list() + ")");
    }
    if (ii == li) return Error::invalid("id", "the id column cannot be the label column");
  }
  if (t.rows() == 0) return Error::invalid("input", "the file has a header but no data rows");

  Dataset d;
  d.label_column = t.columns[li];
  d.labels.resize(t.rows());
  // Values that are neither class: value -> (count, first lines).
  std::map<std::string, std::pair<size_t, std::vector<size_t>>> other;
  std::set<std::string> pos_spell, neg_spell;
  for (size_t r = 0; r < t.rows(); ++r) {
    const std::string& cell = t.cells[li][r];
    int v = label_value(cell);
    if (v < 0) {
      auto& o = other[cell];
      if (o.second.size() < 5) o.second.push_back(t.lines[r]);
      ++o.first;
      continue;
    }
    d.labels[r] = v;
    (v ? pos_spell : neg_spell).insert(cell);
  }
  if (!other.empty()) {
    std::string msg = "the label column '" + d.label_column +
                      "' must hold two classes (yes/no, 1/0, true/false, Y/N, 是/否, "
                      "churned/active…); other values: ";
    size_t shown = 0;
    for (const auto& [value, seen] : other) {
      if (shown++ == 5) {
        msg += "; and " + std::to_string(other.size() - 5) + " more";
        break;
      }
      msg += (shown > 1 ? "; " : "") + (value.empty() ? std::string("(empty)") : quote(value)) +
             " on " + line_list(seen.second, seen.first);
    }
    return Error::invalid(d.label_column, msg);
  }
  d.spelling.positive.assign(pos_spell.begin(), pos_spell.end());
  d.spelling.negative.assign(neg_spell.begin(), neg_spell.end());
  KAM_CHECK(check_classes(d.label_column, d.labels, d.spelling));

  d.features.rows = t.rows();
  d.features.lines = t.lines;
  if (ii >= 0) {
    d.id_column = t.columns[ii];
    d.features.ids = t.cells[ii];
    std::set<std::string_view> unique(d.features.ids.begin(), d.features.ids.end());
    if (unique.size() != d.features.ids.size()) {
      d.notes.push_back("the id column '" + d.id_column + "' repeats " +
                        std::to_string(d.features.ids.size() - unique.size()) + " values");
    }
  }
  for (size_t c = 0; c < t.columns.size(); ++c) {
    if (static_cast<int>(c) == li || static_cast<int>(c) == ii) continue;
    d.features.columns.push_back(type_column(t.columns[c], std::move(t.cells[c]), &d.notes));
  }
  return d;
}

Result<Dataset> make_dataset(FeatureTable features, std::vector<int> labels,
                             std::string label_column) {
  if (labels.size() != features.rows) {
    return Error::invalid("labels", "there are " + std::to_string(labels.size()) + " labels for " +
                                        std::to_string(features.rows) + " rows");
  }
  for (const auto& c : features.columns) {
    if (c.size() != features.rows) {
      return Error::invalid(c.name, "column '" + c.name + "' has " + std::to_string(c.size()) +
                                        " values for " + std::to_string(features.rows) + " rows");
    }
  }
  if (!features.ids.empty() && features.ids.size() != features.rows) {
    return Error::invalid("ids", "there are " + std::to_string(features.ids.size()) + " ids for " +
                                     std::to_string(features.rows) + " rows");
  }
  for (size_t r = 0; r < labels.size(); ++r) {
    if (labels[r] != 0 && labels[r] != 1) {
      return Error::invalid(label_column, "label of " + features.where(r) + " is " +
                                              std::to_string(labels[r]) +
                                              "; it must be 1 (churned) or 0 (stayed)");
    }
  }
  Dataset d;
  d.label_column = std::move(label_column);
  d.spelling = {{"1"}, {"0"}};
  KAM_CHECK(check_classes(d.label_column, labels, d.spelling));
  d.features = std::move(features);
  d.labels = std::move(labels);
  return d;
}

}  // namespace kam::churn
