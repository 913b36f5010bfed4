// The store that scales: PostgreSQL through libpq, named prepared statements cached per
// connection, `?` placeholders rewritten to `$n`.

#include <libpq-fe.h>

#include <charconv>
#include <unordered_map>

#include "storage/pool.h"

namespace kam::db {
namespace {

// Rewrites `?` to `$1..$n`, leaving quoted text alone.
std::string to_pg_placeholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int n = 0;
  bool in_str = false;
  for (char c : sql) {
    if (c == '\'') in_str = !in_str;
    if (c == '?' && !in_str) {
      out += '$';
      out += std::to_string(++n);
    } else {
      out += c;
    }
  }
  return out;
}

std::string decode_bytea_hex(const char* v, size_t n) {
  auto nib = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return 0;
  };
  if (n < 2 || v[0] != '\\' || v[1] != 'x') return std::string(v, n);
  std::string out((n - 2) / 2, '\0');
  for (size_t i = 0; i < out.size(); ++i) {
    out[i] = static_cast<char>((nib(v[2 + 2 * i]) << 4) | nib(v[3 + 2 * i]));
  }
  return out;
}

std::string sqlstate(const PGresult* r) {
  const char* s = PQresultErrorField(r, PG_DIAG_SQLSTATE);
  return s ? s : "";
}

Error pg_error(const PGresult* r, PGconn* c, std::string_view sql) {
  std::string state = r ? sqlstate(r) : "";
  std::string msg = r ? PQresultErrorMessage(r) : PQerrorMessage(c);
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  if (state == "23505") {
    std::string field;
    // DETAIL:  Key (credit_code)=(...) already exists.
    if (const char* d = PQresultErrorField(r, PG_DIAG_MESSAGE_DETAIL)) {
      std::string det = d;
      auto a = det.find('('), b = det.find(')');
      if (a != std::string::npos && b != std::string::npos && b > a)
        field = det.substr(a + 1, b - a - 1);
    }
    if (auto comma = field.find(','); comma != std::string::npos) field.resize(comma);
    return Error::conflict("a record with this value already exists", field);
  }
  if (state == "23503") {
    return Error::invalid("", "refers to a record that does not exist or is still referenced");
  }
  if (state.rfind("23", 0) == 0 || state.rfind("22", 0) == 0) return Error::invalid("", msg);
  if (state == "40001" || state == "40P01" || state == "55P03") {
    return Error{ErrorCode::kUnavailable, "the store is busy, try again", {}};
  }
  if (state.rfind("08", 0) == 0 || (c && PQstatus(c) != CONNECTION_OK)) {
    return Error{ErrorCode::kUnavailable, "store connection lost: " + msg, {}};
  }
  return Error::internal("postgres: " + msg + " in: " + std::string(sql.substr(0, 120)));
}

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgResult = std::unique_ptr<PGresult, ResultDeleter>;

class PgConnection final : public Connection {
 public:
  explicit PgConnection(PGconn* c) : c_(c) {}
  ~PgConnection() override { PQfinish(c_); }
  Dialect dialect() const override { return Dialect::kPostgres; }

  Result<Rows> query(std::string_view sql, const Params& params) override {
    KAM_TRY(res, run(sql, params));
    Rows out;
    int nf = PQnfields(res.get()), nt = PQntuples(res.get());
    std::vector<Oid> types(nf);
    for (int i = 0; i < nf; ++i) {
      out.columns.emplace_back(PQfname(res.get(), i));
      types[i] = PQftype(res.get(), i);
    }
    out.rows.reserve(nt);
    for (int r = 0; r < nt; ++r) {
      std::vector<Value> vals;
      vals.reserve(nf);
      for (int i = 0; i < nf; ++i) {
        if (PQgetisnull(res.get(), r, i)) {
          vals.emplace_back(nullptr);
          continue;
        }
        const char* v = PQgetvalue(res.get(), r, i);
        switch (types[i]) {
          case 20:
          case 21:
          case 23:  // int8, int2, int4
            vals.emplace_back(static_cast<int64_t>(std::strtoll(v, nullptr, 10)));
            break;
          case 16:  // bool
            vals.emplace_back(static_cast<int64_t>(v[0] == 't'));
            break;
          case 700:
          case 701:
          case 1700:  // float4, float8, numeric
            vals.emplace_back(std::strtod(v, nullptr));
            break;
          case 17:  // bytea, in text results as \x hex
            vals.emplace_back(
                Blob{decode_bytea_hex(v, static_cast<size_t>(PQgetlength(res.get(), r, i)))});
            break;
          default:
            vals.emplace_back(std::string(v, PQgetlength(res.get(), r, i)));
        }
      }
      out.rows.emplace_back(std::move(vals));
    }
    return out;
  }

  Status scan(std::string_view sql, const Params& params,
              const std::function<void(const RowRef&)>& fn) override {
    KAM_TRY(res, run(sql, params));
    struct Ref final : RowRef {
      PGresult* r;
      int row = 0;
      bool is_null(int c) const override { return PQgetisnull(r, row, c); }
      int64_t i64(int c) const override {
        const char* v = PQgetvalue(r, row, c);
        if (v[0] == 't' || v[0] == 'f') return v[0] == 't';
        return std::strtoll(v, nullptr, 10);
      }
      std::string_view text(int c) const override {
        return {PQgetvalue(r, row, c), static_cast<size_t>(PQgetlength(r, row, c))};
      }
      std::string blob(int c) const override {
        return decode_bytea_hex(PQgetvalue(r, row, c), static_cast<size_t>(PQgetlength(r, row, c)));
      }
    } ref;
    ref.r = res.get();
    for (int n = PQntuples(res.get()); ref.row < n; ++ref.row) fn(ref);
    return {};
  }

  Result<int64_t> exec(std::string_view sql, const Params& params) override {
    KAM_TRY(res, run(sql, params));
    const char* n = PQcmdTuples(res.get());
    return static_cast<int64_t>(n && *n ? std::strtoll(n, nullptr, 10) : 0);
  }

  Status exec_script(std::string_view sql) override {
    std::string s(sql);
    PgResult r(PQexec(c_, s.c_str()));
    auto st = PQresultStatus(r.get());
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) return pg_error(r.get(), c_, sql);
    return {};
  }

  Status begin(bool) override { return simple("BEGIN"); }
  Status commit() override {
    auto s = simple("COMMIT");
    if (!s) rollback();
    return s;
  }
  void rollback() override {
    if (PQtransactionStatus(c_) != PQTRANS_IDLE) PgResult(PQexec(c_, "ROLLBACK"));
  }
  bool healthy() override {
    return PQstatus(c_) == CONNECTION_OK && PQtransactionStatus(c_) == PQTRANS_IDLE;
  }

 private:
  Status simple(const char* sql) {
    PgResult r(PQexec(c_, sql));
    if (PQresultStatus(r.get()) != PGRES_COMMAND_OK) return pg_error(r.get(), c_, sql);
    return {};
  }

  Result<PgResult> run(std::string_view sql, const Params& params) {
    std::string key(sql);
    auto it = names_.find(key);
    if (it == names_.end()) {
      std::string name = "k" + std::to_string(names_.size() + 1);
      std::string text = to_pg_placeholders(sql);
      PgResult p(PQprepare(c_, name.c_str(), text.c_str(), 0, nullptr));
      if (PQresultStatus(p.get()) != PGRES_COMMAND_OK) return pg_error(p.get(), c_, sql);
      it = names_.emplace(std::move(key), std::move(name)).first;
    }
    std::vector<std::string> texts(params.size());
    std::vector<const char*> values(params.size(), nullptr);
    std::vector<int> lengths(params.size(), 0), formats(params.size(), 0);
    for (size_t i = 0; i < params.size(); ++i) {
      const Value& v = params[i];
      if (std::holds_alternative<std::nullptr_t>(v)) continue;
      if (auto b = std::get_if<Blob>(&v)) {
        // Binary parameter: no hex escaping, the bytes go as they are.
        values[i] = b->bytes.data();
        lengths[i] = static_cast<int>(b->bytes.size());
        formats[i] = 1;
        continue;
      }
      if (auto n = std::get_if<int64_t>(&v)) {
        texts[i] = std::to_string(*n);
      } else if (auto d = std::get_if<double>(&v)) {
        // Shortest text that reads back as the same double (std::to_string keeps 6 decimals).
        char buf[32];
        auto res = std::to_chars(buf, buf + sizeof buf, *d);
        texts[i].assign(buf, res.ptr);
      } else {
        texts[i] = std::get<std::string>(v);
      }
      values[i] = texts[i].c_str();
    }
    PgResult r(PQexecPrepared(c_, it->second.c_str(), static_cast<int>(params.size()),
                              values.data(), lengths.data(), formats.data(), 0));
    auto st = PQresultStatus(r.get());
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) return pg_error(r.get(), c_, sql);
    return r;
  }

  PGconn* c_;
  std::unordered_map<std::string, std::string> names_;
};

Result<std::unique_ptr<Connection>> connect_pg(const std::string& url) {
  PGconn* c = PQconnectdb(url.c_str());
  if (PQstatus(c) != CONNECTION_OK) {
    std::string m = PQerrorMessage(c);
    PQfinish(c);
    while (!m.empty() && m.back() == '\n') m.pop_back();
    return Error{ErrorCode::kUnavailable, "cannot connect to PostgreSQL: " + m, "db"};
  }
  PgResult(PQexec(c, "SET client_min_messages=warning; SET TIME ZONE 'UTC'"));
  return std::unique_ptr<Connection>(std::make_unique<PgConnection>(c));
}

std::string redact(const std::string& url) {
  // postgresql://user:secret@host -> postgresql://user:***@host
  auto scheme = url.find("://");
  auto at = url.find('@');
  if (scheme == std::string::npos || at == std::string::npos) return url;
  auto colon = url.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon + 1) + "***" + url.substr(at);
}

}  // namespace

Result<std::unique_ptr<Database>> open_postgres(const std::string& url, Options options) {
  auto first = connect_pg(url);
  if (!first) return first.error();
  auto db = std::make_unique<PooledDatabase>(Dialect::kPostgres, redact(url), options,
                                             [url] { return connect_pg(url); });
  db->adopt(std::move(first).value());
  return std::unique_ptr<Database>(std::move(db));
}

}  // namespace kam::db
