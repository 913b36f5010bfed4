#include "engine/zone_store.h"

#include <zstd.h>

#include <algorithm>
#include <cstring>

namespace kam::engine {
namespace {

constexpr size_t kRows = 8192;

void put_varint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out += static_cast<char>((v & 0x7F) | 0x80);
    v >>= 7;
  }
  out += static_cast<char>(v);
}

std::string encode(const Column& ids, const std::vector<int8_t>& zones, size_t b, size_t e) {
  std::string raw;
  uint32_t n = static_cast<uint32_t>(e - b);
  raw.append(reinterpret_cast<const char*>(&n), 4);
  int64_t prev = 0;
  for (size_t i = b; i < e; ++i) {
    put_varint(raw, static_cast<uint64_t>(ids[i] - prev));
    prev = ids[i];
  }
  for (size_t i = b; i < e; ++i) raw += static_cast<char>(zones[i]);
  std::string out(ZSTD_compressBound(raw.size()) + 4, '\0');
  uint32_t raw_len = static_cast<uint32_t>(raw.size());
  std::memcpy(out.data(), &raw_len, 4);
  size_t z = ZSTD_compress(out.data() + 4, out.size() - 4, raw.data(), raw.size(), 1);
  out.resize(ZSTD_isError(z) ? 4 : z + 4);
  return out;
}

Status decode(const std::string& blob, std::vector<std::pair<int64_t, int8_t>>& out) {
  auto damaged = [] { return Error::internal("damaged member zone chunk"); };
  if (blob.size() < 4) return damaged();
  uint32_t raw_len;
  std::memcpy(&raw_len, blob.data(), 4);
  if (raw_len > 64 * kRows) return damaged();
  std::string raw(raw_len, '\0');
  size_t z = ZSTD_decompress(raw.data(), raw.size(), blob.data() + 4, blob.size() - 4);
  if (ZSTD_isError(z) || z != raw_len || raw_len < 4) return damaged();
  uint32_t n;
  std::memcpy(&n, raw.data(), 4);
  if (n > kRows) return damaged();
  size_t at = 4;
  std::vector<int64_t> ids(n);
  int64_t prev = 0;
  for (uint32_t i = 0; i < n; ++i) {
    uint64_t v = 0;
    int shift = 0;
    for (;;) {
      if (at >= raw.size() || shift > 63) return damaged();
      uint8_t byte = static_cast<uint8_t>(raw[at++]);
      v |= static_cast<uint64_t>(byte & 0x7F) << shift;
      if (!(byte & 0x80)) break;
      shift += 7;
    }
    prev += static_cast<int64_t>(v);
    ids[i] = prev;
  }
  if (raw.size() - at != n) return damaged();
  for (uint32_t i = 0; i < n; ++i) out.emplace_back(ids[i], static_cast<int8_t>(raw[at + i]));
  return {};
}

}  // namespace

Status write_member_zones(db::Connection& c, int month, const Column& ids,
                          const std::vector<int8_t>& zones) {
  KAM_CHECK(c.exec("DELETE FROM member_zones WHERE month = ?", {static_cast<int64_t>(month)}));
  for (size_t b = 0, k = 0; b < ids.size(); b += kRows, ++k) {
    size_t e = std::min(ids.size(), b + kRows);
    KAM_CHECK(
        c.exec("INSERT INTO member_zones(month, chunk, first_member, last_member, row_count, data) "
               "VALUES (?, ?, ?, ?, ?, ?)",
               {static_cast<int64_t>(month), static_cast<int64_t>(k), ids[b], ids[e - 1],
                static_cast<int64_t>(e - b), db::Blob{encode(ids, zones, b, e)}}));
  }
  return {};
}

Result<std::vector<std::pair<int64_t, int8_t>>> read_member_zones(db::Connection& c, int month,
                                                                  std::span<const int64_t> ids) {
  std::vector<std::pair<int64_t, int8_t>> all, out;
  if (ids.empty()) return out;
  std::vector<std::string> blobs;
  KAM_CHECK(
      c.scan("SELECT data FROM member_zones WHERE month = ? AND last_member >= ? AND first_member "
             "<= ? ORDER BY chunk",
             {static_cast<int64_t>(month), ids.front(), ids.back()},
             [&](const db::RowRef& r) { blobs.push_back(r.blob(0)); }));
  for (const auto& b : blobs) KAM_CHECK(decode(b, all));
  for (int64_t id : ids) {
    auto it = std::lower_bound(all.begin(), all.end(), std::pair<int64_t, int8_t>{id, INT8_MIN});
    if (it != all.end() && it->first == id) out.push_back(*it);
  }
  return out;
}

}  // namespace kam::engine
