#include "engine/usage_import.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <thread>

#include "common/clock.h"
#include "common/csv.h"
#include "common/text_encoding.h"

namespace kam::engine {
namespace {

using domain::UsageKind;

constexpr int kPeriodCol = -2, kNumberCol = -1;

// How one column of the file is read.
struct ColumnPlan {
  int field = 0;        // index in usage_fields(), or kPeriodCol / kNumberCol
  bool in_fen = false;  // money given as integer fen (header "bill_fen") rather than yuan
  std::string header;   // as written in the file
};

struct Plan {
  bool daily = false;
  std::vector<ColumnPlan> columns;  // one per file column; field == INT32_MIN: ignored
  size_t ncols = 0;                 // columns in the header
  int bill_index = -1;              // usage field index of the bill (required)
};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// "128.5" -> 12850 (fen). Answers an error text, empty when fine.
const char* parse_money(std::string_view s, bool in_fen, int64_t& out) {
  s = trim(s);
  if (s.empty()) {
    out = 0;
    return nullptr;
  }
  bool neg = false;
  if (s.front() == '-') {
    neg = true;
    s.remove_prefix(1);
  } else if (s.front() == '+') {
    s.remove_prefix(1);
  }
  int64_t whole = 0, frac = 0;
  size_t i = 0, digits = 0;
  for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i, ++digits) {
    if (whole > 100'000'000'000'000LL) return "is not a plausible amount";
    whole = whole * 10 + (s[i] - '0');
  }
  if (i < s.size() && s[i] == '.') {
    if (in_fen) return "must be whole fen (no decimals)";
    ++i;
    int fd = 0;
    for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i, ++fd) {
      if (fd < 2) {
        frac = frac * 10 + (s[i] - '0');
      } else if (s[i] != '0') {
        return "has more than 2 decimals (fen)";
      }
    }
    if (fd == 1) frac *= 10;
    digits += static_cast<size_t>(fd);
  }
  if (i != s.size() || digits == 0) return "is not a number";
  out = in_fen ? whole : whole * 100 + frac;
  if (neg) out = -out;
  if (out < 0) return "is negative";
  return nullptr;
}

const char* parse_count(std::string_view s, bool decimal, int64_t& out) {
  s = trim(s);
  if (s.empty()) {
    out = 0;
    return nullptr;
  }
  if (s.front() == '-') return "is negative";
  int64_t v = 0;
  size_t i = 0;
  for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
    if (v > 1'000'000'000'000'000LL) return "is not a plausible number";
    v = v * 10 + (s[i] - '0');
  }
  if (i == 0) return "is not a number";
  if (i < s.size() && s[i] == '.') {
    if (!decimal) {
      // "12.0" is still a whole number.
      for (size_t k = i + 1; k < s.size(); ++k) {
        if (s[k] != '0') return "must be a whole number";
      }
      out = v;
      return nullptr;
    }
    size_t k = i + 1;
    if (k < s.size() && s[k] >= '5' && s[k] <= '9') ++v;  // round half up
    for (; k < s.size(); ++k) {
      if (s[k] < '0' || s[k] > '9') return "is not a number";
    }
    out = v;
    return nullptr;
  }
  if (i != s.size()) return "is not a number";
  out = v;
  return nullptr;
}

const char* parse_date(std::string_view s, int64_t& out) {
  s = trim(s);
  if (s.empty()) {
    out = domain::kNoDate;
    return nullptr;
  }
  std::string iso;
  if (s.size() == 8 && s.find_first_not_of("0123456789") == std::string_view::npos) {
    iso = std::string(s.substr(0, 4)) + "-" + std::string(s.substr(4, 2)) + "-" + std::string(s.substr(6, 2));
  } else {
    iso = std::string(s);
    std::replace(iso.begin(), iso.end(), '/', '-');
  }
  auto d = days_from_date(iso);
  if (!d) return "is not a date (YYYY-MM-DD)";
  out = *d;
  return nullptr;
}

// One thread's share of the rows.
struct Part {
  size_t first_line = 0;
  std::vector<int32_t> period;
  std::vector<int64_t> member, customer;
  std::vector<uint32_t> line;
  std::vector<std::vector<int64_t>> cols;  // per usage field (only those in the plan)
  std::vector<ImportIssue> issues;
  size_t issue_count = 0, rows = 0, bad = 0, skipped = 0;
};

class RowParser {
 public:
  RowParser(const Plan& plan, const MemberDirectory& dir, const ImportOptions& o, Part& part, const FieldMask& fields)
      : plan_(plan), dir_(dir), o_(o), part_(part) {
    part_.cols.resize(domain::usage_fields().size());
    fields_ = fields;
    values_.resize(part_.cols.size());
  }

  void row(const std::vector<std::string_view>& f, size_t line) {
    ++part_.rows;
    bool bad = false;
    auto issue = [&](const std::string& column, std::string reason) {
      bad = true;
      ++part_.issue_count;
      if (part_.issues.size() < o_.max_issues) part_.issues.push_back({line, column, std::move(reason)});
    };
    if (f.size() != plan_.ncols) {
      issue("", "has " + std::to_string(f.size()) + " fields, the header has " + std::to_string(plan_.ncols));
      ++part_.bad;
      return;
    }
    int32_t period = 0;
    const MemberRef* ref = nullptr;
    std::string_view number;
    const auto& specs = domain::usage_fields();
    for (size_t c = 0; c < f.size(); ++c) {
      const ColumnPlan& cp = plan_.columns[c];
      if (cp.field == INT32_MIN) continue;
      if (cp.field == kPeriodCol) {
        period = parse_period(f[c], cp.header, issue);
        continue;
      }
      if (cp.field == kNumberCol) {
        number = trim(f[c]);
        if (number.empty()) issue(cp.header, "is empty");
        continue;
      }
      const auto& spec = specs[static_cast<size_t>(cp.field)];
      int64_t v = 0;
      const char* err = nullptr;
      switch (spec.kind) {
        case UsageKind::kMoney: err = parse_money(f[c], cp.in_fen, v); break;
        case UsageKind::kCount: err = parse_count(f[c], false, v); break;
        case UsageKind::kDecimalCount: err = parse_count(f[c], true, v); break;
        case UsageKind::kDate: err = parse_date(f[c], v); break;
        case UsageKind::kStatus: {
          auto st = domain::parse_member_status(f[c]);
          if (!st) {
            issue(cp.header, "unknown status '" + std::string(trim(f[c]).substr(0, 40)) +
                                 "' (normal, suspended, pre_cancelled, cancelled)");
            continue;
          }
          v = *st;
          break;
        }
      }
      if (err) {
        issue(cp.header, std::string("'") + std::string(trim(f[c]).substr(0, 40)) + "' " + err);
        continue;
      }
      if (spec.kind != UsageKind::kDate && spec.max > 0 && v > spec.max) {
        issue(cp.header, "'" + std::string(trim(f[c]).substr(0, 40)) + "' is implausibly large (more than " +
                             std::to_string(spec.max) + (spec.kind == UsageKind::kMoney ? " fen)" : ")"));
        continue;
      }
      if (spec.id == domain::UsageField::kZeroCallDays && period > 0 && !plan_.daily &&
          v > domain::days_in_month(period)) {
        issue(cp.header, "'" + std::to_string(v) + "' is more than the days of the month");
        continue;
      }
      values_[static_cast<size_t>(cp.field)] = v;
    }
    if (!bad && !number.empty()) {
      ref = dir_.find(number);
      if (!ref) {
        if (o_.allow_unknown_numbers) {
          ++part_.skipped;
          ++part_.issue_count;
          if (part_.issues.size() < o_.max_issues) {
            part_.issues.push_back({line, plan_.columns[static_cast<size_t>(number_col_)].header,
                                    "number " + std::string(number.substr(0, 32)) + " is not in the archive (skipped)"});
          }
          return;
        }
        issue(plan_.columns[static_cast<size_t>(number_col_)].header,
              "number " + std::string(number.substr(0, 32)) + " is not in the archive");
      }
    }
    if (bad) {
      ++part_.bad;
      return;
    }
    part_.period.push_back(period);
    part_.member.push_back(ref->member_id);
    part_.customer.push_back(ref->customer_id);
    part_.line.push_back(static_cast<uint32_t>(line));
    for (size_t i = 0; i < values_.size(); ++i) {
      if (fields_.test(i)) part_.cols[i].push_back(values_[i]);
    }
  }

  void set_number_col(int c) { number_col_ = c; }

 private:
  template <class Issue>
  int32_t parse_period(std::string_view text, const std::string& header, Issue& issue) {
    text = trim(text);
    if (plan_.daily) {
      int64_t days = 0;
      if (parse_date(text, days) || days == domain::kNoDate) {
        issue(header, "'" + std::string(text.substr(0, 20)) + "' is not a date (YYYY-MM-DD)");
        return 0;
      }
      std::string d = date_from_days(days);
      int32_t ymd = std::stoi(d.substr(0, 4)) * 10000 + std::stoi(d.substr(5, 2)) * 100 + std::stoi(d.substr(8, 2));
      if (o_.latest_day && ymd > o_.latest_day) {
        issue(header, "'" + std::string(text) + "' is in the future");
        return 0;
      }
      return ymd;
    }
    auto m = domain::parse_month(text);
    if (!m) {
      issue(header, "'" + std::string(text.substr(0, 20)) + "' is not a month (YYYY-MM)");
      return 0;
    }
    if (o_.latest_month && *m > o_.latest_month) {
      issue(header, "'" + std::string(text) + "' is in the future");
      return 0;
    }
    return *m;
  }

  const Plan& plan_;
  const MemberDirectory& dir_;
  const ImportOptions& o_;
  Part& part_;
  FieldMask fields_;
  std::vector<int64_t> values_;
  int number_col_ = 0;
};

Result<Plan> make_plan(const std::vector<std::string_view>& header, FieldMask& fields,
                       std::vector<std::string>& ignored) {
  const auto& specs = domain::usage_fields();
  std::vector<csv::Column> wanted = {
      {"month", {"账期", "月份", "统计月份", "billing_month", "period"}, false},
      {"date", {"日期", "统计日期", "day"}, false},
      {"number", {"号码", "手机号码", "用户号码", "服务号码", "成员号码", "msisdn", "phone", "member_number"}, true},
  };
  for (const auto& s : specs) wanted.push_back({s.name, s.aliases, s.id == domain::UsageField::kBill});
  KAM_TRY(idx, csv::map_header(header, wanted));
  if (idx[0] < 0 && idx[1] < 0) return Error::invalid("month", "the header has no column month (or date for daily records)");
  if (idx[0] >= 0 && idx[1] >= 0) return Error::invalid("date", "the header has both month and date: one file holds monthly or daily records");
  Plan plan;
  plan.daily = idx[0] < 0;
  plan.ncols = header.size();
  plan.columns.assign(header.size(), ColumnPlan{INT32_MIN, false, {}});
  for (size_t h = 0; h < header.size(); ++h) plan.columns[h].header = std::string(trim(header[h]));
  plan.columns[static_cast<size_t>(plan.daily ? idx[1] : idx[0])].field = kPeriodCol;
  plan.columns[static_cast<size_t>(idx[2])].field = kNumberCol;
  for (size_t w = 3; w < wanted.size(); ++w) {
    if (idx[w] < 0) continue;
    size_t fi = w - 3;
    auto& cp = plan.columns[static_cast<size_t>(idx[w])];
    cp.field = static_cast<int>(fi);
    // The canonical *_fen header carries integer fen; every other name for money is in yuan.
    cp.in_fen = specs[fi].kind == UsageKind::kMoney && csv::normalize_header(cp.header) == specs[fi].name;
    fields.set(fi);
  }
  for (const auto& c : plan.columns) {
    if (c.field == INT32_MIN) ignored.push_back(c.header);
  }
  return plan;
}

// Splits `text` into `n` ranges that end at line ends.
std::vector<std::pair<size_t, size_t>> split_lines(std::string_view text, size_t begin, size_t n) {
  std::vector<std::pair<size_t, size_t>> parts;
  size_t size = text.size() - begin, at = begin;
  for (size_t k = 0; k < n && at < text.size(); ++k) {
    size_t end = k + 1 == n ? text.size() : std::min(text.size(), begin + size * (k + 1) / n);
    while (end < text.size() && text[end - 1] != '\n') ++end;
    if (end > at) parts.emplace_back(at, end);
    at = end;
  }
  return parts;
}

// Parses unquoted CSV lines in [b, e) of `text`.
void parse_plain(std::string_view text, size_t b, size_t e, size_t first_line, RowParser& rp,
                 const std::function<void(size_t)>& tick) {
  std::vector<std::string_view> fields;
  size_t line = first_line, pos = b, rows = 0;
  while (pos < e) {
    const char* nl = static_cast<const char*>(std::memchr(text.data() + pos, '\n', e - pos));
    size_t end = nl ? static_cast<size_t>(nl - text.data()) : e;
    size_t stop = end;
    if (stop > pos && text[stop - 1] == '\r') --stop;
    if (stop > pos) {
      fields.clear();
      size_t f = pos;
      for (;;) {
        const char* comma = static_cast<const char*>(std::memchr(text.data() + f, ',', stop - f));
        if (!comma) {
          fields.emplace_back(text.data() + f, stop - f);
          break;
        }
        size_t cpos = static_cast<size_t>(comma - text.data());
        fields.emplace_back(text.data() + f, cpos - f);
        f = cpos + 1;
      }
      rp.row(fields, line);
      if ((++rows & 0xFFFF) == 0 && tick) tick(end - b);
    }
    ++line;
    pos = end + 1;
  }
}

}  // namespace

Result<ParsedImport> parse_usage(std::string_view bytes, const MemberDirectory& members, const ImportOptions& o) {
  ParsedImport out;
  auto progress = [&](const std::string& phase, size_t done, size_t total) {
    if (o.progress) o.progress(phase, done, total);
  };
  progress("decoding", 0, bytes.size());
  text::Encoding enc;
  KAM_TRY(text, text::to_utf8(bytes, &enc));
  out.encoding = text::encoding_name(enc);

  csv::Reader header_reader(text);
  std::vector<std::string_view> header;
  KAM_TRY(has_header, header_reader.next(header));
  if (!has_header) return Error::invalid("file", "the file is empty: it needs a header line and data rows");
  KAM_TRY(plan, make_plan(header, out.fields, out.columns_ignored));
  out.daily = plan.daily;
  size_t body = header_reader.offset();
  size_t body_line = header_reader.line() + 1;

  unsigned threads = o.threads > 0 ? static_cast<unsigned>(o.threads) : std::max(1u, std::thread::hardware_concurrency());
  bool quoted = std::memchr(text.data() + body, '"', text.size() - body) != nullptr;
  if (quoted) threads = 1;
  auto ranges = split_lines(text, body, threads);
  std::vector<Part> parts(ranges.size());
  // Each part's first line number: count the line ends before it.
  {
    std::vector<size_t> nl(ranges.size());
    std::vector<std::thread> pool;
    for (size_t k = 0; k < ranges.size(); ++k) {
      pool.emplace_back([&, k] {
        nl[k] = static_cast<size_t>(std::count(text.data() + ranges[k].first, text.data() + ranges[k].second, '\n'));
      });
    }
    for (auto& t : pool) t.join();
    size_t line = body_line;
    for (size_t k = 0; k < ranges.size(); ++k) {
      parts[k].first_line = line;
      line += nl[k];
    }
  }
  int number_col = 0;
  for (size_t c = 0; c < plan.columns.size(); ++c) {
    if (plan.columns[c].field == kNumberCol) number_col = static_cast<int>(c);
  }
  std::vector<std::thread> pool;
  Status quoted_status;
  for (size_t k = 0; k < ranges.size(); ++k) {
    pool.emplace_back([&, k] {
      RowParser rp(plan, members, o, parts[k], out.fields);
      rp.set_number_col(number_col);
      std::function<void(size_t)> tick;
      if (k == 0) {
        size_t share = ranges.size();
        tick = [&, share](size_t done) { progress("parsing", done * share, text.size() - body); };
      }
      if (!quoted) {
        parse_plain(text, ranges[k].first, ranges[k].second, parts[k].first_line, rp, tick);
        return;
      }
      csv::Reader r(std::string_view(text).substr(0, ranges[k].second));
      std::vector<std::string_view> f;
      // Skip the header record, then read records with their own line numbers.
      auto first = r.next(f);
      if (!first.ok()) {
        quoted_status = first.error();
        return;
      }
      size_t rows = 0;
      for (;;) {
        auto more = r.next(f);
        if (!more.ok()) {
          quoted_status = more.error();
          return;
        }
        if (!*more) break;
        rp.row(f, r.line());
        if ((++rows & 0xFFFF) == 0 && tick) tick(r.offset() - body);
      }
    });
  }
  for (auto& t : pool) t.join();
  if (!quoted_status.ok()) return quoted_status.error();

  // Totals and the first issues in line order.
  size_t good = 0;
  for (auto& p : parts) {
    out.rows += p.rows;
    out.rows_bad += p.bad;
    out.rows_skipped += p.skipped;
    out.issue_count += p.issue_count;
    good += p.member.size();
    for (auto& i : p.issues) out.issues.push_back(std::move(i));
  }
  if (out.rows == 0) return Error::invalid("file", "the file has a header but no data rows");

  // Rows by period, then by member: counting placement on the dense member ids finds
  // duplicates on the way.
  progress("sorting", 0, good);
  std::map<int32_t, std::vector<uint64_t>> by_period;  // period -> packed (part, row)
  for (size_t k = 0; k < parts.size(); ++k) {
    for (size_t i = 0; i < parts[k].period.size(); ++i) {
      by_period[parts[k].period[i]].push_back((static_cast<uint64_t>(k) << 40) | i);
    }
  }
  const auto& specs = domain::usage_fields();
  for (auto& [period, rows] : by_period) {
    std::sort(rows.begin(), rows.end(), [&](uint64_t a, uint64_t b) {
      int64_t ma = parts[a >> 40].member[a & 0xFFFFFFFFFF], mb = parts[b >> 40].member[b & 0xFFFFFFFFFF];
      return ma != mb ? ma < mb : a < b;
    });
    UsageFrame f;
    f.period = period;
    f.reserve(rows.size());
    for (size_t j = 0; j < rows.size(); ++j) {
      const Part& p = parts[rows[j] >> 40];
      size_t i = rows[j] & 0xFFFFFFFFFF;
      if (j > 0) {
        const Part& pp = parts[rows[j - 1] >> 40];
        size_t pi = rows[j - 1] & 0xFFFFFFFFFF;
        if (pp.member[pi] == p.member[i]) {
          ++out.rows_bad;
          ++out.issue_count;
          if (out.issues.size() < o.max_issues * 2) {
            out.issues.push_back({p.line[i], "", "duplicate row: the same number and " +
                                                     std::string(plan.daily ? "date" : "month") + " as line " +
                                                     std::to_string(pp.line[pi])});
          }
          continue;
        }
      }
      f.member_id.push_back(p.member[i]);
      f.customer_id.push_back(p.customer[i]);
      for (size_t c = 0; c < specs.size(); ++c) {
        if (out.fields.test(c)) f.cols[c].push_back(p.cols[c][i]);
      }
    }
    f.fill_missing(all_fields());
    out.frames.push_back(std::move(f));
  }
  std::sort(out.issues.begin(), out.issues.end(), [](const ImportIssue& a, const ImportIssue& b) { return a.line < b.line; });
  if (out.issues.size() > o.max_issues) out.issues.resize(o.max_issues);
  return out;
}

}  // namespace kam::engine
