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

// Numbers in a file may have any number of digits: they are read saturating at kHuge, far
// above every field's plausible maximum, so a huge value is refused as implausibly large and
// never wraps around into a small (or negative) one.
constexpr int64_t kHuge = 1'000'000'000'000'000LL;  // 1e15: x 100 (yuan to fen) still fits
static_assert(kHuge < INT64_MAX / 100);

int64_t add_digit(int64_t v, char digit) {
  return v >= kHuge / 10 ? kHuge : v * 10 + (digit - '0');
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
  for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i, ++digits) whole = add_digit(whole, s[i]);
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
  for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) v = add_digit(v, s[i]);
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
    iso = std::string(s.substr(0, 4)) + "-" + std::string(s.substr(4, 2)) + "-" +
          std::string(s.substr(6, 2));
  } else {
    iso = std::string(s);
    std::replace(iso.begin(), iso.end(), '/', '-');
  }
  auto d = days_from_date(iso);
  if (!d) return "is not a date (YYYY-MM-DD)";
  out = *d;
  return nullptr;
}

// One thread's share of the rows: keys and values as parsed; numbers are matched to members
// afterwards, in batches (hash lookups with prefetch).
struct Part {
  size_t first_line = 0;
  std::vector<int32_t> period;
  std::vector<uint64_t> key;  // numeric_key() of the number, or kTextKey | index into texts
  std::vector<std::string> texts;
  std::vector<uint32_t> line;
  std::vector<int32_t> values;            // row-major, one per present field
  std::vector<int64_t> member, customer;  // after matching; member -1 = dropped
  std::vector<ImportIssue> issues;
  size_t issue_count = 0, rows = 0, bad = 0, skipped = 0;
};

constexpr uint64_t kTextKey = 1ULL << 63;
constexpr int32_t kNoDate32 = INT32_MIN;

class RowParser {
 public:
  RowParser(const Plan& plan, const ImportOptions& o, Part& part, const std::vector<int>& present)
      : plan_(plan), o_(o), part_(part), slot_(domain::usage_fields().size(), -1) {
    for (size_t k = 0; k < present.size(); ++k)
      slot_[static_cast<size_t>(present[k])] = static_cast<int>(k);
    row_values_.resize(present.size());
  }

  void row(const std::vector<std::string_view>& f, size_t line) {
    ++part_.rows;
    bool bad = false;
    auto issue = [&](const std::string& column, std::string reason) {
      bad = true;
      ++part_.issue_count;
      if (part_.issues.size() < o_.max_issues)
        part_.issues.push_back({line, column, std::move(reason)});
    };
    if (f.size() != plan_.ncols) {
      issue("", "has " + std::to_string(f.size()) + " fields, the header has " +
                    std::to_string(plan_.ncols));
      ++part_.bad;
      return;
    }
    int32_t period = 0;
    std::string_view number;
    const auto& specs = domain::usage_fields();
    for (size_t c = 0; c < f.size(); ++c) {
      const ColumnPlan& cp = plan_.columns[c];
      if (cp.field == INT32_MIN) continue;
      if (cp.field == kPeriodCol) {
        // Files run month by month: the same text as the row before needs no parsing.
        if (f[c] == last_period_text_ && last_period_ > 0) {
          period = last_period_;
        } else {
          period = parse_period(f[c], cp.header, issue);
          last_period_text_.assign(f[c]);
          last_period_ = period;
        }
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
        case UsageKind::kMoney:
          err = parse_money(f[c], cp.in_fen, v);
          break;
        case UsageKind::kCount:
          err = parse_count(f[c], false, v);
          break;
        case UsageKind::kDecimalCount:
          err = parse_count(f[c], true, v);
          break;
        case UsageKind::kDate:
          if (f[c] == last_date_text_) {
            v = last_date_;
          } else {
            err = parse_date(f[c], v);
            if (!err) {
              last_date_text_.assign(f[c]);
              last_date_ = v;
            }
          }
          break;
        case UsageKind::kStatus: {
          if (f[c] == last_status_text_) {
            v = last_status_;
            break;
          }
          auto st = domain::parse_member_status(f[c]);
          if (!st) {
            issue(cp.header, "unknown status '" + std::string(trim(f[c]).substr(0, 40)) +
                                 "' (normal, suspended, pre_cancelled, cancelled)");
            continue;
          }
          v = *st;
          last_status_text_.assign(f[c]);
          last_status_ = v;
          break;
        }
      }
      if (err) {
        issue(cp.header, std::string("'") + std::string(trim(f[c]).substr(0, 40)) + "' " + err);
        continue;
      }
      // Every field's plausible maximum fits 32 bits (checked here, so nothing wraps below).
      int64_t max = spec.max > 0 ? std::min<int64_t>(spec.max, INT32_MAX) : INT32_MAX;
      if (spec.kind != UsageKind::kDate && v > max) {
        issue(cp.header, "'" + std::string(trim(f[c]).substr(0, 40)) +
                             "' is implausibly large (more than " + std::to_string(max) +
                             (spec.kind == UsageKind::kMoney ? " fen)" : ")"));
        continue;
      }
      if (spec.id == domain::UsageField::kZeroCallDays && period > 0 && !plan_.daily &&
          v > domain::days_in_month(period)) {
        issue(cp.header, "'" + std::to_string(v) + "' is more than the days of the month");
        continue;
      }
      // Every field's plausible maximum fits 32 bits; dates are days since 1970.
      row_values_[static_cast<size_t>(slot_[static_cast<size_t>(cp.field)])] =
          v == domain::kNoDate ? kNoDate32 : static_cast<int32_t>(v);
    }
    if (bad) {
      ++part_.bad;
      return;
    }
    uint64_t k = numeric_key(number);
    if (!k) {
      k = kTextKey | part_.texts.size();
      part_.texts.emplace_back(number);
    }
    part_.period.push_back(period);
    part_.key.push_back(k);
    part_.line.push_back(static_cast<uint32_t>(line));
    part_.values.insert(part_.values.end(), row_values_.begin(), row_values_.end());
  }

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
      int32_t ymd = std::stoi(d.substr(0, 4)) * 10000 + std::stoi(d.substr(5, 2)) * 100 +
                    std::stoi(d.substr(8, 2));
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
  const ImportOptions& o_;
  Part& part_;
  std::vector<int> slot_;  // usage field index -> position in a row's values, -1 absent
  std::vector<int32_t> row_values_;
  std::string last_period_text_, last_date_text_, last_status_text_ = "\x01";
  int32_t last_period_ = 0;
  int64_t last_date_ = 0, last_status_ = 0;
};

// Matches a part's numbers to members: hash lookups prefetched a few rows ahead, since a large
// directory does not fit in the cache. Unknown numbers become issues (or skipped rows).
void match_members(Part& part, const MemberDirectory& dir, const ImportOptions& o,
                   const std::string& number_header) {
  size_t n = part.key.size();
  part.member.assign(n, -1);
  part.customer.assign(n, 0);
  constexpr size_t kAhead = 16;
  for (size_t i = 0; i < n; ++i) {
    if (i + kAhead < n && !(part.key[i + kAhead] & kTextKey)) dir.prefetch(part.key[i + kAhead]);
    uint64_t k = part.key[i];
    const MemberRef* ref = (k & kTextKey) ? dir.find(part.texts[k & ~kTextKey]) : dir.find_key(k);
    if (ref) {
      part.member[i] = ref->member_id;
      part.customer[i] = ref->customer_id;
      continue;
    }
    std::string number =
        (k & kTextKey) ? part.texts[k & ~kTextKey] : std::to_string(k & ((1ULL << 56) - 1));
    if ((k & kTextKey) == 0) {
      // Restore leading zeros from the key's length.
      size_t len = static_cast<size_t>(k >> 56);
      if (number.size() < len) number.insert(0, len - number.size(), '0');
    }
    ++part.issue_count;
    if (o.allow_unknown_numbers) {
      ++part.skipped;
      if (part.issues.size() < o.max_issues) {
        part.issues.push_back(
            {part.line[i], number_header,
             "number " + number.substr(0, 32) + " is not in the archive (skipped)"});
      }
    } else {
      ++part.bad;
      if (part.issues.size() < o.max_issues) {
        part.issues.push_back({part.line[i], number_header,
                               "number " + number.substr(0, 32) + " is not in the archive"});
      }
    }
  }
}

Result<Plan> make_plan(const std::vector<std::string_view>& header, FieldMask& fields,
                       std::vector<std::string>& ignored) {
  const auto& specs = domain::usage_fields();
  std::vector<csv::Column> wanted = {
      {"month", {"账期", "月份", "统计月份", "billing_month", "period"}, false},
      {"date", {"日期", "统计日期", "day"}, false},
      {"number",
       {"号码", "手机号码", "用户号码", "服务号码", "成员号码", "msisdn", "phone", "member_number"},
       true},
  };
  for (const auto& s : specs)
    wanted.push_back({s.name, s.aliases, s.id == domain::UsageField::kBill});
  KAM_TRY(idx, csv::map_header(header, wanted));
  if (idx[0] < 0 && idx[1] < 0)
    return Error::invalid("month", "the header has no column month (or date for daily records)");
  if (idx[0] >= 0 && idx[1] >= 0)
    return Error::invalid(
        "date", "the header has both month and date: one file holds monthly or daily records");
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
    cp.in_fen =
        specs[fi].kind == UsageKind::kMoney && csv::normalize_header(cp.header) == specs[fi].name;
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
  // One pass over the bytes: a comma ends a field, a line end ends the row (no call per field:
  // rows are short and fields shorter).
  std::vector<std::string_view> fields;
  fields.reserve(32);
  const char* s = text.data();
  size_t line = first_line, rows = 0, f = b;
  fields.clear();
  for (size_t i = b; i < e; ++i) {
    char c = s[i];
    if (c == ',') {
      fields.emplace_back(s + f, i - f);
      f = i + 1;
    } else if (c == '\n') {
      size_t stop = i > f && s[i - 1] == '\r' ? i - 1 : i;
      if (!fields.empty() || stop > f) {
        fields.emplace_back(s + f, stop - f);
        rp.row(fields, line);
        if ((++rows & 0xFFFF) == 0 && tick) tick(i - b);
      }
      fields.clear();
      ++line;
      f = i + 1;
    }
  }
  if (f < e) {
    size_t stop = s[e - 1] == '\r' ? e - 1 : e;
    fields.emplace_back(s + f, stop - f);
    rp.row(fields, line);
  }
}

}  // namespace

UsageFrame ParsedRows::slice(size_t p, size_t begin, size_t end) const {
  UsageFrame f;
  f.period = periods[p].period;
  size_t n = end - begin;
  f.member_id.resize(n);
  f.customer_id.resize(n);
  const auto& specs = domain::usage_fields();
  for (size_t i = 0; i < f.cols.size(); ++i) {
    f.cols[i].assign(n, specs[i].kind == UsageKind::kDate ? domain::kNoDate : 0);
  }
  const size_t np = present.size();
  const auto& rows = periods[p].rows;
  for (size_t j = 0; j < n; ++j) {
    uint32_t r = rows[begin + j];
    f.member_id[j] = member[r];
    f.customer_id[j] = customer[r];
    const int32_t* v = values.data() + static_cast<size_t>(r) * np;
    for (size_t k = 0; k < np; ++k) {
      f.cols[static_cast<size_t>(present[k])][j] = v[k] == kNoDate32 ? domain::kNoDate : v[k];
    }
  }
  return f;
}

Result<ParsedImport> parse_usage(std::string text, const MemberDirectory& members,
                                 const ImportOptions& o) {
  ParsedImport out;
  auto progress = [&](const std::string& phase, size_t done, size_t total) {
    if (o.progress) o.progress(phase, done, total);
  };
  progress("decoding", 0, text.size());
  text::Encoding enc;
  KAM_CHECK(text::make_utf8(text, &enc));
  out.encoding = text::encoding_name(enc);

  csv::Reader header_reader(text);
  std::vector<std::string_view> header;
  KAM_TRY(has_header, header_reader.next(header));
  if (!has_header)
    return Error::invalid("file", "the file is empty: it needs a header line and data rows");
  KAM_TRY(plan, make_plan(header, out.fields, out.columns_ignored));
  out.daily = plan.daily;
  std::vector<int> present;
  for (size_t i = 0; i < domain::usage_fields().size(); ++i) {
    if (out.fields.test(i)) present.push_back(static_cast<int>(i));
  }
  std::string number_header;
  for (const auto& c : plan.columns) {
    if (c.field == kNumberCol) number_header = c.header;
  }
  size_t body = header_reader.offset();
  size_t body_line = header_reader.line() + 1;

  unsigned threads = o.threads > 0 ? static_cast<unsigned>(o.threads)
                                   : std::max(1u, std::thread::hardware_concurrency());
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
        nl[k] = static_cast<size_t>(
            std::count(text.data() + ranges[k].first, text.data() + ranges[k].second, '\n'));
      });
    }
    for (auto& t : pool) t.join();
    size_t line = body_line;
    for (size_t k = 0; k < ranges.size(); ++k) {
      parts[k].first_line = line;
      line += nl[k];
      // Room for the rows up front: growing vectors of millions of rows copies them again and
      // again.
      parts[k].period.reserve(nl[k] + 1);
      parts[k].key.reserve(nl[k] + 1);
      parts[k].line.reserve(nl[k] + 1);
      parts[k].values.reserve((nl[k] + 1) * present.size());
    }
  }
  std::vector<std::thread> pool;
  Status quoted_status;
  for (size_t k = 0; k < ranges.size(); ++k) {
    pool.emplace_back([&, k] {
      RowParser rp(plan, o, parts[k], present);
      std::function<void(size_t)> tick;
      if (k == 0) {
        size_t share = ranges.size();
        tick = [&, share](size_t done) { progress("parsing", done * share, text.size() - body); };
      }
      if (!quoted) {
        parse_plain(text, ranges[k].first, ranges[k].second, parts[k].first_line, rp, tick);
      } else {
        csv::Reader r(std::string_view(text).substr(0, ranges[k].second));
        std::vector<std::string_view> f;
        auto first = r.next(f);  // the header
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
      }
      if (k == 0) progress("matching", 0, 0);
      match_members(parts[k], members, o, number_header);
    });
  }
  for (auto& t : pool) t.join();
  if (!quoted_status.ok()) return quoted_status.error();

  for (auto& p : parts) {
    out.rows += p.rows;
    out.rows_bad += p.bad;
    out.rows_skipped += p.skipped;
    out.issue_count += p.issue_count;
    for (auto& i : p.issues) out.issues.push_back(std::move(i));
  }
  if (out.rows == 0) return Error::invalid("file", "the file has a header but no data rows");

  // Concatenate the parts' good rows.
  progress("sorting", 0, 0);
  ParsedRows& d = out.data;
  d.present = present;
  const size_t np = present.size();
  size_t total = 0;
  for (const auto& p : parts) total += p.member.size();
  d.member.reserve(total);
  d.customer.reserve(total);
  d.values.reserve(total * np);
  std::vector<int32_t> period;
  std::vector<uint32_t> line;
  period.reserve(total);
  line.reserve(total);
  for (auto& p : parts) {
    if (std::find(p.member.begin(), p.member.end(), -1) == p.member.end()) {
      // No row dropped (the usual case): whole arrays at once.
      d.member.insert(d.member.end(), p.member.begin(), p.member.end());
      d.customer.insert(d.customer.end(), p.customer.begin(), p.customer.end());
      period.insert(period.end(), p.period.begin(), p.period.end());
      line.insert(line.end(), p.line.begin(), p.line.end());
      d.values.insert(d.values.end(), p.values.begin(), p.values.end());
      p = Part{};
      continue;
    }
    for (size_t i = 0; i < p.member.size(); ++i) {
      if (p.member[i] < 0) continue;
      d.member.push_back(p.member[i]);
      d.customer.push_back(p.customer[i]);
      period.push_back(p.period[i]);
      line.push_back(p.line[i]);
      d.values.insert(d.values.end(), p.values.begin() + static_cast<std::ptrdiff_t>(i * np),
                      p.values.begin() + static_cast<std::ptrdiff_t>((i + 1) * np));
    }
    p = Part{};  // free as we go
  }
  // Rows by period, then by member: counting placement on the dense member ids (one pass,
  // duplicates found on the way); a sort when the ids are sparse.
  std::map<int32_t, size_t> period_index;
  for (int32_t pr : period) period_index.emplace(pr, 0);
  for (auto& [pr, idx] : period_index) {
    idx = d.periods.size();
    d.periods.push_back({pr, {}});
  }
  int64_t max_id = 0;
  for (int64_t m : d.member) max_id = std::max(max_id, m);
  auto duplicate = [&](uint32_t later, uint32_t earlier) {
    ++out.rows_bad;
    ++out.issue_count;
    if (out.issues.size() < o.max_issues * 2) {
      out.issues.push_back({line[later], "",
                            "duplicate row: the same number and " +
                                std::string(plan.daily ? "date" : "month") + " as line " +
                                std::to_string(line[earlier])});
    }
  };
  if (static_cast<size_t>(max_id) <= 4 * d.member.size() + 1'000'000) {
    for (auto& per : d.periods) {
      std::vector<uint32_t> slot(static_cast<size_t>(max_id) + 1, UINT32_MAX);
      for (uint32_t r = 0; r < d.member.size(); ++r) {
        if (period[r] != per.period) continue;
        uint32_t& s = slot[static_cast<size_t>(d.member[r])];
        if (s != UINT32_MAX) {
          duplicate(std::max(r, s), std::min(r, s));
          s = std::min(r, s);
          continue;
        }
        s = r;
      }
      for (uint32_t s : slot) {
        if (s != UINT32_MAX) per.rows.push_back(s);
      }
    }
  } else {
    std::vector<uint32_t> order(d.member.size());
    for (uint32_t r = 0; r < order.size(); ++r) order[r] = r;
    std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
      if (period[a] != period[b]) return period[a] < period[b];
      return d.member[a] != d.member[b] ? d.member[a] < d.member[b] : a < b;
    });
    for (size_t j = 0; j < order.size(); ++j) {
      uint32_t r = order[j];
      if (j > 0 && period[order[j - 1]] == period[r] && d.member[order[j - 1]] == d.member[r]) {
        duplicate(r, order[j - 1]);
        continue;
      }
      d.periods[period_index[period[r]]].rows.push_back(r);
    }
  }
  std::sort(out.issues.begin(), out.issues.end(),
            [](const ImportIssue& a, const ImportIssue& b) { return a.line < b.line; });
  if (out.issues.size() > o.max_issues) out.issues.resize(o.max_issues);
  return out;
}

}  // namespace kam::engine
