#include "engine/member_directory.h"

namespace kam::engine {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

uint64_t numeric_key(std::string_view s) {
  if (s.empty() || s.size() > 15) return 0;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return 0;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  return (static_cast<uint64_t>(s.size()) << 56) | v;
}

void MemberDirectory::add(std::string_view number, MemberRef ref) {
  number = trim(number);
  max_id_ = std::max(max_id_, ref.member_id);
  if (uint64_t k = numeric_key(number)) {
    numeric_[k] = ref;
  } else {
    other_[std::string(number)] = ref;
  }
}

const MemberRef* MemberDirectory::find(std::string_view number) const {
  number = trim(number);
  if (uint64_t k = numeric_key(number)) {
    auto it = numeric_.find(k);
    return it == numeric_.end() ? nullptr : &it->second;
  }
  auto it = other_.find(std::string(number));  // absl here is built on its own string_view
  return it == other_.end() ? nullptr : &it->second;
}

Result<MemberDirectory> MemberDirectory::load(db::Connection& c) {
  MemberDirectory d;
  KAM_TRY(n, c.query_one("SELECT COUNT(*) FROM members"));
  d.numeric_.reserve(static_cast<size_t>(n ? n->i64(0) : 0));
  KAM_CHECK(c.scan("SELECT id, number, customer_id FROM members", {}, [&d](const db::RowRef& r) {
    d.add(r.text(1), {r.i64(0), r.i64(2)});
  }));
  return d;
}

}  // namespace kam::engine
