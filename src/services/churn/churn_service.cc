#include "services/churn/churn_service.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <set>

#include <spdlog/spdlog.h>
#include <thread>

#include "domain/masking.h"
#include "domain/usage_fields.h"
#include "services/churn/churn_history.h"
#include "services/core/audit.h"
#include "services/core/import_job.h"
#include "services/core/job_owner.h"

namespace kam::services {
namespace {

using domain::Perm;

const char* kModelColumns =
    "id, name, source, label_column, id_column, rows_total, rows_churned, features, ignored, "
    "notes, auc, auc_sd, "
    "evaluation, trees, train_seconds, model_size, is_current, created_by, created_at, "
    "activated_at";

json parse_or(const std::string& text, json fallback) {
  auto j = json::parse(text, nullptr, false);
  return j.is_discarded() ? fallback : j;
}

json model_row_json(const db::Row& r) {
  auto opt_num = [&r](size_t i) { return r.is_null(i) ? json(nullptr) : json(r.f64(i)); };
  return {{"id", r.i64(0)},
          {"name", r.text(1)},
          {"source", r.text(2)},
          {"label_column", r.text(3)},
          {"id_column", r.is_null(4) ? json(nullptr) : json(r.text(4))},
          {"rows", r.i64(5)},
          {"churned", r.i64(6)},
          {"features", parse_or(r.text(7), json::array())},
          {"ignored", parse_or(r.text(8), json::array())},
          {"notes", parse_or(r.text(9), json::array())},
          {"auc", opt_num(10)},
          {"auc_sd", opt_num(11)},
          {"evaluation", parse_or(r.text(12), json::object())},
          {"trees", r.i64(13)},
          {"train_seconds", r.f64(14)},
          {"model_size", r.i64(15)},
          {"is_current", r.i64(16) == 1},
          {"created_by", r.is_null(17) ? json(nullptr) : json(r.i64(17))},
          {"created_at", iso8601(r.i64(18))},
          {"activated_at", r.is_null(19) ? json(nullptr) : json(iso8601(r.i64(19)))}};
}

// The features as the model list shows them: name, type and how many categories.
json features_summary(const churn::ModelSchema& s) {
  json out = json::array();
  for (const auto& f : s.features) {
    json j = {{"name", f.name},
              {"type", f.categorical()                             ? "categorical"
                       : f.kind == churn::Feature::Kind::kPresence ? "presence"
                                                                   : "numeric"}};
    if (f.categorical()) j["categories"] = f.categories.size();
    out.push_back(std::move(j));
  }
  return out;
}

json factors_json(const std::vector<churn::Factor>& factors) {
  json out = json::array();
  for (const auto& f : factors) {
    out.push_back({{"feature", f.feature},
                   {"value", f.value},
                   {"contribution", std::round(f.contribution * 1e4) / 1e4}});
  }
  return out;
}

db::Value user_or_null(const Actor& a) {
  return a.user_id ? db::Value(a.user_id) : db::Value(nullptr);
}

Status check_request(const TrainRequest& r) {
  if (utf8_length(r.name) > 100) return Error::invalid("name", "is longer than 100 characters");
  if (r.folds < 2 || r.folds > 20) return Error::invalid("folds", "must be between 2 and 20");
  return {};
}

// Every customer in the actor's scope, else 404 naming the first one outside it (checked before
// anything is written; an actor who sees every customer skips the walk).
Status check_in_scope(db::Connection& c, const Actor& a, const std::vector<int64_t>& customers) {
  auto scope = customer_scope_sql(a, "c");
  if (scope.all) return {};
  std::set<int64_t> seen;
  for (size_t from = 0; from < customers.size(); from += 500) {
    size_t to = std::min(customers.size(), from + 500);
    db::Params p(customers.begin() + static_cast<std::ptrdiff_t>(from),
                 customers.begin() + static_cast<std::ptrdiff_t>(to));
    p.insert(p.end(), scope.params.begin(), scope.params.end());
    KAM_TRY(rows, c.query("SELECT c.id FROM customers c WHERE c.id IN " +
                              db::placeholders(to - from) + " AND " + scope.sql,
                          p));
    for (const auto& r : rows) seen.insert(r.i64(0));
  }
  for (int64_t id : customers) {
    if (!seen.count(id)) return Error::not_found("customer " + std::to_string(id));
  }
  return {};
}

}  // namespace

ChurnService::ChurnService(Records& records)
    : records_(records),
      threads_(std::max(1, static_cast<int>(std::thread::hardware_concurrency()) - 1)) {}

Result<json> ChurnService::load_model_json(db::Connection& c, int64_t id) {
  KAM_TRY(row,
          c.query_one(std::string("SELECT ") + kModelColumns + " FROM churn_models WHERE id = ?",
                      {id}));
  if (!row) return Error::not_found("churn model");
  return model_row_json(*row);
}

Result<json> ChurnService::list_models(const Actor& a) {
  if (!a.can(Perm::kAnalysisRead)) return Error::forbidden("your role cannot read churn models");
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(rows, lease->query(std::string("SELECT ") + kModelColumns +
                             " FROM churn_models ORDER BY id DESC LIMIT 200"));
  json items = json::array();
  json current = nullptr;
  for (const auto& r : rows) {
    items.push_back(model_row_json(r));
    if (items.back()["is_current"] == true) current = items.back()["id"];
  }
  return json{{"items", std::move(items)}, {"current_id", current}};
}

Result<json> ChurnService::get_model(const Actor& a, int64_t id) {
  if (!a.can(Perm::kAnalysisRead)) return Error::forbidden("your role cannot read churn models");
  KAM_TRY(lease, records_.db().acquire());
  return load_model_json(*lease, id);
}

Result<json> ChurnService::train_from_csv(const Actor& a, std::string_view csv,
                                          const TrainRequest& r) {
  if (!a.can(Perm::kChurnManage))
    return Error::forbidden("training churn models needs the analyst, supervisor or admin role");
  if (r.label_column.empty())
    return Error::invalid("label", "is required: the name of the churned yes/no column");
  KAM_CHECK(check_request(r));
  KAM_TRY(table, churn::parse_csv(csv));
  KAM_TRY(d, churn::make_dataset(std::move(table), r.label_column, r.id_column));
  return train_from_dataset(a, d, r, "upload");
}

Result<json> ChurnService::train_from_dataset(
    const Actor& a, const churn::Dataset& d, const TrainRequest& r, std::string_view source,
    const std::function<void(const std::string&)>& progress) {
  if (!a.can(Perm::kChurnManage))
    return Error::forbidden("training churn models needs the analyst, supervisor or admin role");
  if (source != "upload" && source != "usage" && source != "cli")
    return Error::invalid("source", "must be upload, usage or cli");
  KAM_CHECK(check_request(r));
  churn::TrainOptions o;
  o.folds = r.folds;
  o.seed = r.seed;
  o.threads = threads_;
  o.progress = progress;
  o.now = records_.clock().now();
  auto t0 = std::chrono::steady_clock::now();
  KAM_TRY(trained, churn::train(d, o));
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  trained.model.schema().training["seconds"] = secs;
  return store_model(a, d, trained, r, source);
}

Result<json> ChurnService::store_model(const Actor& a, const churn::Dataset& d,
                                       const churn::Trained& t, const TrainRequest& r,
                                       std::string_view source) {
  const auto& s = t.model.schema();
  KAM_TRY(bytes, t.model.to_bytes());
  const Clock& clock = records_.clock();
  std::string name =
      r.name.empty() ? std::string(source) + " " + iso8601(clock.now()).substr(0, 10) : r.name;
  json ignored = json::array();
  for (const auto& [col, why] : s.ignored) ignored.push_back({{"column", col}, {"reason", why}});
  json eval = t.evaluation.to_json();
  if (!r.dataset.empty()) eval["dataset"] = r.dataset;
  int64_t size = static_cast<int64_t>(bytes.size());
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(tx, db::Transaction::begin(lease));
  KAM_TRY(current, tx->query_one("SELECT id FROM churn_models WHERE is_current = 1"));
  int64_t make_current = current ? 0 : 1;
  KAM_TRY(row, tx->query_one("INSERT INTO churn_models(name, source, label_column, id_column, "
                             "rows_total, rows_churned, features, "
                             "ignored, notes, auc, auc_sd, evaluation, trees, train_seconds, "
                             "model_size, model, is_current, "
                             "created_by, created_at, activated_at) VALUES (?, ?, ?, ?, ?, ?, ?, "
                             "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                             "RETURNING id",
                             {name,
                              std::string(source),
                              d.label_column,
                              d.id_column.empty() ? db::Value(nullptr) : db::Value(d.id_column),
                              static_cast<int64_t>(d.labels.size()),
                              static_cast<int64_t>(d.positives()),
                              features_summary(s).dump(),
                              ignored.dump(),
                              json(t.notes).dump(),
                              t.evaluation.auc_mean,
                              t.evaluation.auc_sd,
                              eval.dump(),
                              static_cast<int64_t>(s.rounds),
                              s.training.value("seconds", t.fit_seconds),
                              size,
                              db::Blob{std::move(bytes)},
                              make_current,
                              user_or_null(a),
                              clock.now(),
                              make_current ? db::Value(clock.now()) : db::Value(nullptr)}));
  int64_t id = row->i64(0);
  KAM_CHECK(write_audit(tx.conn(), clock, a, "create", "churn_model", id, nullptr,
                        {{"name", name},
                         {"source", source},
                         {"rows", d.labels.size()},
                         {"auc", t.evaluation.auc_mean},
                         {"trees", s.rounds},
                         {"is_current", make_current == 1}}));
  KAM_TRY(out, load_model_json(tx.conn(), id));
  KAM_CHECK(tx.commit());
  return out;
}

Result<json> ChurnService::activate(const Actor& a, int64_t id) {
  if (!a.can(Perm::kChurnManage))
    return Error::forbidden("choosing the churn model needs the analyst, supervisor or admin role");
  const Clock& clock = records_.clock();
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(tx, db::Transaction::begin(lease));
  KAM_TRY(before, load_model_json(tx.conn(), id));
  KAM_TRY(prev, tx->query_one("SELECT id FROM churn_models WHERE is_current = 1"));
  if (prev && prev->i64(0) == id) return before;  // already current: nothing changes
  KAM_CHECK(tx->exec("UPDATE churn_models SET is_current = 0 WHERE is_current = 1"));
  KAM_CHECK(tx->exec("UPDATE churn_models SET is_current = 1, activated_at = ? WHERE id = ?",
                     {clock.now(), id}));
  KAM_CHECK(write_audit(tx.conn(), clock, a, "activate", "churn_model", id,
                        {{"current_model_id", prev ? json(prev->i64(0)) : json(nullptr)}},
                        {{"current_model_id", id}}));
  KAM_TRY(out, load_model_json(tx.conn(), id));
  KAM_CHECK(tx.commit());
  return out;
}

Result<std::optional<churn::Model>> ChurnService::current_model() {
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(row, lease->query_one("SELECT model FROM churn_models WHERE is_current = 1"));
  if (!row) return std::optional<churn::Model>();
  KAM_TRY(model, churn::Model::from_bytes(row->blob(0)));
  return std::optional<churn::Model>(std::move(model));
}

Result<json> ChurnService::score_customers(const Actor& a, int month, const ScoringTable& t) {
  if (!a.can(Perm::kChurnManage))
    return Error::forbidden("scoring customers needs the analyst, supervisor or admin role");
  if (!domain::parse_month(domain::month_text(month)))
    return Error::invalid("month", "must be a month YYYYMM");
  const size_t n = t.features.rows;
  if (t.customer_ids.size() != n)
    return Error::invalid("customer_ids", "need one customer per row");
  if (!t.member_ids.empty() && t.member_ids.size() != n)
    return Error::invalid("member_ids", "need one entry per row, or none");
  auto t0 = std::chrono::steady_clock::now();
  int64_t model_id = 0;
  std::optional<churn::Model> model;
  // The customers this call replaces the scores of: each must be in the actor's scope (a
  // supervisor scores their teams' customers, never the whole province's).
  std::vector<int64_t> customers(t.customer_ids.begin(), t.customer_ids.end());
  std::sort(customers.begin(), customers.end());
  customers.erase(std::unique(customers.begin(), customers.end()), customers.end());
  {  // no pool connection is held while scoring
    KAM_TRY(lease, records_.db().acquire());
    KAM_CHECK(check_in_scope(*lease, a, customers));
    KAM_TRY(row, lease->query_one("SELECT id, model FROM churn_models WHERE is_current = 1"));
    if (!row) return Error::conflict("there is no current churn model: train one and activate it");
    model_id = row->i64(0);
    KAM_TRY(m, churn::Model::from_bytes(row->blob(1)));
    model.emplace(std::move(m));
  }
  churn::ScoreOptions so;
  so.threads = threads_;
  KAM_TRY(scored, model->score(t.features, so));
  const Clock& clock = records_.clock();
  int64_t now = clock.now();
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(tx, db::Transaction::begin(lease));
  // Replace the scores of the customers scored here, not the month's others.
  for (size_t from = 0; from < customers.size(); from += 500) {
    size_t to = std::min(customers.size(), from + 500);
    db::Params p = {static_cast<int64_t>(month)};
    p.insert(p.end(), customers.begin() + static_cast<std::ptrdiff_t>(from),
             customers.begin() + static_cast<std::ptrdiff_t>(to));
    KAM_CHECK(tx->exec("DELETE FROM churn_scores WHERE month = ? AND customer_id IN " +
                           db::placeholders(to - from),
                       p));
  }
  constexpr size_t kBatch = 200;  // rows per INSERT: 7 parameters each
  for (size_t from = 0; from < n; from += kBatch) {
    size_t to = std::min(n, from + kBatch);
    std::string sql =
        "INSERT INTO churn_scores(month, customer_id, member_id, model_id, score, factors, "
        "scored_at) VALUES ";
    db::Params p;
    for (size_t r = from; r < to; ++r) {
      sql += (r == from ? "" : ",") + db::placeholders(7);
      std::optional<int64_t> member = t.member_ids.empty() ? std::nullopt : t.member_ids[r];
      p.insert(p.end(), {static_cast<int64_t>(month), t.customer_ids[r], db::opt(member), model_id,
                         scored.scores[r], factors_json(scored.factors[r]).dump(), now});
    }
    KAM_CHECK(tx->exec(sql, p));
  }
  json warnings = scored.report.summary(model->schema());
  KAM_CHECK(write_audit(tx.conn(), clock, a, "score", "churn_model", model_id, nullptr,
                        {{"month", domain::month_text(month)},
                         {"rows", n},
                         {"rows_with_notes", scored.report.rows_with_notes}}));
  KAM_CHECK(tx.commit());
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return json{{"month", domain::month_text(month)},
              {"model_id", model_id},
              {"rows", n},
              {"rows_with_notes", scored.report.rows_with_notes},
              {"warnings", warnings},
              {"seconds", secs}};
}

namespace {

// Whole positive ids of a column, or an error naming the line.
Result<std::vector<int64_t>> id_column(const churn::TextTable& t, size_t col, bool optional) {
  std::vector<int64_t> ids(t.rows(), 0);
  for (size_t r = 0; r < t.rows(); ++r) {
    const std::string& v = t.cells[col][r];
    if (v.empty() && optional) continue;
    if (v.empty() || v.size() > 18 || v.find_first_not_of("0123456789") != std::string::npos ||
        v[0] == '0') {
      return Error::invalid(t.columns[col], "line " + std::to_string(t.lines[r]) + ": '" + v +
                                                "' is not a " + t.columns[col] +
                                                " (a positive whole number)");
    }
    ids[r] = std::stoll(v);
  }
  return ids;
}

// Refuses ids that are not in `table` (with the customer they must belong to, for members).
Status check_known(db::Connection& c, const churn::TextTable& t, const std::string& column,
                   const std::vector<int64_t>& ids, const std::vector<int64_t>* customers) {
  std::map<int64_t, int64_t> known;  // id -> customer (members) or itself
  std::vector<int64_t> distinct(ids.begin(), ids.end());
  std::sort(distinct.begin(), distinct.end());
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  for (size_t from = 0; from < distinct.size(); from += 500) {
    size_t to = std::min(distinct.size(), from + 500);
    db::Params p(distinct.begin() + static_cast<std::ptrdiff_t>(from),
                 distinct.begin() + static_cast<std::ptrdiff_t>(to));
    std::string sql =
        customers ? "SELECT id, customer_id FROM members WHERE id IN " + db::placeholders(to - from)
                  : "SELECT id, id FROM customers WHERE id IN " + db::placeholders(to - from);
    KAM_TRY(rows, c.query(sql, p));
    for (const auto& r : rows) known[r.i64(0)] = r.i64(1);
  }
  for (size_t r = 0; r < ids.size(); ++r) {
    if (!ids[r]) continue;
    auto it = known.find(ids[r]);
    std::string where = "line " + std::to_string(t.lines[r]) + ": ";
    if (it == known.end())
      return Error::invalid(column,
                            where + column + " " + std::to_string(ids[r]) + " does not exist");
    if (customers && it->second != (*customers)[r]) {
      return Error::invalid(column, where + "member " + std::to_string(ids[r]) +
                                        " is not a member of customer " +
                                        std::to_string((*customers)[r]));
    }
  }
  return {};
}

}  // namespace

Result<json> ChurnService::score_csv(const Actor& a, int month, std::string_view csv) {
  if (!a.can(Perm::kChurnManage))
    return Error::forbidden("scoring customers needs the analyst, supervisor or admin role");
  KAM_TRY(table, churn::parse_csv(csv));
  int ci = table.find("customer_id"), mi = table.find("member_id");
  if (ci < 0)
    return Error::invalid("customer_id", "the file needs a customer_id column (KAM's customer id)");
  ScoringTable t;
  KAM_TRY(customers, id_column(table, static_cast<size_t>(ci), false));
  t.customer_ids = std::move(customers);
  {
    KAM_TRY(lease, records_.db().acquire());
    KAM_CHECK(check_known(*lease, table, "customer_id", t.customer_ids, nullptr));
    if (mi >= 0) {
      KAM_TRY(members, id_column(table, static_cast<size_t>(mi), true));
      KAM_CHECK(check_known(*lease, table, "member_id", members, &t.customer_ids));
      for (int64_t m : members)
        t.member_ids.push_back(m ? std::optional<int64_t>(m) : std::nullopt);
    }
  }
  t.features.rows = table.rows();
  t.features.lines = table.lines;
  for (size_t c = 0; c < table.columns.size(); ++c) {
    if (static_cast<int>(c) == ci || static_cast<int>(c) == mi) continue;
    t.features.columns.push_back({table.columns[c], false, {}, std::move(table.cells[c])});
  }
  return score_customers(a, month, t);
}

Result<MonthScores> ChurnService::latest_scores(db::Connection& c, int month) {
  MonthScores out;
  KAM_TRY(row, c.query_one("SELECT MAX(month) FROM churn_scores WHERE month <= ?",
                           {static_cast<int64_t>(month)}));
  if (!row || row->is_null(0)) return out;
  out.month = static_cast<int>(row->i64(0));
  KAM_TRY(rows, c.query("SELECT customer_id, member_id, score FROM churn_scores WHERE month = ? "
                        "ORDER BY customer_id, member_id",
                        {static_cast<int64_t>(out.month)}));
  out.scores.reserve(rows.size());
  for (const auto& r : rows) out.scores.push_back({r.i64(0), r.opt_i64(1), r.f64(2)});
  return out;
}

Result<json> ChurnService::customer_churn(const Actor& a, int64_t customer_id) {
  if (!a.can(Perm::kAnalysisRead)) return Error::forbidden("your role cannot read churn scores");
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(visible, records_.customer_visible(*lease, a, customer_id));
  if (!visible) return Error::not_found("customer");
  json out = {{"customer_id", customer_id}, {"month", nullptr},         {"score", nullptr},
              {"percentile", nullptr},      {"factors", json::array()}, {"model", nullptr},
              {"history", json::array()},   {"members", json::array()}};
  KAM_TRY(last, lease->query_one("SELECT MAX(month) FROM churn_scores WHERE customer_id = ?",
                                 {customer_id}));
  if (!last || last->is_null(0)) return out;
  int64_t month = last->i64(0);
  out["month"] = domain::month_text(static_cast<int>(month));
  KAM_TRY(
      own,
      lease->query_one(
          "SELECT score, factors, model_id FROM churn_scores WHERE customer_id = ? AND month = ? "
          "AND member_id IS NULL",
          {customer_id, month}));
  KAM_TRY(
      members,
      lease->query("SELECT s.member_id, s.score, s.factors, m.number, m.name FROM churn_scores s "
                   "JOIN members m ON m.id = s.member_id WHERE s.customer_id = ? AND s.month = ? "
                   "ORDER BY s.score DESC, s.member_id LIMIT 5",
                   {customer_id, month}));
  int64_t model_id = 0;
  if (own) {
    out["score"] = own->f64(0);
    out["factors"] = parse_or(own->text(1), json::array());
    model_id = own->i64(2);
    KAM_TRY(rank,
            lease->query_one(
                "SELECT SUM(CASE WHEN score < ? THEN 1 ELSE 0 END), COUNT(*) FROM churn_scores "
                "WHERE month = ? AND member_id IS NULL",
                {own->f64(0), month}));
    if (rank && rank->i64(1) > 0)
      out["percentile"] = std::round(1000.0 * static_cast<double>(rank->i64(0)) /
                                     static_cast<double>(rank->i64(1))) /
                          10;
  } else if (!members
                  .empty()) {  // scored by member only: the riskiest member speaks for the customer
    out["score"] = members[0].f64(1);
    out["factors"] = parse_or(members[0].text(2), json::array());
  }
  bool see_phone = a.can(Perm::kSeePhone);
  for (const auto& m : members) {
    out["members"].push_back({{"member_id", m.i64(0)},
                              {"number", see_phone ? m.text(3) : domain::mask_phone(m.text(3))},
                              {"name", m.text(4)},
                              {"score", m.f64(1)},
                              {"factors", parse_or(m.text(2), json::array())}});
  }
  KAM_TRY(hist, lease->query("SELECT month, score, model_id FROM churn_scores WHERE customer_id = "
                             "? AND member_id IS NULL "
                             "ORDER BY month DESC LIMIT 12",
                             {customer_id}));
  for (auto it = hist.rows.rbegin(); it != hist.rows.rend(); ++it) {
    out["history"].push_back(
        {{"month", domain::month_text(static_cast<int>(it->i64(0)))}, {"score", it->f64(1)}});
    if (!model_id) model_id = it->i64(2);
  }
  if (!model_id && !members.empty()) {
    KAM_TRY(mid,
            lease->query_one(
                "SELECT model_id FROM churn_scores WHERE customer_id = ? AND month = ? LIMIT 1",
                {customer_id, month}));
    if (mid) model_id = mid->i64(0);
  }
  if (model_id) {
    KAM_TRY(m, lease->query_one("SELECT id, name, auc, is_current FROM churn_models WHERE id = ?",
                                {model_id}));
    if (m)
      out["model"] = {{"id", m->i64(0)},
                      {"name", m->text(1)},
                      {"auc", m->is_null(2) ? json(nullptr) : json(m->f64(2))},
                      {"is_current", m->i64(3) == 1}};
  }
  return out;
}

// ---- training from the stored history, as a job ----

Result<json> ChurnService::train_from_history(
    const Actor& a, const HistoryRequest& r,
    const std::function<void(const std::string&, size_t, size_t)>& progress) {
  if (!a.can(Perm::kChurnManage))
    return Error::forbidden("training churn models needs the analyst, supervisor or admin role");
  KAM_CHECK(check_request(r.train));
  HistoryDataset h;
  {
    KAM_TRY(lease, records_.db().acquire());
    KAM_TRY(built, churn_history_dataset(*lease, {r.month, r.horizon, r.cutoffs},
                                         [&](size_t done, size_t total) {
                                           if (progress) progress("reading", done, total);
                                         }));
    h = std::move(built);
  }
  TrainRequest tr = r.train;
  if (tr.name.empty()) {
    tr.name = "history to " + h.summary["last_cutoff"].get<std::string>() + ", churn within " +
              std::to_string(r.horizon) + " months";
  }
  tr.dataset = h.summary;
  const size_t total = static_cast<size_t>(tr.folds) + 1;  // the folds and the final fit
  size_t done = 0;
  if (progress) progress("training", 0, total);
  KAM_TRY(out, train_from_dataset(a, h.dataset, tr, "usage", [&](const std::string&) {
            if (progress) progress("training", ++done, total);
          }));
  return out;
}

namespace {
const char* kJobColumns =
    "id, kind, status, phase, progress_done, progress_total, params, dataset, model_id, message, "
    "created_by, created_at, started_at, finished_at";
json job_row_json(const db::Row& r) {
  auto opt_time = [&r](size_t i) { return r.is_null(i) ? json(nullptr) : json(iso8601(r.i64(i))); };
  return {{"id", r.i64(0)},
          {"kind", r.text(1)},
          {"status", r.text(2)},
          {"phase", r.is_null(3) ? json(nullptr) : json(r.text(3))},
          {"progress", {{"done", r.i64(4)}, {"total", r.i64(5)}}},
          {"params", parse_or(r.text(6), json::object())},
          {"dataset", parse_or(r.text(7), json::object())},
          {"model_id", r.is_null(8) ? json(nullptr) : json(r.i64(8))},
          {"message", r.is_null(9) ? json(nullptr) : json(r.text(9))},
          {"created_by", r.is_null(10) ? json(nullptr) : json(r.i64(10))},
          {"created_at", iso8601(r.i64(11))},
          {"started_at", opt_time(12)},
          {"finished_at", opt_time(13)}};
}
}  // namespace

Result<json> ChurnService::load_job(db::Connection& c, int64_t id) {
  KAM_TRY(row, c.query_one(std::string("SELECT ") + kJobColumns + " FROM churn_jobs WHERE id = ?",
                           {id}));
  if (!row) return Error::not_found("churn training job");
  return job_row_json(*row);
}

Result<json> ChurnService::get_job(const Actor& a, int64_t id) {
  if (!a.can(Perm::kChurnManage))
    return Error::forbidden("churn training needs the analyst, supervisor or admin role");
  KAM_TRY(lease, records_.db().acquire());
  return load_job(*lease, id);
}

Result<json> ChurnService::list_jobs(const Actor& a) {
  if (!a.can(Perm::kChurnManage))
    return Error::forbidden("churn training needs the analyst, supervisor or admin role");
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(rows, lease->query(std::string("SELECT ") + kJobColumns +
                             " FROM churn_jobs ORDER BY id DESC LIMIT 20"));
  json items = json::array();
  for (const auto& r : rows) items.push_back(job_row_json(r));
  return json{{"items", items}};
}

Result<json> ChurnService::submit_history_training(const Actor& a, const HistoryRequest& r) {
  if (!a.can(Perm::kChurnManage))
    return Error::forbidden("training churn models needs the analyst, supervisor or admin role");
  KAM_CHECK(check_request(r.train));
  if (r.horizon < 1 || r.horizon > 12) return Error::invalid("horizon", "must be between 1 and 12");
  if (r.cutoffs < 1 || r.cutoffs > 36) return Error::invalid("cutoffs", "must be between 1 and 36");
  const Clock& clock = records_.clock();
  json params = {{"month", r.month ? json(domain::month_text(r.month)) : json(nullptr)},
                 {"horizon", r.horizon},
                 {"cutoffs", r.cutoffs},
                 {"folds", r.train.folds},
                 {"name", r.train.name}};
  int64_t id = 0;
  json out;
  {
    KAM_TRY(lease, records_.db().acquire());
    KAM_TRY(tx, db::Transaction::begin(lease));
    // One training at a time: it uses every core but one for minutes on a large history.
    KAM_TRY(busy, tx->query_one(
                      "SELECT id FROM churn_jobs WHERE status IN ('queued', 'running') LIMIT 1"));
    if (busy) {
      return Error::conflict("churn training job " + std::to_string(busy->i64(0)) +
                             " is still running; wait for it to finish");
    }
    KAM_TRY(ins, tx->query_one("INSERT INTO churn_jobs(kind, status, params, created_by, "
                               "created_at, owner, lease_expires_at) VALUES ('history', 'queued', "
                               "?, ?, ?, ?, ?) RETURNING id",
                               {params.dump(), user_or_null(a), clock.now(), this_process_owner(),
                                clock.now() + kJobLeaseSeconds}));
    id = ins->i64(0);
    KAM_CHECK(write_audit(tx.conn(), clock, a, "create", "churn_job", id, nullptr, params));
    KAM_TRY(rec, load_job(tx.conn(), id));
    out = rec;
    KAM_CHECK(tx.commit());
  }
  jobs_.submit([this, a, id, r] {
    auto& db = records_.db();
    const Clock& clock = records_.clock();
    {
      // Not run if another process recovered it meanwhile (this one had lost its lease).
      auto lease = db.acquire();
      auto started = lease ? (*lease)->exec(
                                 "UPDATE churn_jobs SET status = 'running', started_at = ? WHERE "
                                 "id = ? AND status = 'queued' AND owner = ?",
                                 {clock.now(), id, this_process_owner()})
                           : Result<int64_t>(lease.error());
      if (!started || *started != 1) return;
    }
    auto result =
        train_from_history(a, r, [&](const std::string& phase, size_t done, size_t total) {
          auto lease = db.acquire();
          if (!lease) return;
          (void)(*lease)->exec(
              "UPDATE churn_jobs SET phase = ?, progress_done = ?, progress_total = ? WHERE id = ?",
              {phase, static_cast<int64_t>(done), static_cast<int64_t>(total), id});
        });
    auto lease = db.acquire();
    if (!lease) return;
    if (result) {
      (void)(*lease)->exec(
          "UPDATE churn_jobs SET status = 'succeeded', phase = 'done', progress_done = "
          "progress_total, "
          "model_id = ?, dataset = ?, finished_at = ?, owner = NULL, lease_expires_at = NULL "
          "WHERE id = ?",
          {(*result)["id"].get<int64_t>(),
           result->value("evaluation", json::object()).value("dataset", json::object()).dump(),
           clock.now(), id});
    } else {
      spdlog::error("churn training job {} failed: {}", id, result.error().message);
      (void)(*lease)->exec(
          "UPDATE churn_jobs SET status = 'failed', message = ?, finished_at = ?, owner = NULL, "
          "lease_expires_at = NULL WHERE id = ?",
          {result.error().message, clock.now(), id});
    }
  });
  return out;
}

Result<json> ChurnService::recover_interrupted() {
  return fail_interrupted_jobs(records_, JobTable::kChurn,
                               "the process training this model stopped before it was stored; "
                               "start the training again");
}

// ---- monthly scores from the stored history ----

Result<json> ChurnService::score_month(const Actor& a, int month) {
  if (!a.can(Perm::kChurnManage))
    return Error::forbidden("scoring customers needs the analyst, supervisor or admin role");
  if (!customer_scope_sql(a, "c").all)
    return Error::forbidden("scoring the whole month needs a role that sees every customer");
  ScoringTable t;
  {
    KAM_TRY(lease, records_.db().acquire());
    if (!month) {
      KAM_TRY(last, lease->query_one("SELECT MAX(period) FROM usage_periods WHERE kind = 'month'"));
      if (!last || last->is_null(0)) return Error::not_found("usage month (import usage first)");
      month = static_cast<int>(last->i64(0));
    }
    KAM_TRY(current, lease->query_one("SELECT id FROM churn_models WHERE is_current = 1"));
    if (!current)
      return json{{"month", domain::month_text(month)}, {"skipped", "no current churn model"}};
    KAM_TRY(built, churn_features(*lease, month));
    t = std::move(built);
  }
  if (t.features.rows == 0)
    return json{{"month", domain::month_text(month)}, {"skipped", "no active customers"}};
  return score_customers(a, month, t);
}

Result<json> ChurnService::list_scores(const Actor& a, int month, int limit) {
  if (!a.can(Perm::kAnalysisRead)) return Error::forbidden("your role cannot read churn scores");
  if (limit < 1 || limit > 500) return Error::invalid("limit", "must be between 1 and 500");
  KAM_TRY(lease, records_.db().acquire());
  if (!month) {
    KAM_TRY(last, lease->query_one("SELECT MAX(month) FROM churn_scores"));
    if (!last || last->is_null(0))
      return json{{"month", nullptr}, {"items", json::array()}, {"total", 0}, {"model", nullptr}};
    month = static_cast<int>(last->i64(0));
  }
  auto scope = customer_scope_sql(a, "c");
  db::Params p = {static_cast<int64_t>(month)};
  p.insert(p.end(), scope.params.begin(), scope.params.end());
  KAM_TRY(count, lease->query_one("SELECT COUNT(*), MAX(s.model_id) FROM churn_scores s JOIN "
                                  "customers c ON c.id = s.customer_id WHERE s.month = ? AND "
                                  "s.member_id IS NULL AND " +
                                      scope.sql,
                                  p));
  db::Params q = p;
  q.push_back(static_cast<int64_t>(limit));
  KAM_TRY(rows, lease->query(
                    "SELECT s.customer_id, c.name, c.kind, s.score, s.factors, "
                    "(SELECT p.score FROM churn_scores p WHERE p.customer_id = s.customer_id AND "
                    "p.member_id IS NULL AND p.month < s.month ORDER BY p.month DESC LIMIT 1) "
                    "FROM churn_scores s JOIN customers c ON c.id = s.customer_id "
                    "WHERE s.month = ? AND s.member_id IS NULL AND " +
                        scope.sql + " ORDER BY s.score DESC, s.customer_id LIMIT ?",
                    q));
  json items = json::array();
  for (const auto& r : rows) {
    items.push_back({{"customer_id", r.i64(0)},
                     {"name", r.text(1)},
                     {"kind", r.text(2)},
                     {"score", r.f64(3)},
                     {"factors", parse_or(r.text(4), json::array())},
                     {"previous_score", r.is_null(5) ? json(nullptr) : json(r.f64(5))}});
  }
  json model = nullptr;
  if (count && !count->is_null(1)) {
    KAM_TRY(m, lease->query_one("SELECT id, name, auc FROM churn_models WHERE id = ?",
                                {count->i64(1)}));
    if (m)
      model = {{"id", m->i64(0)},
               {"name", m->text(1)},
               {"auc", m->is_null(2) ? json(nullptr) : json(m->f64(2))}};
  }
  return json{{"month", domain::month_text(month)},
              {"items", items},
              {"total", count ? count->i64(0) : 0},
              {"model", model}};
}

}  // namespace kam::services
