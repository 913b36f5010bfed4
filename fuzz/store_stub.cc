// The import fuzz targets fill a MemberDirectory by hand: MemberDirectory::load, which reads
// the store, is linked but never called. These stand in for the non-virtual store functions it
// names, so the targets need neither SQLite nor PostgreSQL (storage/db.cc opens both).

#include <cstdlib>

#include "storage/db.h"

namespace kam::db {

Result<std::optional<Row>> Connection::query_one(std::string_view, const Params&) {
  std::abort();  // not reached: no fuzz target opens a store
}

int64_t Row::i64(size_t) const {
  std::abort();
}

}  // namespace kam::db
