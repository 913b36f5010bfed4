#include "engine/cdr_import.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <thread>

#include "common/clock.h"
#include "common/csv.h"
#include "common/text_encoding.h"
#include "engine/cdr_aggregate.h"

namespace kam::engine {
namespace {

using domain::Operator;

enum Role : int {
  kCaller = 0,
  kCallee = 1,
  kOperator = 2,
  kStart = 3,
  kDuration = 4,
  kIgnored = -1
};
constexpr size_t kRoles = 5;
constexpr int64_t kMaxDuration = 86'400;  // switches split longer calls into several records
constexpr size_t kMaxFields = 64;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// numeric_key() of a CDR number in one pass (what cdr_number() accepts), 0 when it is not one.
uint64_t number_key(std::string_view s) {
  if (!s.empty() && (s.front() == ' ' || s.back() == ' ' || s.front() == '\t' || s.back() == '\t'))
    s = trim(s);
  if (s.size() > 3 && s[0] == '+' && s[1] == '8' && s[2] == '6') s.remove_prefix(3);
  if (s.size() < 3 || s.size() > 15) return 0;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return 0;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  return (static_cast<uint64_t>(s.size()) << 56) | v;
}

// Reads 1..max_digits digits at `p`; answers the value or -1.
int read_digits(std::string_view s, size_t& p, size_t min_digits, size_t max_digits) {
  int v = 0;
  size_t n = 0;
  while (p < s.size() && n < max_digits && s[p] >= '0' && s[p] <= '9') {
    v = v * 10 + (s[p] - '0');
    ++p;
    ++n;
  }
  return n >= min_digits ? v : -1;
}

// "2026-10-03", "2026/10/3", "20261003" -> slot, or -1.
int date_slot(std::string_view d) {
  int y, m, day;
  if (d.size() == 8 && d.find_first_not_of("0123456789") == std::string_view::npos) {
    y = std::stoi(std::string(d.substr(0, 4)));
    m = std::stoi(std::string(d.substr(4, 2)));
    day = std::stoi(std::string(d.substr(6, 2)));
  } else {
    size_t p = 0;
    y = read_digits(d, p, 4, 4);
    if (y < 0 || p >= d.size() || (d[p] != '-' && d[p] != '/')) return -1;
    char sep = d[p++];
    m = read_digits(d, p, 1, 2);
    if (m < 0 || p >= d.size() || d[p] != sep) return -1;
    ++p;
    day = read_digits(d, p, 1, 2);
    if (day < 0 || p != d.size()) return -1;
  }
  if (y < kCdrFirstYear || y >= kCdrFirstYear + 100 || m < 1 || m > 12 || day < 1) return -1;
  if (day > domain::days_in_month(y * 100 + m)) return -1;
  return (y - kCdrFirstYear) * 12 + m - 1;
}

// "08:12:45", "8:05", "08:12:45.250", "081245" (after a 14-digit date) -> valid?
bool valid_time(std::string_view t) {
  if (t.size() == 6 && t.find_first_not_of("0123456789") == std::string_view::npos) {
    int h = std::stoi(std::string(t.substr(0, 2))), m = std::stoi(std::string(t.substr(2, 2)));
    int s = std::stoi(std::string(t.substr(4, 2)));
    return h <= 23 && m <= 59 && s <= 60;
  }
  size_t p = 0;
  int h = read_digits(t, p, 1, 2);
  if (h < 0 || h > 23 || p >= t.size() || t[p] != ':') return false;
  ++p;
  int m = read_digits(t, p, 2, 2);
  if (m < 0 || m > 59) return false;
  if (p == t.size()) return true;
  if (t[p] != ':') return false;
  ++p;
  int s = read_digits(t, p, 2, 2);
  if (s < 0 || s > 60) return false;
  if (p < t.size() && t[p] == '.') {
    ++p;
    if (read_digits(t, p, 1, 9) < 0) return false;
  }
  return p == t.size();
}

// Splits a start time into its date and time parts.
bool split_start(std::string_view t, std::string_view& date, std::string_view& time) {
  if (t.size() >= 11 && (t[10] == ' ' || t[10] == 'T')) {  // the usual "YYYY-MM-DD hh:mm:ss"
    date = t.substr(0, 10);
    time = t.substr(11);
    return true;
  }
  if (t.size() == 14 && t.find_first_not_of("0123456789") == std::string_view::npos) {
    date = t.substr(0, 8);
    time = t.substr(8);
    return true;
  }
  size_t sp = t.find_first_of(" T");
  date = t.substr(0, sp);
  time = sp == std::string_view::npos ? std::string_view() : trim(t.substr(sp + 1));
  return true;
}

struct Plan {
  std::vector<int> role;  // per file column
  size_t ncols = 0;
  std::array<std::string, kRoles> header;  // as written in the file
};

// One thread's share: its counted calls radix-partitioned by member, its counters and issues.
struct Part : CdrCounts {
  std::vector<ImportIssue> issues;  // lines relative to the part in the parallel path
  size_t issue_count = 0, rows = 0, bad = 0, on_net = 0, other_callers = 0, counted = 0, lines = 0;
  bool quoted = false;    // a quoted field: the file needs the careful path
  bool not_utf8 = false;  // an operator name that is not UTF-8: the file is GBK after all
};

class RowParser {
 public:
  RowParser(const Plan& plan, const CdrOptions& o, const MemberDirectory& dir, Part& part)
      : plan_(plan), o_(o), dir_(dir), part_(part) {}
  ~RowParser() { flush(); }

  // `nf` fields at `f` (only read when it matches the header, which has at most kMaxFields).
  void row(const std::string_view* f, size_t nf, size_t line) {
    ++part_.rows;
    bool bad = false;
    auto issue = [&](int role, std::string reason) {
      bad = true;
      ++part_.issue_count;
      if (part_.issues.size() < o_.max_issues) {
        part_.issues.push_back({line,
                                role < 0 ? std::string() : plan_.header[static_cast<size_t>(role)],
                                std::move(reason)});
      }
    };
    if (nf != plan_.ncols) {
      issue(-1,
            "has " + std::to_string(nf) + " fields, the header has " + std::to_string(plan_.ncols));
      ++part_.bad;
      return;
    }
    std::string_view v[kRoles];
    for (size_t c = 0; c < nf; ++c) {
      int r = plan_.role[c];
      if (r >= 0) v[r] = f[c];
    }
    uint64_t caller = number_key(v[kCaller]);
    if (!caller) issue(kCaller, quote(v[kCaller]) + " is not a phone number");
    uint64_t callee = number_key(v[kCallee]);
    if (!callee) issue(kCallee, quote(v[kCallee]) + " is not a phone number");
    Operator op = Operator::kOther;
    if (const Operator* known = known_operator(v[kOperator])) {
      op = *known;
    } else if (auto parsed = domain::parse_operator(v[kOperator])) {
      op = *parsed;
      // A file spells its operators a handful of ways: remember each spelling.
      if (ops_.size() < 16) ops_.emplace_back(std::string(v[kOperator]), op);
    } else {
      if (!text::valid_utf8(v[kOperator])) part_.not_utf8 = true;
      issue(kOperator, "unknown operator " + quote(v[kOperator]) +
                           " (中国移动, 中国联通, 中国电信, 中国广电, 其他 or cmcc, unicom, "
                           "telecom, broadnet, other)");
    }
    int slot = month_of(trim(v[kStart]));
    if (slot == -1) {
      issue(kStart, quote(v[kStart]) + " is not a start time (YYYY-MM-DD HH:MM:SS)");
    } else if (slot == -2) {
      issue(kStart, quote(v[kStart]) + " is in the future");
    }
    int64_t secs = duration(trim(v[kDuration]));
    if (secs == -1) issue(kDuration, quote(v[kDuration]) + " is not a whole number of seconds");
    if (secs == -2)
      issue(kDuration, quote(v[kDuration]) + " is implausibly long (more than 24 hours)");
    if (bad) {
      ++part_.bad;
      return;
    }
    ++part_.month_rows[static_cast<size_t>(slot)];
    if (op == o_.home) {
      ++part_.on_net;
      return;
    }
    // Matching the caller waits for a small batch: the lookups are prefetched ahead.
    Pending& p = pending_[npending_++];
    p.caller = caller;
    p.callee = callee | (static_cast<uint64_t>(op) << 60);
    p.slot = static_cast<uint16_t>(slot);
    p.minutes = static_cast<uint16_t>((secs + 59) / 60);
    if (npending_ == kBatch) flush();
  }

  void flush() {
    constexpr size_t kAhead = 12;
    for (size_t i = 0; i < std::min(kAhead, npending_); ++i) dir_.prefetch(pending_[i].caller);
    for (size_t i = 0; i < npending_; ++i) {
      if (i + kAhead < npending_) dir_.prefetch(pending_[i + kAhead].caller);
      const Pending& p = pending_[i];
      const MemberRef* ref = dir_.find_key(p.caller);
      if (!ref) {
        ++part_.other_callers;
        continue;
      }
      ++part_.counted;
      ++part_.month_counted[p.slot];
      part_.add({p.callee, static_cast<uint32_t>(ref->member_id), p.slot, p.minutes});
    }
    npending_ = 0;
  }

 private:
  static std::string quote(std::string_view s) {
    s = trim(s);
    std::string out(s.substr(0, 40));
    // Keep issue texts valid UTF-8 whatever the bytes (they travel as JSON).
    size_t bad = 0;
    while (!text::valid_utf8(out, &bad)) out.erase(bad, 1);
    return "'" + out + "'";
  }

  // Slot of the start time's month; -1 not a time, -2 in the future.
  int month_of(std::string_view t) {
    std::string_view date, time;
    split_start(t, date, time);
    int slot;
    if (date == last_date_text_ && last_slot_ >= 0) {
      slot = last_slot_;  // calls come in time order: the same day again and again
    } else {
      slot = date_slot(date);
      if (slot < 0) return -1;
      last_date_text_.assign(date);
      last_slot_ = slot;
    }
    if (!time.empty() && !valid_time(time)) return -1;
    if (o_.latest_month && cdr_slot_month(static_cast<size_t>(slot)) > o_.latest_month) return -2;
    return slot;
  }

  static int64_t duration(std::string_view s) {
    if (s.empty()) return -1;
    int64_t v = 0;
    size_t i = 0;
    for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
      v = v * 10 + (s[i] - '0');
      if (v > kMaxDuration) return -2;
    }
    if (i == 0) return -1;
    if (i < s.size() && s[i] == '.') {  // "125.0" is still whole seconds
      for (size_t k = i + 1; k < s.size(); ++k) {
        if (s[k] != '0') return -1;
      }
      return v;
    }
    return i == s.size() ? v : -1;
  }

  struct Pending {
    uint64_t caller, callee;
    uint16_t slot, minutes;
  };
  static constexpr size_t kBatch = 64;

  const Plan& plan_;
  const CdrOptions& o_;
  const MemberDirectory& dir_;
  Part& part_;
  std::array<Pending, kBatch> pending_;
  size_t npending_ = 0;
  const Operator* known_operator(std::string_view text) const {
    for (const auto& [spelling, op] : ops_) {
      if (spelling == text) return &op;
    }
    return nullptr;
  }

  std::vector<std::pair<std::string, Operator>> ops_;  // spellings seen in this file
  std::string last_date_text_;
  int last_slot_ = -1;
};

// Parses the unquoted lines in [b, e) of `text`, numbering them from 1 within the part.
void parse_plain(std::string_view text, size_t b, size_t e, Part& part, RowParser& rp,
                 const std::function<void(size_t)>& tick) {
  const char* s = text.data();
  const char* p = s + b;
  const char* end = s + e;
  std::array<std::string_view, kMaxFields + 1> fields;
  size_t line = 0, rows = 0;
  while (p < end) {
    const char* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
    const char* le = nl ? nl : end;
    const char* stop = le > p && le[-1] == '\r' ? le - 1 : le;
    ++line;
    if (stop > p) {
      size_t nf = 0;
      const char* f = p;
      if (*f == '"') {
        part.quoted = true;
        return;
      }
      for (const char* q = p; q < stop; ++q) {
        if (*q != ',') continue;
        if (nf < kMaxFields) fields[nf] = std::string_view(f, static_cast<size_t>(q - f));
        ++nf;
        f = q + 1;
        if (f < stop && *f == '"') {
          part.quoted = true;
          return;
        }
      }
      if (nf < kMaxFields) fields[nf] = std::string_view(f, static_cast<size_t>(stop - f));
      ++nf;
      // Only the first kMaxFields fields are kept: a row with more never matches the header.
      rp.row(fields.data(), nf, line);
      if ((++rows & 0xFFFF) == 0 && tick) tick(static_cast<size_t>(p - s) - b);
    }
    p = le + 1;
  }
  part.lines = line;
}

Result<Plan> make_plan(const std::vector<std::string_view>& header,
                       std::vector<std::string>& ignored) {
  std::vector<csv::Column> wanted = {
      {"caller",
       {"主叫号码", "主叫", "本机号码", "calling_number", "caller_number", "calling", "a_number",
        "msisdn"},
       true},
      {"callee",
       {"被叫号码", "被叫", "对端号码", "对方号码", "called_number", "callee_number", "called",
        "b_number"},
       true},
      {"callee_operator",
       {"被叫运营商", "对端运营商", "对方运营商", "运营商", "operator", "called_operator",
        "callee_carrier", "carrier"},
       true},
      {"start_time",
       {"开始时间", "通话开始时间", "起始时间", "通话时间", "call_start", "start", "begin_time",
        "start_at"},
       true},
      {"duration",
       {"通话时长", "时长", "通话时长(秒)", "通话时长（秒）", "duration_s", "duration_seconds",
        "seconds", "call_duration"},
       true},
  };
  KAM_TRY(idx, csv::map_header(header, wanted));
  Plan plan;
  plan.ncols = header.size();
  plan.role.assign(header.size(), kIgnored);
  for (size_t r = 0; r < kRoles; ++r) {
    plan.role[static_cast<size_t>(idx[r])] = static_cast<int>(r);
    plan.header[r] = std::string(trim(header[static_cast<size_t>(idx[r])]));
  }
  for (size_t h = 0; h < header.size(); ++h) {
    if (plan.role[h] == kIgnored) ignored.emplace_back(trim(header[h]));
  }
  if (header.size() > kMaxFields)
    return Error::invalid("file", "the header has more than 64 columns");
  return plan;
}

std::vector<std::pair<size_t, size_t>> split_lines(std::string_view text, size_t begin, size_t n) {
  std::vector<std::pair<size_t, size_t>> parts;
  size_t size = text.size() - begin, at = begin;
  for (size_t k = 0; k < n && at < text.size(); ++k) {
    size_t end = k + 1 == n ? text.size() : std::max(at, begin + size * (k + 1) / n);
    while (end < text.size() && (end == 0 || text[end - 1] != '\n')) ++end;
    if (end > at) parts.emplace_back(at, end);
    at = end;
  }
  return parts;
}

// Parses UTF-8 text; answers whether the file turned out not to be UTF-8 (`retry_as_gbk`).
Result<ParsedCdrs> parse_text(std::string_view text, const MemberDirectory& members,
                              const CdrOptions& o, bool& retry_as_gbk) {
  auto progress = [&](const std::string& phase, size_t done, size_t total) {
    if (o.progress) o.progress(phase, done, total);
  };
  ParsedCdrs out;
  csv::Reader header_reader(text);
  std::vector<std::string_view> header;
  KAM_TRY(has_header, header_reader.next(header));
  if (!has_header)
    return Error::invalid("file", "the file is empty: it needs a header line and data rows");
  KAM_TRY(plan, make_plan(header, out.columns_ignored));
  if (members.max_member_id() >= (int64_t{1} << 32))
    return Error::internal("member ids beyond 32 bits");
  size_t body = header_reader.offset();
  size_t body_line = header_reader.line() + 1;

  unsigned threads = o.threads > 0 ? static_cast<unsigned>(o.threads)
                                   : std::max(1u, std::thread::hardware_concurrency());
  auto ranges = split_lines(text, body, threads);
  std::vector<Part> parts(ranges.size());
  {
    std::vector<std::thread> pool;
    for (size_t k = 0; k < ranges.size(); ++k) {
      pool.emplace_back([&, k] {
        RowParser rp(plan, o, members, parts[k]);
        std::function<void(size_t)> tick;
        if (k == 0) {
          size_t share = ranges.size();
          tick = [&, share](size_t done) {
            progress("parsing", std::min(done * share, text.size() - body), text.size() - body);
          };
        }
        parse_plain(text, ranges[k].first, ranges[k].second, parts[k], rp, tick);
      });
    }
    for (auto& t : pool) t.join();
  }
  bool quoted = std::any_of(parts.begin(), parts.end(), [](const Part& p) { return p.quoted; });
  if (quoted) {
    // Quoted fields may hold commas and line breaks: one careful pass with the CSV reader.
    parts.assign(1, Part{});
    RowParser rp(plan, o, members, parts[0]);
    csv::Reader r(text);
    std::vector<std::string_view> f;
    KAM_CHECK(r.next(f));  // the header
    size_t rows = 0;
    for (;;) {
      KAM_TRY(more, r.next(f));
      if (!more) break;
      rp.row(f.data(), f.size(), r.line());
      if ((++rows & 0xFFFF) == 0) progress("parsing", r.offset() - body, text.size() - body);
    }
  } else {
    // Issue lines were counted within each part: make them lines of the file.
    size_t first = body_line;
    for (auto& p : parts) {
      for (auto& i : p.issues) i.line += first - 1;
      first += p.lines;
    }
  }
  for (const auto& p : parts) {
    if (p.not_utf8) {
      retry_as_gbk = true;
      return out;
    }
  }
  for (auto& p : parts) {
    out.rows += p.rows;
    out.rows_bad += p.bad;
    out.rows_on_net += p.on_net;
    out.rows_other_callers += p.other_callers;
    out.rows_counted += p.counted;
    out.issue_count += p.issue_count;
    for (auto& i : p.issues) out.issues.push_back(std::move(i));
  }
  if (out.rows == 0) return Error::invalid("file", "the file has a header but no data rows");
  std::sort(out.issues.begin(), out.issues.end(),
            [](const ImportIssue& a, const ImportIssue& b) { return a.line < b.line; });
  if (out.issues.size() > o.max_issues) out.issues.resize(o.max_issues);
  if (out.rows_bad > 0) return out;  // nothing to aggregate: the file is refused
  progress("aggregating", 0, 0);
  std::vector<CdrCounts*> counts;
  for (auto& p : parts) counts.push_back(&p);
  aggregate_cdrs(counts, o.store_min_calls, std::max<unsigned>(1, threads), out);
  return out;
}

}  // namespace

std::optional<std::string_view> cdr_number(std::string_view s) {
  s = trim(s);
  if (s.size() > 3 && s.substr(0, 3) == "+86") s.remove_prefix(3);
  if (s.size() < 3 || s.size() > 15) return std::nullopt;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  return s;
}

std::optional<int> cdr_month(std::string_view text) {
  std::string_view date, time;
  split_start(trim(text), date, time);
  int slot = date_slot(date);
  if (slot < 0 || (!time.empty() && !valid_time(time))) return std::nullopt;
  return cdr_slot_month(static_cast<size_t>(slot));
}

Result<ParsedCdrs> parse_cdrs(std::string_view bytes, const MemberDirectory& members,
                              const CdrOptions& o) {
  if (bytes.size() >= 3 && bytes.substr(0, 3) == "\xEF\xBB\xBF") bytes.remove_prefix(3);
  // Operators' exports are UTF-8 or GBK. The head decides; an operator name further down that is
  // not UTF-8 (an ASCII head, GBK below) sends the whole file through GB18030 decoding.
  size_t head = std::min<size_t>(bytes.size(), 1 << 16);
  while (head < bytes.size() && head > 0 && bytes[head - 1] != '\n') --head;
  if (head == 0) head = bytes.size();
  bool gbk = !text::valid_utf8(bytes.substr(0, head));
  if (!gbk) {
    bool retry = false;
    KAM_TRY(parsed, parse_text(bytes, members, o, retry));
    if (!retry) {
      parsed.encoding = text::encoding_name(text::Encoding::kUtf8);
      return parsed;
    }
  }
  if (o.progress) o.progress("decoding", 0, bytes.size());
  text::Encoding enc;
  KAM_TRY(utf8, text::to_utf8(bytes, &enc));
  bool retry = false;
  KAM_TRY(parsed, parse_text(utf8, members, o, retry));
  if (retry) return Error::invalid("callee_operator", "operator names are neither UTF-8 nor GBK");
  parsed.encoding = text::encoding_name(enc);
  return parsed;
}

}  // namespace kam::engine
