#include "services/core/records.h"

#include <algorithm>
#include <regex>

#include "domain/credit_code.h"
#include "domain/masking.h"
#include "services/core/audit.h"
#include "services/core/cursor.h"

namespace kam::services {
namespace {

using domain::EntitySpec;
using domain::FieldSpec;
using domain::FieldType;

bool has_control_chars(std::string_view s, bool allow_newlines) {
  for (unsigned char c : s) {
    if (c < 0x20 && !(allow_newlines && (c == '\n' || c == '\t' || c == '\r'))) return true;
    if (c == 0x7f) return true;
  }
  return false;
}

std::string select_columns(const EntitySpec& s) {
  std::string cols = "t.id, t.version, t.created_at, t.updated_at";
  if (s.owned_by_customer()) cols += ", t.customer_id";
  for (const auto& f : s.fields) {
    if (f.stored) cols += ", t." + f.name;
  }
  if (!s.extra_select.empty()) cols += ", " + s.extra_select;
  return cols;
}

json field_to_json(const FieldSpec& f, const db::Row& r, size_t i) {
  if (r.is_null(i)) return nullptr;
  switch (f.type) {
    case FieldType::kInt:
    case FieldType::kMoney:
    case FieldType::kRef:
      return r.i64(i);
    case FieldType::kBool:
      return r.i64(i) != 0;
    case FieldType::kTimestamp:
      return iso8601(r.i64(i));
    case FieldType::kJson: {
      auto j = json::parse(r.text(i), nullptr, false);
      return j.is_discarded() ? json(nullptr) : j;
    }
    default:
      return r.text(i);
  }
}

json row_to_json(const EntitySpec& s, const db::Rows& rows, const db::Row& r) {
  json j = json::object();
  size_t i = 0;
  j["id"] = r.i64(i++);
  j["version"] = r.i64(i++);
  j["created_at"] = iso8601(r.i64(i++));
  j["updated_at"] = iso8601(r.i64(i++));
  if (s.owned_by_customer()) j["customer_id"] = r.i64(i++);
  for (const auto& f : s.fields) {
    if (f.stored) j[f.name] = field_to_json(f, r, i++);
  }
  for (; i < r.size(); ++i) {
    const auto& v = r[i];
    if (std::holds_alternative<std::nullptr_t>(v)) {
      j[rows.columns[i]] = nullptr;
    } else if (auto n = std::get_if<int64_t>(&v)) {
      j[rows.columns[i]] = *n;
    } else if (auto d = std::get_if<double>(&v)) {
      j[rows.columns[i]] = *d;
    } else {
      j[rows.columns[i]] = r.text(i);
    }
  }
  return j;
}

db::Value to_db(const FieldSpec& f, const json& v) {
  if (v.is_null()) return nullptr;
  switch (f.type) {
    case FieldType::kInt:
    case FieldType::kMoney:
    case FieldType::kRef:
      return v.get<int64_t>();
    case FieldType::kBool:
      return static_cast<int64_t>(v.get<bool>() ? 1 : 0);
    case FieldType::kTimestamp:
      return *parse_iso8601(v.get<std::string>());
    case FieldType::kJson:
      return v.dump();
    default:
      return v.get<std::string>();
  }
}

Result<json> check_string(const FieldSpec& f, const json& v) {
  if (!v.is_string()) return Error::invalid(f.name, "must be a string");
  std::string s = v.get<std::string>();
  if (utf8_length(s) > static_cast<size_t>(f.max_len)) {
    return Error::invalid(f.name, "is longer than " + std::to_string(f.max_len) + " characters");
  }
  if (has_control_chars(s, f.type == FieldType::kText)) {
    return Error::invalid(f.name, "contains control characters");
  }
  // Trim surrounding blanks: they only ever cause duplicate-looking records.
  auto b = s.find_first_not_of(" \t\r\n");
  auto e = s.find_last_not_of(" \t\r\n");
  s = b == std::string::npos ? "" : s.substr(b, e - b + 1);
  if (s.empty()) {
    if (f.required) return Error::invalid(f.name, "must not be empty");
    return json(nullptr);
  }
  using domain::Check;
  switch (f.check) {
    case Check::kCreditCode: {
      for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      auto problem = domain::credit_code_problem(s);
      if (!problem.empty())
        return Error::invalid(f.name, "is not a valid unified social credit code: " + problem);
      break;
    }
    case Check::kMobile:
      if (!domain::is_mobile_number(s))
        return Error::invalid(f.name, "is not a mobile number (11 digits, 13x-19x)");
      break;
    case Check::kLineNumber:
      if (!domain::is_line_number(s))
        return Error::invalid(f.name, "is not a valid number (mobile, fixed line or circuit id)");
      break;
    case Check::kPhoneAny:
      if (!domain::is_line_number(s)) return Error::invalid(f.name, "is not a valid phone number");
      break;
    case Check::kResidentId:
      for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      if (!domain::is_resident_id(s))
        return Error::invalid(f.name, "is not a valid 18-character ID number");
      break;
    case Check::kEmail: {
      static const std::regex re(R"(^[^@\s]+@[^@\s]+\.[^@\s]+$)");
      if (!std::regex_match(s, re)) return Error::invalid(f.name, "is not an e-mail address");
      break;
    }
    case Check::kNone:
      break;
  }
  return json(s);
}

// Validates one field value from a request body; answers the canonical JSON value.
Result<json> decode_field(const FieldSpec& f, const json& v) {
  if (v.is_null()) {
    if (f.required) return Error::invalid(f.name, "is required");
    return json(nullptr);
  }
  switch (f.type) {
    case FieldType::kString:
    case FieldType::kText:
      return check_string(f, v);
    case FieldType::kInt:
    case FieldType::kMoney:
    case FieldType::kRef: {
      if (!v.is_number_integer()) return Error::invalid(f.name, "must be an integer");
      int64_t n = v.get<int64_t>();
      if (v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
        return Error::invalid(f.name, "is out of range");
      }
      if (n < f.min || n > f.max) {
        return Error::invalid(
            f.name, "must be between " + std::to_string(f.min) + " and " + std::to_string(f.max));
      }
      return json(n);
    }
    case FieldType::kBool:
      if (!v.is_boolean()) return Error::invalid(f.name, "must be true or false");
      return v;
    case FieldType::kDate:
      if (!v.is_string() || !is_date(v.get<std::string>())) {
        return Error::invalid(f.name, "must be a date YYYY-MM-DD");
      }
      return v;
    case FieldType::kTimestamp: {
      if (!v.is_string()) return Error::invalid(f.name, "must be an ISO-8601 time");
      auto t = parse_iso8601(v.get<std::string>());
      if (!t)
        return Error::invalid(f.name, "must be an ISO-8601 time, e.g. 2026-11-24T09:30:00+08:00");
      return json(iso8601(*t));
    }
    case FieldType::kEnum: {
      if (!v.is_string()) return Error::invalid(f.name, "must be a string");
      for (const auto& e : f.values) {
        if (e == v.get<std::string>()) return v;
      }
      std::string allowed;
      for (const auto& e : f.values) allowed += (allowed.empty() ? "" : ", ") + e;
      return Error::invalid(f.name, "must be one of: " + allowed);
    }
    case FieldType::kRefText:
      if (!v.is_string() || v.get<std::string>().size() > 32)
        return Error::invalid(f.name, "must be a code");
      return v;
    case FieldType::kJson:
      if (v.dump().size() > 8000) return Error::invalid(f.name, "is too large");
      return v;
  }
  return v;
}

json default_value(const FieldSpec& f) {
  if (f.default_value.empty()) return nullptr;
  switch (f.type) {
    case FieldType::kInt:
    case FieldType::kMoney:
      return std::stoll(f.default_value);
    case FieldType::kJson:
      return json::parse(f.default_value);
    case FieldType::kBool:
      return f.default_value == "true";
    default:
      return f.default_value;
  }
}

}  // namespace

// Decodes a request body into the fields it sets (canonical values).
Result<json> decode_body(const EntitySpec& s, const json& body, bool create) {
  if (!body.is_object()) return Error::invalid("", "the request body must be a JSON object");
  json out = json::object();
  for (auto it = body.begin(); it != body.end(); ++it) {
    const std::string& key = it.key();
    const FieldSpec* f = s.field(key);
    // System fields a client read from us (and may send back) are not changed through the body.
    if (!f && (key == "version" || key == "id" || key == "created_at" || key == "updated_at" ||
               (key == "customer_id" && s.owned_by_customer()))) {
      continue;
    }
    if (!f) {
      // Read-only names the client got from us are tolerated on update, not anything else.
      return Error::invalid(key, "is not a field of " + s.title);
    }
    if (!f->writable) return Error::invalid(key, "is read-only");
    if (f->immutable && !create) return Error::invalid(key, "cannot be changed after creation");
    KAM_TRY(v, decode_field(*f, it.value()));
    out[key] = v;
  }
  if (create) {
    for (const auto& f : s.fields) {
      if (out.contains(f.name) || !f.writable) continue;
      if (f.required) return Error::invalid(f.name, "is required");
      auto d = default_value(f);
      if (!d.is_null()) out[f.name] = d;
    }
  }
  return out;
}

namespace {

Status check_references(db::Connection& c, const EntitySpec& s, const json& changes) {
  for (const auto& f : s.fields) {
    if ((f.type != FieldType::kRef && f.type != FieldType::kRefText) || !f.stored) continue;
    if (!changes.contains(f.name) || changes[f.name].is_null()) continue;
    std::string key = f.type == FieldType::kRef ? "id" : "code";
    // Table and column names come from the compiled-in spec, never from the request.
    KAM_TRY(row, c.query_one("SELECT 1 FROM " + f.ref + " WHERE " + key + " = ?",
                             {to_db(f, changes[f.name])}));
    if (!row) return Error::invalid(f.name, "refers to a record that does not exist");
  }
  return {};
}

struct SortSpec {
  std::string expr;  // SQL expression over alias t
  std::string name;
  bool desc = false;
  bool numeric = true;
};

Result<SortSpec> parse_sort(const EntitySpec& s, std::string sort) {
  if (sort.empty()) sort = s.default_sort;
  SortSpec out;
  if (!sort.empty() && sort[0] == '-') {
    out.desc = true;
    sort = sort.substr(1);
  }
  out.name = sort;
  if (sort == "id" || sort == "created_at" || sort == "updated_at") {
    out.expr = "t." + sort;
    return out;
  }
  const FieldSpec* f = s.field(sort);
  if (!f || !f->sort)
    return Error::invalid("sort", "cannot sort " + s.title + "s by '" + sort + "'");
  bool numeric = f->type == FieldType::kInt || f->type == FieldType::kMoney ||
                 f->type == FieldType::kTimestamp || f->type == FieldType::kRef;
  out.numeric = numeric;
  // Dates are a date type on PostgreSQL: compared as their ISO text, which sorts the same.
  std::string column = f->type == FieldType::kDate ? "CAST(t." + sort + " AS TEXT)" : "t." + sort;
  out.expr = "COALESCE(" + column + (numeric ? ", 0)" : ", '')");
  return out;
}

}  // namespace

size_t utf8_length(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

bool sees_unmasked(const Actor& a, domain::Mask m) {
  switch (m) {
    case domain::Mask::kNone:
      return true;
    case domain::Mask::kPhone:
      return a.can(domain::Perm::kSeePhone);
    case domain::Mask::kIdNumber:
      return a.can(domain::Perm::kSeeIdNumber);
  }
  return false;
}

// The rule for records with an author (contact records): only the author, a supervisor or an
// admin changes or deletes one. The same check for update and delete.
static Status check_author(const Actor& a, const EntitySpec& s, const RecordHooks& h,
                           const json& before, const char* verb) {
  if (h.author_field.empty()) return {};
  const json& author = before[h.author_field];
  if (author.is_number_integer() && author.get<int64_t>() == a.user_id) return {};
  if (a.role == domain::Role::kAdmin || a.role == domain::Role::kSupervisor) return {};
  return Error::forbidden(std::string("only the author or a supervisor may ") + verb + " a " +
                          s.title);
}

static void strip_hidden(const EntitySpec& s, json& record) {
  for (const auto& f : s.fields) {
    if (f.hidden) record.erase(f.name);
  }
}

void Records::mask(const Actor& a, const EntitySpec& s, json& record) {
  strip_hidden(s, record);
  if (domain::is_outsider(a.role)) {
    // An outsider gets the fields made for them and nothing else (no notes, risk, managers'
    // ids or internal dates).
    json kept = json::object();
    for (const auto& name : s.outsider_fields) {
      if (record.contains(name)) kept[name] = std::move(record[name]);
    }
    record = std::move(kept);
  }
  bool phone = a.can(domain::Perm::kSeePhone), idn = a.can(domain::Perm::kSeeIdNumber);
  for (const auto& f : s.fields) {
    if (f.mask == domain::Mask::kNone || !record.contains(f.name) || !record[f.name].is_string()) {
      continue;
    }
    auto v = record[f.name].get<std::string>();
    if (f.mask == domain::Mask::kPhone && !phone) record[f.name] = domain::mask_phone(v);
    if (f.mask == domain::Mask::kIdNumber && !idn) record[f.name] = domain::mask_id_number(v);
  }
}

// The scope a reader of records of `s` has: staff their customer scope; an outsider their
// portal group, for the records made for outsiders only.
static bool portal_reads(const Actor& a, const EntitySpec& s) {
  return a.role == domain::Role::kPortalUser && !s.outsider_fields.empty();
}

static ScopeSql reader_scope(const Actor& a, const EntitySpec& s) {
  return portal_reads(a, s) ? portal_scope_sql(a, "c") : customer_scope_sql(a, "c");
}

static bool may_read(const Actor& a, const EntitySpec& s, const RecordHooks& h) {
  return a.can(h.read_perm) || portal_reads(a, s);
}

static Result<bool> customer_in(db::Connection& c, const ScopeSql& scope, int64_t customer_id) {
  db::Params p = {customer_id};
  p.insert(p.end(), scope.params.begin(), scope.params.end());
  KAM_TRY(row, c.query_one("SELECT 1 FROM customers c WHERE c.id = ? AND " + scope.sql, p));
  return row.has_value();
}

Result<bool> Records::customer_visible(db::Connection& c, const Actor& a, int64_t customer_id) {
  return customer_in(c, customer_scope_sql(a, "c"), customer_id);
}

Result<bool> Records::portal_customer_visible(db::Connection& c, const Actor& a,
                                              int64_t customer_id) {
  return customer_in(c, portal_scope_sql(a, "c"), customer_id);
}

Result<std::vector<json>> Records::load_where(db::Connection& c, const EntitySpec& s,
                                              const std::string& where, const db::Params& p,
                                              const std::string& order, int limit,
                                              const RecordHooks* h) {
  std::string sql = "SELECT " + select_columns(s) + " FROM " + s.table + " t WHERE " + where;
  if (!order.empty()) sql += " ORDER BY " + order;
  db::Params params = p;
  if (limit > 0) {
    sql += " LIMIT ?";
    params.push_back(static_cast<int64_t>(limit));
  }
  KAM_TRY(rows, c.query(sql, params));
  std::vector<json> out;
  out.reserve(rows.size());
  for (const auto& r : rows) {
    out.push_back(row_to_json(s, rows, r));
    if (h && h->decorate) h->decorate(out.back());
  }
  return out;
}

Result<std::optional<json>> Records::load(db::Connection& c, const Actor& a, const EntitySpec& s,
                                          int64_t id, const RecordHooks* h) {
  return load_in(c, customer_scope_sql(a, "c"), s, id, h);
}

Result<std::optional<json>> Records::load_in(db::Connection& c, const ScopeSql& scope,
                                             const EntitySpec& s, int64_t id,
                                             const RecordHooks* h) {
  std::string where = "t.id = ?";
  db::Params p = {id};
  if (!scope.all && s.scoping != domain::Scoping::kNone) {
    where +=
        s.owned_by_customer()
            ? " AND EXISTS (SELECT 1 FROM customers c WHERE c.id = t.customer_id AND " + scope.sql +
                  ")"
            : " AND EXISTS (SELECT 1 FROM customers c WHERE c.id = t.id AND " + scope.sql + ")";
    p.insert(p.end(), scope.params.begin(), scope.params.end());
  }
  KAM_TRY(rows, load_where(c, s, where, p, "", 0, h));
  if (rows.empty()) return std::optional<json>{};
  return std::optional<json>(std::move(rows.front()));
}

Result<json> Records::list(const Actor& a, const EntitySpec& s, const RecordHooks& h,
                           const ListQuery& q, std::optional<int64_t> customer_id) {
  if (!may_read(a, s, h)) return Error::forbidden("your role cannot read " + s.title + "s");
  if (q.limit < 1 || q.limit > 200) return Error::invalid("limit", "must be between 1 and 200");
  KAM_TRY(lease, db_.acquire());
  std::string where = "1=1";
  db::Params p;
  auto scope = reader_scope(a, s);
  if (customer_id) {
    KAM_TRY(visible, customer_in(*lease, scope, *customer_id));
    if (!visible) return Error::not_found("customer");
    where += " AND t.customer_id = ?";
    p.push_back(*customer_id);
  } else {
    if (!scope.all && s.scoping != domain::Scoping::kNone) {
      where +=
          s.owned_by_customer()
              ? " AND t.customer_id IN (SELECT c.id FROM customers c WHERE " + scope.sql + ")"
              : " AND EXISTS (SELECT 1 FROM customers c WHERE c.id = t.id AND " + scope.sql + ")";
      p.insert(p.end(), scope.params.begin(), scope.params.end());
    }
  }
  bool outsider = domain::is_outsider(a.role);
  if (outsider) {
    // Outsiders filter and sort by the fields they see, nothing else (a filter on a hidden
    // field would answer what it holds).
    auto shown = [&](const std::string& n) {
      return std::find(s.outsider_fields.begin(), s.outsider_fields.end(), n) !=
             s.outsider_fields.end();
    };
    for (const auto& [name, value] : q.params) {
      if (!value.empty() && !shown(name))
        return Error::forbidden("your role cannot filter " + s.title + "s by " + name);
    }
    std::string sort_name = q.sort.empty() || q.sort[0] != '-' ? q.sort : q.sort.substr(1);
    if (!sort_name.empty() && !shown(sort_name))
      return Error::forbidden("your role cannot sort " + s.title + "s by " + sort_name);
  }
  for (const auto& f : s.fields) {
    auto it = q.params.find(f.name);
    if (it == q.params.end() || !f.filter) continue;
    // A masked field is never matched for someone who sees it masked: an exact filter on the
    // real number would tell it digit by digit (total 1 or 0).
    if (!sees_unmasked(a, f.mask)) {
      return Error::forbidden("your role sees " + f.name +
                              " masked and cannot filter on it (needs the right to see numbers)");
    }
    json v = it->second;
    if (f.type == FieldType::kRef || f.type == FieldType::kInt) {
      try {
        v = std::stoll(it->second);
      } catch (...) {
        return Error::invalid(f.name, "must be an integer");
      }
    }
    if (f.type == FieldType::kBool) {
      if (it->second != "true" && it->second != "false")
        return Error::invalid(f.name, "must be true or false");
      v = it->second == "true";
    }
    if (f.type == FieldType::kEnum) KAM_CHECK(decode_field(f, v));
    where += " AND t." + f.name + " = ?";
    p.push_back(to_db(f, v));
  }
  if (h.filters && !outsider) KAM_CHECK(h.filters(*lease, a, q, where, p));
  KAM_TRY(sort, parse_sort(s, q.sort));
  // Sorting by a masked field would order the hidden digits (and put them in the cursor).
  if (const FieldSpec* f = s.field(sort.name); f && !sees_unmasked(a, f->mask)) {
    return Error::forbidden("your role sees " + f->name + " masked and cannot sort by it");
  }

  KAM_TRY(count, lease->query_one("SELECT COUNT(*) FROM " + s.table + " t WHERE " + where, p));
  if (!q.cursor.empty()) {
    KAM_TRY(cur, decode_cursor(q.cursor));
    if (sort.numeric != cur.value.is_number())
      return Error::invalid("cursor", "does not match the sort order");
    where += " AND (" + sort.expr + (sort.desc ? " < ?" : " > ?") + " OR (" + sort.expr +
             " = ? AND t.id " + (sort.desc ? "< ?" : "> ?") + "))";
    db::Value sv = sort.numeric ? db::Value(cur.value.get<int64_t>())
                                : db::Value(cur.value.get<std::string>());
    p.push_back(sv);
    p.push_back(sv);
    p.push_back(cur.id);
  }
  std::string dir = sort.desc ? " DESC" : " ASC";
  KAM_TRY(items,
          load_where(*lease, s, where, p, sort.expr + dir + ", t.id" + dir, q.limit + 1, &h));
  json next = nullptr;
  if (items.size() > static_cast<size_t>(q.limit)) {
    items.pop_back();
    const json& last = items.back();
    json sv;
    if (sort.name == "id") {
      sv = last["id"];
    } else if (sort.name == "created_at" || sort.name == "updated_at" ||
               (s.field(sort.name) && s.field(sort.name)->type == FieldType::kTimestamp)) {
      sv = last[sort.name].is_null() ? 0 : *parse_iso8601(last[sort.name].get<std::string>());
    } else {
      sv = last[sort.name].is_null() ? (sort.numeric ? json(0) : json("")) : last[sort.name];
    }
    next = encode_cursor({sv, last["id"].get<int64_t>()});
  }
  json arr = json::array();
  for (auto& it : items) {
    mask(a, s, it);
    arr.push_back(std::move(it));
  }
  return json{{"items", arr}, {"next_cursor", next}, {"total", count ? count->i64(0) : 0}};
}

Result<json> Records::get(const Actor& a, const EntitySpec& s, const RecordHooks& h, int64_t id) {
  if (!may_read(a, s, h)) return Error::forbidden("your role cannot read " + s.title + "s");
  KAM_TRY(lease, db_.acquire());
  KAM_TRY(rec, load_in(*lease, reader_scope(a, s), s, id, &h));
  if (!rec) return Error::not_found(s.title);
  mask(a, s, *rec);
  return *rec;
}

Result<json> Records::create(const Actor& a, const EntitySpec& s, const RecordHooks& h,
                             const json& body, std::optional<int64_t> customer_id) {
  KAM_TRY(lease, db_.acquire());
  KAM_TRY(tx, db::Transaction::begin(lease));
  KAM_TRY(out, create_in(tx.conn(), a, s, h, body, customer_id));
  KAM_CHECK(tx.commit());
  return out;
}

Result<json> Records::create_in(db::Connection& c, const Actor& a, const EntitySpec& s,
                                const RecordHooks& h, const json& body,
                                std::optional<int64_t> customer_id) {
  if (!a.can(h.create_perm)) return Error::forbidden("your role cannot create a " + s.title);
  // Scope before the body: a customer outside it answers 404 whatever the body holds.
  if (s.owned_by_customer()) {
    if (!customer_id) return Error::invalid("customer_id", "is required");
    KAM_TRY(visible, customer_visible(c, a, *customer_id));
    if (!visible) return Error::not_found("customer");
  }
  KAM_TRY(vals, decode_body(s, body, true));
  if (s.owned_by_customer()) vals["customer_id"] = *customer_id;
  if (h.validate) KAM_CHECK(h.validate(c, a, vals, nullptr));
  KAM_CHECK(check_references(c, s, vals));
  int64_t now = clock_.now();
  std::string cols = "created_at, updated_at, version", qs = "?, ?, 1";
  db::Params p = {now, now};
  if (s.owned_by_customer()) {
    cols += ", customer_id";
    qs += ", ?";
    p.push_back(*customer_id);
  }
  for (const auto& f : s.fields) {
    if (!vals.contains(f.name) || !f.stored) continue;
    cols += ", " + f.name;
    qs += ", ?";
    p.push_back(to_db(f, vals[f.name]));
  }
  KAM_TRY(idrow,
          c.query_one("INSERT INTO " + s.table + " (" + cols + ") VALUES (" + qs + ") RETURNING id",
                      p));
  int64_t id = idrow->i64(0);
  KAM_TRY(after, load(c, Actor::system(), s, id, &h));
  if (h.after_write) KAM_CHECK(h.after_write(c, a, *after));
  json audited = *after;
  strip_hidden(s, audited);
  KAM_CHECK(write_audit(c, clock_, a, "create", s.name, id, nullptr, audited));
  json out = *after;
  mask(a, s, out);
  return out;
}

Result<json> Records::update(const Actor& a, const EntitySpec& s, const RecordHooks& h, int64_t id,
                             const json& body) {
  if (!a.can(h.write_perm)) return Error::forbidden("your role cannot change a " + s.title);
  KAM_TRY(lease, db_.acquire());
  KAM_TRY(tx, db::Transaction::begin(lease));
  // Scope and authorship before the body: a record outside either answers 404 or 403 whatever
  // the body holds, so field errors never tell that a hidden record exists.
  KAM_TRY(before, load(tx.conn(), a, s, id, &h));
  if (!before) return Error::not_found(s.title);
  KAM_CHECK(check_author(a, s, h, *before, "change"));
  if (!body.is_object()) return Error::invalid("", "the request body must be a JSON object");
  if (!body.contains("version"))
    return Error::invalid("version", "is required: send the version you read");
  if (!body["version"].is_number_integer()) return Error::invalid("version", "must be an integer");
  int64_t version = body["version"].get<int64_t>();
  KAM_TRY(changes, decode_body(s, body, false));
  if ((*before)["version"].get<int64_t>() != version) {
    return Error::conflict("this " + s.title + " was changed by someone else (now version " +
                               std::to_string((*before)["version"].get<int64_t>()) +
                               "); reload and try again",
                           "version");
  }
  json merged = *before;
  for (auto it = changes.begin(); it != changes.end(); ++it) merged[it.key()] = it.value();
  if (h.validate) KAM_CHECK(h.validate(tx.conn(), a, merged, &*before));
  // Hooks may fill in further fields: take every writable field that differs from before.
  json diff_before = json::object(), diff_after = json::object();
  std::string sets;
  db::Params p;
  for (const auto& f : s.fields) {
    if (!f.stored || !merged.contains(f.name) || merged[f.name] == (*before)[f.name]) continue;
    sets += f.name + " = ?, ";
    p.push_back(to_db(f, merged[f.name]));
    diff_before[f.name] = f.hidden ? json("***") : (*before)[f.name];
    diff_after[f.name] = f.hidden ? json("***") : merged[f.name];
  }
  KAM_CHECK(check_references(tx.conn(), s, diff_after));
  if (sets.empty()) {
    json out = *before;
    mask(a, s, out);
    return out;  // nothing changed: no new version, no audit record
  }
  p.push_back(clock_.now());
  p.push_back(id);
  p.push_back(version);
  KAM_TRY(n, tx->exec("UPDATE " + s.table + " SET " + sets +
                          "updated_at = ?, version = version + 1 WHERE id = ? AND version = ?",
                      p));
  if (n == 0)
    return Error::conflict("this " + s.title + " was changed by someone else; reload and try again",
                           "version");
  KAM_TRY(after, load(tx.conn(), Actor::system(), s, id, &h));
  if (h.after_write) KAM_CHECK(h.after_write(tx.conn(), a, *after));
  KAM_CHECK(write_audit(tx.conn(), clock_, a, "update", s.name, id, diff_before, diff_after));
  KAM_CHECK(tx.commit());
  json out = *after;
  mask(a, s, out);
  return out;
}

Status Records::remove(const Actor& a, const EntitySpec& s, const RecordHooks& h, int64_t id) {
  if (!a.can(h.delete_perm)) return Error::forbidden("your role cannot delete a " + s.title);
  KAM_TRY(lease, db_.acquire());
  KAM_TRY(tx, db::Transaction::begin(lease));
  KAM_TRY(before, load(tx.conn(), a, s, id, &h));
  if (!before) return Error::not_found(s.title);
  KAM_CHECK(check_author(a, s, h, *before, "delete"));
  if (h.before_delete) KAM_CHECK(h.before_delete(tx.conn(), a, *before));
  auto n = tx->exec("DELETE FROM " + s.table + " WHERE id = ?", {id});
  if (!n) {
    if (n.error().code == ErrorCode::kInvalid) {
      return Error::conflict("this " + s.title + " is still referenced by other records");
    }
    return n.error();
  }
  json audited = *before;
  strip_hidden(s, audited);
  KAM_CHECK(write_audit(tx.conn(), clock_, a, "delete", s.name, id, audited, nullptr));
  KAM_CHECK(tx.commit());
  return {};
}

}  // namespace kam::services
