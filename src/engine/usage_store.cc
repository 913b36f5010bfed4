#include "engine/usage_store.h"

#include <algorithm>
#include <thread>

#include "engine/chunk_codec.h"

namespace kam::engine {
namespace {

const char* chunks_table(Granularity g) {
  return g == Granularity::kMonth ? "usage_chunks" : "usage_daily_chunks";
}
const char* kind_name(Granularity g) {
  return g == Granularity::kMonth ? "month" : "day";
}

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

// Decodes blobs in parallel, each straight into its place in the frame.
Result<UsageFrame> decode_all(const std::vector<std::string>& blobs, int period,
                              const FieldMask& want) {
  std::vector<size_t> offset(blobs.size() + 1, 0);
  for (size_t i = 0; i < blobs.size(); ++i) {
    KAM_TRY(n, chunk_rows(blobs[i]));
    offset[i + 1] = offset[i] + n;
  }
  UsageFrame out;
  out.period = period;
  size_t total = offset.back();
  out.member_id.resize(total);
  out.customer_id.resize(total);
  for (size_t f = 0; f < out.cols.size(); ++f) {
    if (want.test(f)) out.cols[f].resize(total);
  }
  std::vector<Status> status(blobs.size());
  parallel_for(blobs.size(),
               [&](size_t i) { status[i] = decode_chunk_into(blobs[i], want, out, offset[i]); });
  for (const auto& st : status) {
    if (!st) return st.error();
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

namespace {

struct EncodedChunk {
  std::string blob;
  int64_t first = 0, last = 0, rows = 0, bill = 0;
  std::vector<int64_t> customers;  // distinct, sorted
};

EncodedChunk encode_rows(const UsageFrame& f, size_t b, size_t e) {
  EncodedChunk out;
  out.blob = encode_chunk(f, b, e);
  out.first = f.member_id[b];
  out.last = f.member_id[e - 1];
  out.rows = static_cast<int64_t>(e - b);
  const auto& bill = f.col(domain::UsageField::kBill);
  for (size_t i = b; i < e; ++i) out.bill += bill[i];
  out.customers.assign(f.customer_id.begin() + static_cast<std::ptrdiff_t>(b),
                       f.customer_id.begin() + static_cast<std::ptrdiff_t>(e));
  std::sort(out.customers.begin(), out.customers.end());
  out.customers.erase(std::unique(out.customers.begin(), out.customers.end()), out.customers.end());
  return out;
}

Status store_chunks(db::Connection& c, Granularity g, int period, std::vector<EncodedChunk>& chunks,
                    const FieldMask& fields, int64_t import_id, int64_t now) {
  std::string table = chunks_table(g);
  KAM_CHECK(c.exec("DELETE FROM " + table + " WHERE period = ?", {static_cast<int64_t>(period)}));
  std::string insert =
      "INSERT INTO " + table +
      "(period, chunk, first_member, last_member, row_count, data) VALUES (?, ?, ?, ?, ?, ?)";
  int64_t rows = 0, bill = 0;
  std::vector<int64_t> customers;
  for (size_t k = 0; k < chunks.size(); ++k) {
    auto& ch = chunks[k];
    rows += ch.rows;
    bill += ch.bill;
    customers.insert(customers.end(), ch.customers.begin(), ch.customers.end());
    KAM_CHECK(c.exec(insert, {static_cast<int64_t>(period), static_cast<int64_t>(k), ch.first,
                              ch.last, ch.rows, db::Blob{std::move(ch.blob)}}));
  }
  std::sort(customers.begin(), customers.end());
  int64_t ncust = std::unique(customers.begin(), customers.end()) - customers.begin();
  KAM_CHECK(c.exec("DELETE FROM usage_periods WHERE kind = ? AND period = ?",
                   {kind_name(g), static_cast<int64_t>(period)}));
  KAM_CHECK(
      c.exec("INSERT INTO usage_periods(kind, period, row_count, customer_count, bill_fen, fields, "
             "import_id, imported_at) "
             "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
             {kind_name(g), static_cast<int64_t>(period), rows, ncust, bill,
              static_cast<int64_t>(fields.to_ullong()),
              import_id ? db::Value(import_id) : db::Value(nullptr), now}));
  return {};
}

}  // namespace

Status write_period(db::Connection& c, Granularity g, const UsageFrame& f, const FieldMask& fields,
                    int64_t import_id, int64_t now) {
  size_t nchunks = (f.size() + kChunkRows - 1) / kChunkRows;
  std::vector<EncodedChunk> chunks(nchunks);
  parallel_for(nchunks, [&](size_t k) {
    chunks[k] = encode_rows(f, k * kChunkRows, std::min(f.size(), (k + 1) * kChunkRows));
  });
  return store_chunks(c, g, f.period, chunks, fields, import_id, now);
}

Status write_period_slices(db::Connection& c, Granularity g, int period, size_t rows,
                           const std::function<UsageFrame(size_t, size_t)>& slice,
                           const FieldMask& fields, int64_t import_id, int64_t now) {
  size_t nchunks = (rows + kChunkRows - 1) / kChunkRows;
  std::vector<EncodedChunk> chunks(nchunks);
  parallel_for(nchunks, [&](size_t k) {
    UsageFrame f = slice(k * kChunkRows, std::min(rows, (k + 1) * kChunkRows));
    chunks[k] = encode_rows(f, 0, f.size());
  });
  return store_chunks(c, g, period, chunks, fields, import_id, now);
}

Result<UsageFrame> read_period(db::Connection& c, Granularity g, int period,
                               const FieldMask& want) {
  std::vector<std::string> blobs;
  KAM_CHECK(c.scan(
      std::string("SELECT data FROM ") + chunks_table(g) + " WHERE period = ? ORDER BY chunk",
      {static_cast<int64_t>(period)}, [&](const db::RowRef& r) { blobs.push_back(r.blob(0)); }));
  return decode_all(blobs, period, want);
}

Result<UsageFrame> read_members(db::Connection& c, Granularity g, int period,
                                std::span<const int64_t> ids, const FieldMask& want) {
  UsageFrame out;
  out.period = period;
  if (ids.empty()) return out;
  // The chunks whose id range may hold the members: those ending at or after the smallest id
  // and starting at or before the largest.
  std::vector<std::string> blobs;
  KAM_CHECK(
      c.scan(std::string("SELECT data FROM ") + chunks_table(g) +
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
  KAM_TRY(rows, c.query("SELECT period, row_count, customer_count, bill_fen, fields, imported_at, "
                        "computed_at FROM usage_periods "
                        "WHERE kind = ? ORDER BY period",
                        {kind_name(g)}));
  std::vector<PeriodInfo> out;
  for (const auto& r : rows) out.push_back(period_from_row(r));
  return out;
}

Result<std::optional<PeriodInfo>> period_info(db::Connection& c, Granularity g, int period) {
  KAM_TRY(row, c.query_one("SELECT period, row_count, customer_count, bill_fen, fields, "
                           "imported_at, computed_at FROM "
                           "usage_periods WHERE kind = ? AND period = ?",
                           {kind_name(g), static_cast<int64_t>(period)}));
  if (!row) return std::optional<PeriodInfo>{};
  return std::optional<PeriodInfo>(period_from_row(*row));
}

}  // namespace kam::engine
