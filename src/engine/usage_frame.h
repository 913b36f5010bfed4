#pragma once
// One period (a month, or a day) of usage for many members, column by column, sorted by member
// id: the unit the importer produces, the store keeps (as column chunks) and the computations
// scan. Columns are int64 in the units of domain::usage_fields() (fen, minutes, MB, days since
// 1970 for dates with domain::kNoDate for none, status codes).

#include <bitset>
#include <cstdint>
#include <vector>

#include "domain/usage_fields.h"

namespace kam::engine {

// Which usage fields to load (bit i = usage_fields()[i]); all by default.
using FieldMask = std::bitset<32>;
inline FieldMask all_fields() { return FieldMask().set(); }
FieldMask fields_of(std::initializer_list<domain::UsageField> ids);

struct UsageFrame {
  int period = 0;  // YYYYMM, or YYYYMMDD for daily records
  std::vector<int64_t> member_id;
  std::vector<int64_t> customer_id;  // the member's group when the period was imported
  // One column per entry of domain::usage_fields(), same order; empty when not loaded.
  std::vector<std::vector<int64_t>> cols = std::vector<std::vector<int64_t>>(domain::usage_fields().size());

  size_t size() const { return member_id.size(); }
  bool has(domain::UsageField f) const { return !cols[static_cast<size_t>(domain::usage_field_index(f))].empty(); }
  const std::vector<int64_t>& col(domain::UsageField f) const {
    return cols[static_cast<size_t>(domain::usage_field_index(f))];
  }
  std::vector<int64_t>& col(domain::UsageField f) { return cols[static_cast<size_t>(domain::usage_field_index(f))]; }
  // Row of a member, or -1 (binary search on the sorted ids).
  int64_t find(int64_t member) const;
  // Makes every loaded column as long as member_id (absent fields of a file read as 0 / no date).
  void fill_missing(const FieldMask& wanted);
  // Appends row `r` of `other` (same loaded columns).
  void append_row(const UsageFrame& other, size_t r);
  void reserve(size_t n);
};

// Rows of `base` and `update` by member id; a member in both takes `update`'s row. Both sorted.
UsageFrame merge_frames(const UsageFrame& base, const UsageFrame& update);

}  // namespace kam::engine
