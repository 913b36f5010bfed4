#pragma once
// The store's connection layer: one interface, two implementations chosen by URL
// (`sqlite:PATH` embedded default, `postgresql://...` for scale-out). Everything above it writes
// portable SQL with `?` placeholders; values are always bound, never spliced into the text.

#include <chrono>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/result.h"

namespace kam::db {

enum class Dialect { kSqlite, kPostgres };

// Binary data (BLOB on SQLite, BYTEA on PostgreSQL), e.g. the usage store's column chunks.
struct Blob {
  std::string bytes;
};

using Value = std::variant<std::nullptr_t, int64_t, double, std::string, Blob>;
using Params = std::vector<Value>;

inline Value null() {
  return nullptr;
}
template <class T>
Value opt(const std::optional<T>& v) {
  if (!v) return nullptr;
  return Value(*v);
}

// One result row: values converted to int64 / double / text by column type.
class Row {
 public:
  explicit Row(std::vector<Value> v) : values_(std::move(v)) {}
  size_t size() const { return values_.size(); }
  bool is_null(size_t i) const { return std::holds_alternative<std::nullptr_t>(values_[i]); }
  int64_t i64(size_t i) const;  // null -> 0; text parsed
  double f64(size_t i) const;
  std::string text(size_t i) const;  // null -> ""
  // Bytes of a BLOB/BYTEA column (a text column's bytes as they are); null -> "".
  const std::string& blob(size_t i) const;
  std::optional<int64_t> opt_i64(size_t i) const {
    return is_null(i) ? std::nullopt : std::optional<int64_t>(i64(i));
  }
  std::optional<std::string> opt_text(size_t i) const {
    return is_null(i) ? std::nullopt : std::optional<std::string>(text(i));
  }
  const Value& operator[](size_t i) const { return values_[i]; }

 private:
  std::vector<Value> values_;
};

struct Rows;

// One row of a result read by column name (`r.i64("version")`), as typed stores read: a column
// added to or moved in a SELECT never shifts the others. Asking for a column the SELECT does not
// name is a programming error (std::out_of_range, a 500 with its request id).
class NamedRow {
 public:
  NamedRow(const Rows& rows, const Row& row) : rows_(rows), row_(row) {}
  bool is_null(std::string_view col) const { return row_.is_null(index(col)); }
  int64_t i64(std::string_view col) const { return row_.i64(index(col)); }
  double f64(std::string_view col) const { return row_.f64(index(col)); }
  std::string text(std::string_view col) const { return row_.text(index(col)); }
  std::optional<int64_t> opt_i64(std::string_view col) const { return row_.opt_i64(index(col)); }
  std::optional<std::string> opt_text(std::string_view col) const {
    return row_.opt_text(index(col));
  }

 private:
  size_t index(std::string_view col) const;
  const Rows& rows_;
  const Row& row_;
};

struct Rows {
  std::vector<std::string> columns;
  std::vector<Row> rows;
  bool empty() const { return rows.empty(); }
  size_t size() const { return rows.size(); }
  const Row& operator[](size_t i) const { return rows[i]; }
  auto begin() const { return rows.begin(); }
  auto end() const { return rows.end(); }
  // Row i, read by column name.
  NamedRow named(size_t i) const { return NamedRow(*this, rows[i]); }
};

// A single connection; not thread-safe, owned by one request at a time through a Lease.
// A row seen while scanning a large result: typed access without building Values.
class RowRef {
 public:
  virtual ~RowRef() = default;
  virtual bool is_null(int col) const = 0;
  virtual int64_t i64(int col) const = 0;
  virtual std::string_view text(int col) const = 0;  // valid until the callback returns
  virtual std::string blob(int col) const = 0;       // bytes of a BLOB / BYTEA column
};

class Connection {
 public:
  virtual ~Connection() = default;
  // Streams the rows of a query to `fn` (bulk loads: millions of rows without a Rows copy).
  virtual Status scan(std::string_view sql, const Params& params,
                      const std::function<void(const RowRef&)>& fn) = 0;
  virtual Dialect dialect() const = 0;
  virtual Result<Rows> query(std::string_view sql, const Params& params) = 0;
  // Runs a statement; answers the number of rows it changed.
  virtual Result<int64_t> exec(std::string_view sql, const Params& params) = 0;
  // Runs several statements without parameters (migrations).
  virtual Status exec_script(std::string_view sql) = 0;
  virtual Status begin(bool write) = 0;
  virtual Status commit() = 0;
  virtual void rollback() = 0;
  virtual bool healthy() = 0;

  Result<Rows> query(std::string_view sql, std::initializer_list<Value> params = {}) {
    return query(sql, Params(params));
  }
  Result<int64_t> exec(std::string_view sql, std::initializer_list<Value> params = {}) {
    return exec(sql, Params(params));
  }
  // First column of the first row, or nullopt when there is no row.
  Result<std::optional<Row>> query_one(std::string_view sql, const Params& params);
  Result<std::optional<Row>> query_one(std::string_view sql,
                                       std::initializer_list<Value> params = {}) {
    return query_one(sql, Params(params));
  }
};

class Database;

// A pooled connection, returned to its pool on destruction.
class Lease {
 public:
  Lease(Database* db, std::unique_ptr<Connection> conn) : db_(db), conn_(std::move(conn)) {}
  Lease(Lease&&) = default;
  Lease& operator=(Lease&&) = delete;
  Lease(const Lease&) = delete;
  ~Lease();
  Connection* operator->() { return conn_.get(); }
  Connection& operator*() { return *conn_; }

 private:
  Database* db_;
  std::unique_ptr<Connection> conn_;
};

struct Options {
  int pool_size = 8;
  std::chrono::milliseconds acquire_timeout{10000};
  // SQLite: once the WAL holds this many pages after a commit, that commit waits (within the
  // busy timeout) for the readers to move on and checkpoints the whole WAL, truncating the file
  // (64 MB of 4 KB pages). SQLite's own checkpoint never resets a WAL that always has readers.
  int sqlite_wal_truncate_pages = 16384;
};

// A pool of connections to one store.
class Database {
 public:
  static Result<std::unique_ptr<Database>> open(const std::string& url, Options options = {});
  virtual ~Database() = default;
  virtual Dialect dialect() const = 0;
  virtual Result<Lease> acquire() = 0;
  // Returns a connection; broken ones are dropped and replaced lazily.
  virtual void release(std::unique_ptr<Connection> conn) = 0;
  // The URL without any password, for logs.
  virtual std::string describe() const = 0;
};

// Rolls back unless committed: every write goes through one of these.
class Transaction {
 public:
  static Result<Transaction> begin(Lease& lease, bool write = true);
  Transaction(Transaction&& other) noexcept : conn_(other.conn_), done_(other.done_) {
    other.done_ = true;
  }
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction() {
    if (!done_) conn_->rollback();
  }
  Status commit();
  Connection& conn() { return *conn_; }
  Connection* operator->() { return conn_; }

 private:
  explicit Transaction(Connection* c) : conn_(c) {}
  Connection* conn_;
  bool done_ = false;
};

// Builds `?`-parameter lists like "(?,?,?)" for IN clauses and multi-row inserts.
std::string placeholders(size_t n);

}  // namespace kam::db
