#pragma once
// One period (a month, or a day) of usage for many members, column by column, sorted by member
// id: the unit the importer produces, the store keeps (as column chunks) and the computations
// scan. Columns are int64 in the units of domain::usage_fields() (fen, minutes, MB, days since
// 1970 for dates with domain::kNoDate for none, status codes).

#include <bitset>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "domain/usage_fields.h"

namespace kam::engine {

// Allocates without zero-filling: the decoders and the importer write every element of the
// columns they size, and zeroing millions of values first was a tenth of the value run.
template <class T>
struct NoInitAllocator : std::allocator<T> {
  template <class U>
  struct rebind {
    using other = NoInitAllocator<U>;
  };
  NoInitAllocator() = default;
  template <class U>
  NoInitAllocator(const NoInitAllocator<U>&) noexcept {}
  template <class U>
  void construct(U* p) noexcept {
    ::new (static_cast<void*>(p)) U;
  }
  template <class U, class... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};
// One column of a frame. resize(n) leaves new elements unset; resize(n, v) fills them.
using Column = std::vector<int64_t, NoInitAllocator<int64_t>>;

// Which usage fields to load (bit i = usage_fields()[i]); all by default.
using FieldMask = std::bitset<32>;
inline FieldMask all_fields() {
  return FieldMask().set();
}
FieldMask fields_of(std::initializer_list<domain::UsageField> ids);

struct UsageFrame {
  int period = 0;  // YYYYMM, or YYYYMMDD for daily records
  Column member_id;
  Column customer_id;  // the member's group when the period was imported
  // One column per entry of domain::usage_fields(), same order; empty when not loaded.
  std::vector<Column> cols = std::vector<Column>(domain::usage_fields().size());

  size_t size() const { return member_id.size(); }
  bool has(domain::UsageField f) const {
    return !cols[static_cast<size_t>(domain::usage_field_index(f))].empty();
  }
  const Column& col(domain::UsageField f) const {
    return cols[static_cast<size_t>(domain::usage_field_index(f))];
  }
  Column& col(domain::UsageField f) {
    return cols[static_cast<size_t>(domain::usage_field_index(f))];
  }
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
