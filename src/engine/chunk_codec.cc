#include "engine/chunk_codec.h"

#include <zstd.h>

#include <algorithm>
#include <cstring>

namespace kam::engine {
namespace {

constexpr char kMagic[4] = {'K', 'U', 'C', '1'};
constexpr uint16_t kMemberIdCol = 1000, kCustomerIdCol = 1001;
constexpr uint8_t kHasNull = 1, kZstd = 2;

template <class T>
void put(std::string& out, T v) {
  char b[sizeof(T)];
  std::memcpy(b, &v, sizeof(T));
  out.append(b, sizeof(T));
}

struct Cursor {
  std::string_view in;
  bool ok = true;
  template <class T>
  T get() {
    T v{};
    if (in.size() < sizeof(T)) {
      ok = false;
      return v;
    }
    std::memcpy(&v, in.data(), sizeof(T));
    in.remove_prefix(sizeof(T));
    return v;
  }
  std::string_view take(size_t n) {
    if (in.size() < n) {
      ok = false;
      return {};
    }
    auto s = in.substr(0, n);
    in.remove_prefix(n);
    return s;
  }
};

uint8_t width_for(uint64_t range) {
  if (range == 0) return 0;
  if (range < (1ULL << 8)) return 1;
  if (range < (1ULL << 16)) return 2;
  if (range < (1ULL << 32)) return 4;
  return 8;
}

template <class U>
void pack(const int64_t* v, size_t n, int64_t base, bool nulls, std::string& out) {
  size_t at = out.size();
  out.resize(at + n * sizeof(U));
  U* dst = reinterpret_cast<U*>(out.data() + at);
  for (size_t i = 0; i < n; ++i) {
    if (nulls && v[i] == domain::kNoDate) {
      dst[i] = 0;
    } else {
      dst[i] = static_cast<U>(static_cast<uint64_t>(v[i]) - static_cast<uint64_t>(base) +
                              (nulls ? 1 : 0));
    }
  }
}

// The packed values sit at any byte offset of the decompressed chunk: each is read with memcpy
// (one unaligned load on x86, and no undefined behaviour).
template <class U>
U load(const char* p) {
  U v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

template <class U>
void unpack(const char* src, size_t n, int64_t base, bool nulls, int64_t* out) {
  if (!nulls) {
    for (size_t i = 0; i < n; ++i)
      out[i] = static_cast<int64_t>(static_cast<uint64_t>(base) + load<U>(src + i * sizeof(U)));
    return;
  }
  for (size_t i = 0; i < n; ++i) {
    U s = load<U>(src + i * sizeof(U));
    out[i] = s == 0 ? domain::kNoDate : static_cast<int64_t>(static_cast<uint64_t>(base) + s - 1);
  }
}

void encode_column(uint16_t id, const int64_t* v, size_t n, std::string& out) {
  bool nulls = false;
  int64_t lo = INT64_MAX, hi = INT64_MIN;
  for (size_t i = 0; i < n; ++i) {
    if (v[i] == domain::kNoDate) {
      nulls = true;
      continue;
    }
    lo = std::min(lo, v[i]);
    hi = std::max(hi, v[i]);
  }
  if (lo > hi) lo = hi = 0;  // all null (or no rows)
  uint64_t range = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo) + (nulls ? 1 : 0);
  uint8_t width = width_for(range);
  std::string raw;
  switch (width) {
    case 1:
      pack<uint8_t>(v, n, lo, nulls, raw);
      break;
    case 2:
      pack<uint16_t>(v, n, lo, nulls, raw);
      break;
    case 4:
      pack<uint32_t>(v, n, lo, nulls, raw);
      break;
    case 8:
      pack<uint64_t>(v, n, lo, nulls, raw);
      break;
    default:
      break;
  }
  uint8_t flags = nulls ? kHasNull : 0;
  std::string stored;
  if (raw.size() >= 256) {
    stored.resize(ZSTD_compressBound(raw.size()));
    size_t z = ZSTD_compress(stored.data(), stored.size(), raw.data(), raw.size(), 1);
    if (!ZSTD_isError(z) && z < raw.size() * 9 / 10) {
      stored.resize(z);
      flags |= kZstd;
    } else {
      stored.clear();
    }
  }
  const std::string& body = (flags & kZstd) ? stored : raw;
  put<uint16_t>(out, id);
  put<uint8_t>(out, width);
  put<uint8_t>(out, flags);
  put<int64_t>(out, lo);
  put<uint32_t>(out, static_cast<uint32_t>(body.size()));
  put<uint32_t>(out, static_cast<uint32_t>(raw.size()));
  out += body;
}

}  // namespace

std::string encode_chunk(const UsageFrame& f, size_t begin, size_t end) {
  size_t n = end - begin;
  std::string out(kMagic, 4);
  uint16_t ncols = 2;
  for (const auto& c : f.cols) ncols += c.empty() ? 0 : 1;
  put<uint32_t>(out, static_cast<uint32_t>(n));
  put<uint16_t>(out, ncols);
  encode_column(kMemberIdCol, f.member_id.data() + begin, n, out);
  encode_column(kCustomerIdCol, f.customer_id.data() + begin, n, out);
  const auto& specs = domain::usage_fields();
  for (size_t i = 0; i < f.cols.size(); ++i) {
    if (f.cols[i].empty()) continue;
    encode_column(static_cast<uint16_t>(specs[i].id), f.cols[i].data() + begin, n, out);
  }
  return out;
}

Result<size_t> chunk_rows(std::string_view blob) {
  Cursor c{blob};
  if (c.take(4) != std::string_view(kMagic, 4))
    return Error::internal("damaged usage chunk: bad magic");
  uint32_t n = c.get<uint32_t>();
  if (!c.ok || n > 1'000'000) return Error::internal("damaged usage chunk: bad header");
  return static_cast<size_t>(n);
}

Status decode_chunk_into(std::string_view blob, const FieldMask& want, UsageFrame& out, size_t at) {
  auto damaged = [](const std::string& why) {
    return Error::internal("damaged usage chunk: " + why);
  };
  Cursor c{blob};
  if (c.take(4) != std::string_view(kMagic, 4)) return damaged("bad magic");
  uint32_t n = c.get<uint32_t>();
  uint16_t ncols = c.get<uint16_t>();
  if (!c.ok || n > 1'000'000) return damaged("bad header");
  if (out.member_id.size() < at + n || out.customer_id.size() < at + n)
    return damaged("more rows than announced");
  const auto& specs = domain::usage_fields();
  std::string scratch;
  bool have_member = false, have_customer = false;
  FieldMask seen;
  for (uint16_t k = 0; k < ncols; ++k) {
    uint16_t id = c.get<uint16_t>();
    uint8_t width = c.get<uint8_t>(), flags = c.get<uint8_t>();
    int64_t base = c.get<int64_t>();
    uint32_t len = c.get<uint32_t>(), raw_len = c.get<uint32_t>();
    std::string_view body = c.take(len);
    if (!c.ok) return damaged("truncated column");
    Column* dst = nullptr;
    if (id == kMemberIdCol) {
      dst = &out.member_id;
      have_member = true;
    } else if (id == kCustomerIdCol) {
      dst = &out.customer_id;
      have_customer = true;
    } else {
      int idx = domain::usage_field_index(static_cast<domain::UsageField>(id));
      if (idx < 0 || !want.test(static_cast<size_t>(idx)))
        continue;  // unknown (newer) or unwanted field
      dst = &out.cols[static_cast<size_t>(idx)];
      seen.set(static_cast<size_t>(idx));
    }
    if (width != 0 && width != 1 && width != 2 && width != 4 && width != 8)
      return damaged("bad width");
    if (raw_len != static_cast<uint64_t>(n) * width) return damaged("bad column length");
    if (dst->size() < at + n) return damaged("more rows than announced");
    const char* src = body.data();
    if (flags & kZstd) {
      scratch.resize(raw_len);
      size_t z = ZSTD_decompress(scratch.data(), scratch.size(), body.data(), body.size());
      if (ZSTD_isError(z) || z != raw_len) return damaged("bad compression");
      src = scratch.data();
    } else if (body.size() != raw_len) {
      return damaged("bad column length");
    }
    int64_t* o = dst->data() + at;
    bool nulls = flags & kHasNull;
    switch (width) {
      case 0:
        std::fill(o, o + n, nulls ? domain::kNoDate : base);
        break;
      case 1:
        unpack<uint8_t>(src, n, base, nulls, o);
        break;
      case 2:
        unpack<uint16_t>(src, n, base, nulls, o);
        break;
      case 4:
        unpack<uint32_t>(src, n, base, nulls, o);
        break;
      case 8:
        unpack<uint64_t>(src, n, base, nulls, o);
        break;
    }
  }
  if (!have_member || !have_customer) return damaged("no member ids");
  // Wanted fields missing from this chunk (written before the field existed) read as empty.
  for (size_t i = 0; i < out.cols.size(); ++i) {
    if (want.test(i) && !seen.test(i)) {
      auto& col = out.cols[i];
      if (col.size() < at + n) return damaged("more rows than announced");
      std::fill(col.begin() + static_cast<std::ptrdiff_t>(at),
                col.begin() + static_cast<std::ptrdiff_t>(at + n),
                specs[i].kind == domain::UsageKind::kDate ? domain::kNoDate : 0);
    }
  }
  return {};
}

Status decode_chunk(std::string_view blob, const FieldMask& want, UsageFrame& out) {
  KAM_TRY(n, chunk_rows(blob));
  size_t at = out.size();
  out.member_id.resize(at + n);
  out.customer_id.resize(at + n);
  for (size_t i = 0; i < out.cols.size(); ++i) {
    if (want.test(i)) out.cols[i].resize(at + n);
  }
  auto st = decode_chunk_into(blob, want, out, at);
  if (!st) {
    out.member_id.resize(at);
    out.customer_id.resize(at);
    for (size_t i = 0; i < out.cols.size(); ++i) {
      if (want.test(i)) out.cols[i].resize(at);
    }
  }
  return st;
}

}  // namespace kam::engine
