// The embedded store: SQLite in WAL mode with foreign keys, a busy timeout and a per-connection
// cache of prepared statements.

#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "storage/pool.h"

namespace kam::db {
namespace {

Error sqlite_error(sqlite3* h, int rc, std::string_view sql) {
  std::string msg = h ? sqlite3_errmsg(h) : sqlite3_errstr(rc);
  int ext = h ? sqlite3_extended_errcode(h) : rc;
  if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY) {
    // "UNIQUE constraint failed: customers.credit_code" -> field credit_code
    std::string field;
    if (auto dot = msg.rfind('.'); dot != std::string::npos) field = msg.substr(dot + 1);
    if (auto comma = field.find(','); comma != std::string::npos) field.resize(comma);
    return Error::conflict("a record with this value already exists", field);
  }
  if (ext == SQLITE_CONSTRAINT_FOREIGNKEY) {
    return Error::invalid("", "refers to a record that does not exist or is still referenced");
  }
  if ((rc & 0xff) == SQLITE_CONSTRAINT) return Error::invalid("", msg);
  if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED) {
    return Error{ErrorCode::kUnavailable, "the store is busy, try again", {}};
  }
  return Error::internal("sqlite: " + msg + " in: " + std::string(sql.substr(0, 120)));
}

class SqliteConnection final : public Connection {
 public:
  explicit SqliteConnection(sqlite3* h) : h_(h) {}
  ~SqliteConnection() override {
    for (auto& [_, st] : cache_) sqlite3_finalize(st);
    sqlite3_close_v2(h_);
  }
  Dialect dialect() const override { return Dialect::kSqlite; }

  Result<Rows> query(std::string_view sql, const Params& params) override {
    KAM_TRY(st, prepare(sql, params));
    Rows out;
    int n = sqlite3_column_count(st);
    for (int i = 0; i < n; ++i) out.columns.emplace_back(sqlite3_column_name(st, i));
    for (;;) {
      int rc = sqlite3_step(st);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) {
        auto err = sqlite_error(h_, rc, sql);
        sqlite3_reset(st);
        return err;
      }
      std::vector<Value> vals;
      vals.reserve(n);
      for (int i = 0; i < n; ++i) {
        switch (sqlite3_column_type(st, i)) {
          case SQLITE_INTEGER:
            vals.emplace_back(static_cast<int64_t>(sqlite3_column_int64(st, i)));
            break;
          case SQLITE_FLOAT:
            vals.emplace_back(sqlite3_column_double(st, i));
            break;
          case SQLITE_NULL:
            vals.emplace_back(nullptr);
            break;
          case SQLITE_BLOB: {
            auto p = static_cast<const char*>(sqlite3_column_blob(st, i));
            vals.emplace_back(Blob{std::string(p ? p : "", sqlite3_column_bytes(st, i))});
            break;
          }
          default: {
            auto p = reinterpret_cast<const char*>(sqlite3_column_text(st, i));
            vals.emplace_back(std::string(p ? p : "", sqlite3_column_bytes(st, i)));
          }
        }
      }
      out.rows.emplace_back(std::move(vals));
    }
    sqlite3_reset(st);
    return out;
  }

  Status scan(std::string_view sql, const Params& params,
              const std::function<void(const RowRef&)>& fn) override {
    KAM_TRY(st, prepare(sql, params));
    struct Ref final : RowRef {
      sqlite3_stmt* st;
      bool is_null(int c) const override { return sqlite3_column_type(st, c) == SQLITE_NULL; }
      int64_t i64(int c) const override { return sqlite3_column_int64(st, c); }
      std::string_view text(int c) const override {
        auto p = reinterpret_cast<const char*>(sqlite3_column_text(st, c));
        return p ? std::string_view(p, static_cast<size_t>(sqlite3_column_bytes(st, c)))
                 : std::string_view();
      }
      std::string blob(int c) const override {
        auto p = static_cast<const char*>(sqlite3_column_blob(st, c));
        return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(st, c))) : std::string();
      }
    } ref;
    ref.st = st;
    for (;;) {
      int rc = sqlite3_step(st);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) {
        auto err = sqlite_error(h_, rc, sql);
        sqlite3_reset(st);
        return err;
      }
      fn(ref);
    }
    sqlite3_reset(st);
    return {};
  }

  Result<int64_t> exec(std::string_view sql, const Params& params) override {
    KAM_TRY(st, prepare(sql, params));
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    }
    if (rc != SQLITE_DONE) {
      auto err = sqlite_error(h_, rc, sql);
      sqlite3_reset(st);
      return err;
    }
    sqlite3_reset(st);
    return static_cast<int64_t>(sqlite3_changes(h_));
  }

  Status exec_script(std::string_view sql) override {
    char* err = nullptr;
    std::string s(sql);
    int rc = sqlite3_exec(h_, s.c_str(), nullptr, nullptr, &err);
    if (rc != SQLITE_OK) {
      std::string m = err ? err : "error";
      sqlite3_free(err);
      return Error::internal("sqlite: " + m);
    }
    return {};
  }

  Status begin(bool write) override {
    auto r = exec(write ? "BEGIN IMMEDIATE" : "BEGIN", {});
    if (!r) return r.error();
    return {};
  }
  Status commit() override {
    auto r = exec("COMMIT", {});
    if (!r) {
      rollback();
      return r.error();
    }
    return {};
  }
  void rollback() override {
    if (!sqlite3_get_autocommit(h_)) sqlite3_exec(h_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  bool healthy() override { return sqlite3_get_autocommit(h_) != 0; }

 private:
  Result<sqlite3_stmt*> prepare(std::string_view sql, const Params& params) {
    std::string key(sql);
    sqlite3_stmt* st = nullptr;
    if (auto it = cache_.find(key); it != cache_.end()) {
      st = it->second;
    } else {
      int rc = sqlite3_prepare_v3(h_, key.data(), static_cast<int>(key.size()),
                                  SQLITE_PREPARE_PERSISTENT, &st, nullptr);
      if (rc != SQLITE_OK) return sqlite_error(h_, rc, sql);
      cache_.emplace(std::move(key), st);
    }
    sqlite3_clear_bindings(st);
    if (static_cast<int>(params.size()) != sqlite3_bind_parameter_count(st)) {
      return Error::internal("sqlite: parameter count mismatch in: " +
                             std::string(sql.substr(0, 120)));
    }
    for (size_t i = 0; i < params.size(); ++i) {
      int idx = static_cast<int>(i) + 1;
      const Value& v = params[i];
      if (std::holds_alternative<std::nullptr_t>(v)) {
        sqlite3_bind_null(st, idx);
      } else if (auto n = std::get_if<int64_t>(&v)) {
        sqlite3_bind_int64(st, idx, *n);
      } else if (auto d = std::get_if<double>(&v)) {
        sqlite3_bind_double(st, idx, *d);
      } else if (auto b = std::get_if<Blob>(&v)) {
        // The params outlive the step: no copy needed.
        sqlite3_bind_blob64(st, idx, b->bytes.data(), b->bytes.size(), SQLITE_STATIC);
      } else {
        const auto& s = std::get<std::string>(v);
        sqlite3_bind_text(st, idx, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
      }
    }
    return st;
  }

  sqlite3* h_;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

// Process-wide settings, before the first connection. Memory statistics take a global mutex
// on every sqlite3_malloc: under concurrent readers that lock was a fifth of the overview's
// CPU time. Connections are never shared between threads (one Lease at a time), so
// multi-thread mode is enough and skips the per-connection mutex too.
void configure_sqlite_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
    sqlite3_initialize();
  });
}

// Replaces SQLite's automatic checkpoint (PASSIVE every 1000 pages, which copies what it can but
// resets the WAL only when no reader is left: a busy server always has one, and the file grew to
// 611 MB against a 26 MB store in a 10-minute soak). Past the limit the committing connection
// runs a TRUNCATE checkpoint: it waits for the readers to move on, copies every page and cuts
// the file to zero.
int wal_hook(void* limit, sqlite3* db, const char* schema, int pages) {
  const int truncate_at = *static_cast<const int*>(limit);
  if (pages >= truncate_at) {
    sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr);
  } else if (pages >= 1000) {
    sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  }
  return SQLITE_OK;
}

Result<std::unique_ptr<Connection>> connect_sqlite(const std::string& path,
                                                   const int* wal_truncate_pages) {
  configure_sqlite_once();
  sqlite3* h = nullptr;
  int rc = sqlite3_open_v2(
      path.c_str(), &h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string m = h ? sqlite3_errmsg(h) : sqlite3_errstr(rc);
    sqlite3_close_v2(h);
    return Error{ErrorCode::kUnavailable, "cannot open sqlite database " + path + ": " + m, "db"};
  }
  auto conn = std::make_unique<SqliteConnection>(h);
  sqlite3_busy_timeout(h, 10000);
  sqlite3_wal_hook(h, wal_hook, const_cast<int*>(wal_truncate_pages));
  KAM_CHECK(conn->exec_script(
      "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
      "PRAGMA temp_store=MEMORY; PRAGMA cache_size=-65536; PRAGMA mmap_size=268435456;"));
  return std::unique_ptr<Connection>(std::move(conn));
}

}  // namespace

Result<std::unique_ptr<Database>> open_sqlite(const std::string& path, Options options) {
  if (path.empty()) return Error::invalid("db", "sqlite URL needs a path: sqlite:PATH");
  std::error_code ec;
  auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  // Open one connection now so a bad path fails at start, not at the first request.
  // One limit per store, shared by its connections (the hook keeps a pointer to it).
  auto limit = std::make_shared<const int>(std::max(1000, options.sqlite_wal_truncate_pages));
  auto first = connect_sqlite(path, limit.get());
  if (!first) return first.error();
  auto db =
      std::make_unique<PooledDatabase>(Dialect::kSqlite, "sqlite:" + path, options,
                                       [path, limit] { return connect_sqlite(path, limit.get()); });
  db->adopt(std::move(first).value());
  return std::unique_ptr<Database>(std::move(db));
}

}  // namespace kam::db
