#pragma once
// Every member number in the archive, for matching usage files to members: numbers of up to
// 15 digits (mobile numbers, fixed lines with their area code) are kept as integer keys, any
// other line identifier (circuit ids) as text.

#include <absl/container/flat_hash_map.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"
#include "storage/db.h"

namespace kam::engine {

struct MemberRef {
  int64_t member_id = 0;
  int64_t customer_id = 0;
};

class MemberDirectory {
 public:
  static Result<MemberDirectory> load(db::Connection& c);
  void add(std::string_view number, MemberRef ref);
  // The member with this number (surrounding blanks ignored), or nullptr.
  const MemberRef* find(std::string_view number) const;
  // By numeric_key(): the importer's batched path.
  const MemberRef* find_key(uint64_t key) const {
    auto it = numeric_.find(key);
    return it == numeric_.end() ? nullptr : &it->second;
  }
  void prefetch(uint64_t key) const { numeric_.prefetch(key); }
  size_t size() const { return numeric_.size() + other_.size(); }
  int64_t max_member_id() const { return max_id_; }

 private:
  absl::flat_hash_map<uint64_t, MemberRef> numeric_;
  absl::flat_hash_map<std::string, MemberRef> other_;
  int64_t max_id_ = 0;
};

// The integer key of an all-digit number of 1..15 digits (its length is part of the key, so
// "0251234" and "251234" differ); 0 when the text is not such a number.
uint64_t numeric_key(std::string_view number);

}  // namespace kam::engine
