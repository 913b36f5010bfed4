// libFuzzer target: reading a usage file (engine/usage_import.h) from memory against a small
// member directory, no store needed. The first byte picks the options (threads 1 or 2, unknown
// numbers skipped or refused); the rest is the file. Whatever the bytes, the answer is an error
// or a result whose stored values are within each field's plausible range, whose frames are
// sorted by member without duplicates, and whose issues name lines of the file.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "domain/usage_fields.h"
#include "engine/usage_import.h"

namespace {

using kam::domain::UsageKind;

const kam::engine::MemberDirectory& directory() {
  static const kam::engine::MemberDirectory d = [] {
    kam::engine::MemberDirectory m;
    m.add("13800000001", {1, 100});
    m.add("13800000002", {2, 100});
    m.add("13800000003", {3, 200});
    m.add("ZX-1-0001", {4, 200});
    m.add("02512345678", {5, 300});
    return m;
  }();
  return d;
}

void check(const kam::engine::ParsedImport& p, const std::string& file) {
  // Line ends as the CSV reader counts them: LF, CRLF or a lone CR.
  size_t lines = 1;
  for (size_t i = 0; i < file.size(); ++i) {
    lines += file[i] == '\n' || (file[i] == '\r' && (i + 1 == file.size() || file[i + 1] != '\n'));
  }
  if (p.rows_bad > p.rows || p.issues.size() > 100) std::abort();
  for (const auto& i : p.issues) {
    if (i.line < 1 || i.line > lines) std::abort();
  }
  const auto& specs = kam::domain::usage_fields();
  for (size_t k = 0; k < p.data.periods.size(); ++k) {
    auto f = p.data.frame(k);
    for (size_t r = 1; r < f.size(); ++r) {
      if (f.member_id[r - 1] >= f.member_id[r]) std::abort();
    }
    for (size_t c = 0; c < f.cols.size(); ++c) {
      const auto& spec = specs[c];
      if (spec.kind == UsageKind::kDate || spec.kind == UsageKind::kStatus) continue;
      for (int64_t v : f.cols[c]) {
        if (v < 0 || (spec.max > 0 && v > spec.max)) std::abort();
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  kam::engine::ImportOptions o;
  o.latest_month = 202611;
  o.latest_day = 20261124;
  o.threads = 1 + (data[0] & 1);
  o.allow_unknown_numbers = data[0] & 2;
  std::string file(reinterpret_cast<const char*>(data + 1), size - 1);
  auto p = kam::engine::parse_usage(file, directory(), o);
  if (p.ok()) check(*p, file);
  return 0;
}
