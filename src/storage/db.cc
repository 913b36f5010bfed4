#include "storage/db.h"

#include <charconv>
#include <stdexcept>

#include "storage/pool.h"

namespace kam::db {

size_t NamedRow::index(std::string_view col) const {
  for (size_t i = 0; i < rows_.columns.size(); ++i) {
    if (rows_.columns[i] == col) return i;
  }
  throw std::out_of_range("no column " + std::string(col) + " in the result");
}

int64_t Row::i64(size_t i) const {
  const Value& v = values_[i];
  if (auto p = std::get_if<int64_t>(&v)) return *p;
  if (auto d = std::get_if<double>(&v)) return static_cast<int64_t>(*d);
  if (auto s = std::get_if<std::string>(&v)) {
    int64_t out = 0;
    std::from_chars(s->data(), s->data() + s->size(), out);
    return out;
  }
  return 0;
}

double Row::f64(size_t i) const {
  const Value& v = values_[i];
  if (auto p = std::get_if<double>(&v)) return *p;
  if (auto n = std::get_if<int64_t>(&v)) return static_cast<double>(*n);
  if (auto s = std::get_if<std::string>(&v)) return std::strtod(s->c_str(), nullptr);
  return 0;
}

std::string Row::text(size_t i) const {
  const Value& v = values_[i];
  if (auto s = std::get_if<std::string>(&v)) return *s;
  if (auto n = std::get_if<int64_t>(&v)) return std::to_string(*n);
  if (auto d = std::get_if<double>(&v)) return std::to_string(*d);
  return {};
}

const std::string& Row::blob(size_t i) const {
  static const std::string empty;
  const Value& v = values_[i];
  if (auto b = std::get_if<Blob>(&v)) return b->bytes;
  if (auto s = std::get_if<std::string>(&v)) return *s;
  return empty;
}

Result<std::optional<Row>> Connection::query_one(std::string_view sql, const Params& params) {
  auto rows = query(sql, params);
  if (!rows) return rows.error();
  if (rows->rows.empty()) return std::optional<Row>{};
  return std::optional<Row>(std::move(rows->rows.front()));
}

Lease::~Lease() {
  if (conn_ && db_) db_->release(std::move(conn_));
}

Result<Transaction> Transaction::begin(Lease& lease, bool write) {
  Connection* c = &*lease;
  KAM_CHECK(c->begin(write));
  return Transaction(c);
}

Status Transaction::commit() {
  done_ = true;
  return conn_->commit();
}

std::string placeholders(size_t n) {
  std::string s = "(";
  for (size_t i = 0; i < n; ++i) s += i ? ",?" : "?";
  return s + ")";
}

Result<Lease> PooledDatabase::acquire() {
  std::unique_lock lock(mu_);
  auto deadline = std::chrono::steady_clock::now() + options_.acquire_timeout;
  while (idle_.empty() && open_ >= options_.pool_size) {
    if (cv_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
        open_ >= options_.pool_size) {
      return Error{ErrorCode::kUnavailable, "all store connections are busy", {}};
    }
  }
  if (!idle_.empty()) {
    auto c = std::move(idle_.back());
    idle_.pop_back();
    return Lease(this, std::move(c));
  }
  ++open_;
  lock.unlock();
  auto c = connect_();
  if (!c) {
    std::lock_guard relock(mu_);
    --open_;
    cv_.notify_one();
    return c.error();
  }
  return Lease(this, std::move(c).value());
}

void PooledDatabase::release(std::unique_ptr<Connection> conn) {
  std::lock_guard lock(mu_);
  if (conn->healthy()) {
    idle_.push_back(std::move(conn));
  } else {
    --open_;
  }
  cv_.notify_one();
}

Result<std::unique_ptr<Database>> Database::open(const std::string& url, Options options) {
  if (url.rfind("sqlite:", 0) == 0) return open_sqlite(url.substr(7), options);
  if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) {
    return open_postgres(url, options);
  }
  return Error::invalid("db", "unknown store URL (use sqlite:PATH or postgresql://...)");
}

}  // namespace kam::db
