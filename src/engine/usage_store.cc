#include "engine/usage_store.h"

#include <algorithm>
#include <thread>

#include "engine/chunk_codec.h"

namespace kam::engine {
namespace {

const char* chunks_table(Granularity g) { return g == Granularity::kMonth ? "usage_chunks" : "usage_daily_chunks"; }
const char* kind_name(Granularity g) { return g == Granularity::kMonth ? "month" : "day"; }

// Runs fn(i) for i in [0, n) on up to `threads` threads.
template <class Fn>
void parallel_for(size_t n, Fn fn) {
  unsigned threads = std::min<size_t>(std::max(1u, std::thread::hardware_concurrency()), n);
  if (threads <= 1) {
    for (size_t i = 0; i < n; ++i) fn(i);
    return;
  }
  std::atomic<size_t> next{0};
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      for (size_t i; (i = next.fetch_add(1)) < n;) fn(i);
    });
  }
  for (auto& t : pool) t.join();
}

// Decodes blobs in parallel, then concatenates them in order.
Result<UsageFrame> decode_all(const std::vector<std::string>& blobs, int period, const FieldMask& want) {
  std::vector<UsageFrame> parts(blobs.size());
  std::vector<Status> status(blobs.size());
  parallel_for(blobs.size(), [&](size_t i) { status[i] = decode_chunk(blobs[i], want, parts[i]); });
  UsageFrame out;
  out.period = period;
  size_t total = 0;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (!status[i]) return status[i].error();
    total += parts[i].size();
  }
  out.member_id.reserve(total);
  out.customer_id.reserve(total);
  for (size_t f = 0; f < out.cols.size(); ++f) {
    if (want.test(f)) out.cols[f].reserve(total);
  }
  for (auto& p : parts) {
    out.member_id.insert(out.member_id.end(), p.member_id.begin(), p.member_id.end());
    out.customer_id.insert(out.customer_id.end(), p.customer_id.begin(), p.customer_id.end());
    for (size_t f = 0; f < out.cols.size(); ++f) {
      if (want.test(f)) out.cols[f].insert(out.cols[f].end(), p.cols[f].begin(), p.cols[f].end());
    }
  }
  return out;
}

PeriodInfo period_from_row(const db::Row& r) {
  PeriodInfo p;
  p.period = static_cast<int>(r.i64(0));
  p.rows = r.i64(1);
  p.customers = r.i64(2);
  p.bill_fen = r.i64(3);
  p.fields = FieldMask(static_cast<unsigned long long>(r.i64(4)));
  p.imported_at = r.i64(5);
  p.computed_at = r.opt_i64(6);
  return p;
}

}  // namespace

Status write_period(db::Connection& c, Granularity g, const UsageFrame& f, const FieldMask& fields, int64_t import_id,
                    int64_t now) {
  std::string table = chunks_table(g);
  size_t nchunks = (f.size() + kChunkRows - 1) / kChunkRows;
  std::vector<std::string> blobs(nchunks);
  parallel_for(nchunks, [&](size_t k) {
    blobs[k] = encode_chunk(f, k * kChunkRows, std::min(f.size(), (k + 1) * kChunkRows));
  });
  KAM_CHECK(c.exec("DELETE FROM " + table + " WHERE period = ?", {static_cast<int64_t>(f.period)}));
  std::string insert = "INSERT INTO " + table + "(period, chunk, first_member, last_member, row_count, data) VALUES (?, ?, ?, ?, ?, ?)";
  for (size_t k = 0; k < nchunks; ++k) {
    size_t b = k * kChunkRows, e = std::min(f.size(), (k + 1) * kChunkRows);
    KAM_CHECK(c.exec(insert, {static_cast<int64_t>(f.period), static_cast<int64_t>(k), f.member_id[b], f.member_id[e - 1],
                              static_cast<int64_t>(e - b), db::Blob{std::move(blobs[k])}}));
  }
  int64_t bill = 0;
  const auto& bills = f.col(domain::UsageField::kBill);
  for (int64_t v : bills) bill += v;
  std::vector<int64_t> customers(f.customer_id);
  std::sort(customers.begin(), customers.end());
  int64_t ncust = std::unique(customers.begin(), customers.end()) - customers.begin();
  KAM_CHECK(c.exec("DELETE FROM usage_periods WHERE kind = ? AND period = ?", {kind_name(g), static_cast<int64_t>(f.period)}));
  KAM_CHECK(c.exec("INSERT INTO usage_periods(kind, period, row_count, customer_count, bill_fen, fields, import_id, imported_at) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                   {kind_name(g), static_cast<int64_t>(f.period), static_cast<int64_t>(f.size()), ncust, bill,
                    static_cast<int64_t>(fields.to_ullong()), import_id ? db::Value(import_id) : db::Value(nullptr), now}));
  return {};
}

Result<UsageFrame> read_period(db::Connection& c, Granularity g, int period, const FieldMask& want) {
  std::vector<std::string> blobs;
  KAM_CHECK(c.scan(std::string("SELECT data FROM ") + chunks_table(g) + " WHERE period = ? ORDER BY chunk",
                   {static_cast<int64_t>(period)}, [&](const db::RowRef& r) { blobs.push_back(r.blob(0)); }));
  return decode_all(blobs, period, want);
}

Result<UsageFrame> read_members(db::Connection& c, Granularity g, int period, std::span<const int64_t> ids,
                                const FieldMask& want) {
  UsageFrame out;
  out.period = period;
  if (ids.empty()) return out;
  // The chunks whose id range may hold the members: those ending at or after the smallest id
  // and starting at or before the largest.
  std::vector<std::string> blobs;
  KAM_CHECK(c.scan(std::string("SELECT data FROM ") + chunks_table(g) +
                       " WHERE period = ? AND last_member >= ? AND first_member <= ? ORDER BY chunk",
                   {static_cast<int64_t>(period), ids.front(), ids.back()},
                   [&](const db::RowRef& r) { blobs.push_back(r.blob(0)); }));
  KAM_TRY(all, decode_all(blobs, period, want));
  out.reserve(ids.size());
  for (int64_t id : ids) {
    int64_t r = all.find(id);
    if (r >= 0) out.append_row(all, static_cast<size_t>(r));
  }
  return out;
}

Result<std::vector<PeriodInfo>> list_periods(db::Connection& c, Granularity g) {
  KAM_TRY(rows, c.query("SELECT period, row_count, customer_count, bill_fen, fields, imported_at, computed_at FROM usage_periods "
                        "WHERE kind = ? ORDER BY period",
                        {kind_name(g)}));
  std::vector<PeriodInfo> out;
  for (const auto& r : rows) out.push_back(period_from_row(r));
  return out;
}

Result<std::optional<PeriodInfo>> period_info(db::Connection& c, Granularity g, int period) {
  KAM_TRY(row, c.query_one("SELECT period, row_count, customer_count, bill_fen, fields, imported_at, computed_at FROM "
                           "usage_periods WHERE kind = ? AND period = ?",
                           {kind_name(g), static_cast<int64_t>(period)}));
  if (!row) return std::optional<PeriodInfo>{};
  return std::optional<PeriodInfo>(period_from_row(*row));
}

}  // namespace kam::engine
