#include "engine/usage_frame.h"

#include <algorithm>

namespace kam::engine {

FieldMask fields_of(std::initializer_list<domain::UsageField> ids) {
  FieldMask m;
  for (auto id : ids) m.set(static_cast<size_t>(domain::usage_field_index(id)));
  return m;
}

int64_t UsageFrame::find(int64_t member) const {
  auto it = std::lower_bound(member_id.begin(), member_id.end(), member);
  if (it == member_id.end() || *it != member) return -1;
  return it - member_id.begin();
}

void UsageFrame::fill_missing(const FieldMask& wanted) {
  const auto& specs = domain::usage_fields();
  for (size_t i = 0; i < cols.size(); ++i) {
    if (!wanted.test(i) || cols[i].size() == size()) continue;
    int64_t fill = specs[i].kind == domain::UsageKind::kDate ? domain::kNoDate : 0;
    cols[i].resize(size(), fill);
  }
}

void UsageFrame::append_row(const UsageFrame& o, size_t r) {
  member_id.push_back(o.member_id[r]);
  customer_id.push_back(o.customer_id[r]);
  for (size_t i = 0; i < cols.size(); ++i) {
    if (!o.cols[i].empty()) cols[i].push_back(o.cols[i][r]);
  }
}

void UsageFrame::reserve(size_t n) {
  member_id.reserve(n);
  customer_id.reserve(n);
  for (auto& c : cols) c.reserve(n);
}

UsageFrame merge_frames(const UsageFrame& base, const UsageFrame& update) {
  UsageFrame out;
  out.period = update.period;
  out.reserve(base.size() + update.size());
  size_t i = 0, j = 0;
  while (i < base.size() || j < update.size()) {
    if (j >= update.size() || (i < base.size() && base.member_id[i] < update.member_id[j])) {
      out.append_row(base, i++);
    } else {
      if (i < base.size() && base.member_id[i] == update.member_id[j]) ++i;
      out.append_row(update, j++);
    }
  }
  return out;
}

}  // namespace kam::engine
