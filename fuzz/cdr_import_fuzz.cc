// libFuzzer target: reading call-detail records (engine/cdr_import.h) from memory against a
// small member directory. The first byte picks the threads (1..3) and the stored minimum; the
// rest is the file. The answer is an error or a result whose counts add up and whose pairs are
// plausible (a call is at most 24 hours, so at most 1,440 billed minutes).

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "engine/cdr_import.h"

namespace {

const kam::engine::MemberDirectory& directory() {
  static const kam::engine::MemberDirectory d = [] {
    kam::engine::MemberDirectory m;
    m.add("13800000001", {1, 100});
    m.add("13800000002", {2, 100});
    m.add("13900000003", {3, 200});
    return m;
  }();
  return d;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  kam::engine::CdrOptions o;
  o.latest_month = 202611;
  o.threads = 1 + data[0] % 3;
  o.store_min_calls = 1 + (data[0] >> 2) % 3;
  std::string_view file(reinterpret_cast<const char*>(data + 1), size - 1);
  auto p = kam::engine::parse_cdrs(file, directory(), o);
  if (!p.ok()) return 0;
  const auto& r = *p;
  if (r.rows_bad > r.rows || r.rows_counted + r.rows_on_net + r.rows_other_callers > r.rows)
    std::abort();
  if (r.rows_bad > 0 && !r.pairs.empty()) std::abort();
  for (const auto& x : r.pairs) {
    if (x.calls < o.store_min_calls || x.minutes < 0 || x.minutes > x.calls * 1440 ||
        x.month < 200001 || x.month > 202611 || x.member_id < 1 || x.member_id > 3)
      std::abort();
  }
  return 0;
}
