// libFuzzer target: the usage column chunks (engine/chunk_codec.h) as read back from the store:
// chunk_rows, decode_chunk and decode_chunk_into on any bytes must answer an error, never
// crash. The same bytes also build a small frame (values with nulls, extremes and narrow
// ranges) that must survive encode_chunk -> decode_chunk unchanged.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>

#include "engine/chunk_codec.h"

namespace {

using kam::engine::FieldMask;
using kam::engine::UsageFrame;

// Reads values off the input: the first byte of each says how wide (so small ranges, where
// the narrow widths and zstd kick in, are common).
struct Source {
  const uint8_t* p;
  size_t n;
  int64_t next() {
    if (n == 0) return 0;
    uint8_t kind = *p++;
    --n;
    switch (kind % 8) {
      case 0:
        return kam::domain::kNoDate;
      case 1:
        return std::numeric_limits<int64_t>::max() - (kind >> 3);
      case 2:
        return std::numeric_limits<int64_t>::min() + 1 + (kind >> 3);
      case 3:
      case 4: {
        int64_t v = 0;
        size_t k = std::min<size_t>(n, 8);
        std::memcpy(&v, p, k);
        p += k;
        n -= k;
        return v;
      }
      default:
        return kind >> 3;
    }
  }
};

void round_trip(const uint8_t* data, size_t size) {
  if (size < 2) return;
  size_t rows = data[0] % 40;
  FieldMask loaded(static_cast<unsigned long>(data[1]) * 0x10101u);
  Source src{data + 2, size - 2};
  UsageFrame f;
  f.period = 202611;
  for (size_t r = 0; r < rows; ++r) {
    f.member_id.push_back(src.next());
    f.customer_id.push_back(src.next());
  }
  for (size_t i = 0; i < f.cols.size(); ++i) {
    if (!loaded.test(i)) continue;
    for (size_t r = 0; r < rows; ++r) f.cols[i].push_back(src.next());
  }
  std::string blob = kam::engine::encode_chunk(f, 0, rows);
  UsageFrame back;
  auto st = kam::engine::decode_chunk(blob, loaded, back);
  if (!st.ok() || back.member_id != f.member_id || back.customer_id != f.customer_id) std::abort();
  for (size_t i = 0; i < f.cols.size(); ++i) {
    if (loaded.test(i) && back.cols[i] != f.cols[i]) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view blob(reinterpret_cast<const char*>(data), size);
  FieldMask want = kam::engine::all_fields();
  if (size > 0 && (data[size - 1] & 1)) want = FieldMask(0x5A5);
  UsageFrame out;
  auto st = kam::engine::decode_chunk(blob, want, out);
  if (st.ok()) {
    auto n = kam::engine::chunk_rows(blob);
    if (!n.ok() || out.size() != *n) std::abort();
    // A second chunk appends after the first.
    auto again = kam::engine::decode_chunk(blob, want, out);
    if (!again.ok() || out.size() != 2 * *n) std::abort();
  } else if (out.size() != 0) {
    std::abort();  // a damaged chunk leaves the frame as it was
  }
  // Into a frame sized for fewer rows than the chunk announces: refused, not written past.
  UsageFrame small;
  small.member_id.resize(4);
  small.customer_id.resize(4);
  for (size_t i = 0; i < small.cols.size(); ++i) small.cols[i].resize(4);
  (void)kam::engine::decode_chunk_into(blob, want, small, 1);
  round_trip(data, size);
  return 0;
}
