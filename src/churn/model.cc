#include "churn/model.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <random>
#include <thread>

#include "churn/xgb.h"

namespace kam::churn {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

int thread_count(int wanted) {
  if (wanted > 0) return wanted;
  return std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
}

// Fisher–Yates with mt19937_64 (fully specified by the standard), so a seed gives the same
// folds with every standard library.
void shuffle(std::vector<size_t>& v, std::mt19937_64& rng) {
  for (size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[rng() % i]);
}

// Splits `rows` into (rest, held out `share`), keeping the churn rate in both.
std::pair<std::vector<size_t>, std::vector<size_t>> stratified_split(
    const std::vector<size_t>& rows, const std::vector<int>& labels, double share,
    std::mt19937_64& rng) {
  std::vector<size_t> by_class[2];
  for (size_t r : rows) by_class[labels[r]].push_back(r);
  std::vector<size_t> rest, held;
  for (auto& v : by_class) {
    shuffle(v, rng);
    size_t k = static_cast<size_t>(std::llround(share * static_cast<double>(v.size())));
    k = std::clamp<size_t>(k, v.size() > 1 ? 1 : 0, v.size() > 1 ? v.size() - 1 : v.size());
    held.insert(held.end(), v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k));
    rest.insert(rest.end(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  }
  std::sort(rest.begin(), rest.end());
  std::sort(held.begin(), held.end());
  return {std::move(rest), std::move(held)};
}

// Fold number per row: each class dealt round-robin after a shuffle (stratified k-fold).
std::vector<int> stratified_folds(const std::vector<int>& labels, int k, std::mt19937_64& rng) {
  std::vector<int> fold(labels.size());
  for (int cls = 0; cls < 2; ++cls) {
    std::vector<size_t> rows;
    for (size_t r = 0; r < labels.size(); ++r) {
      if (labels[r] == cls) rows.push_back(r);
    }
    shuffle(rows, rng);
    for (size_t i = 0; i < rows.size(); ++i)
      fold[rows[i]] = static_cast<int>(i % static_cast<size_t>(k));
  }
  return fold;
}

struct Prepared {
  ModelSchema schema;
  Encoded x;
};

Result<Prepared> prepare(const Dataset& d, std::vector<std::string>* notes) {
  KAM_TRY(schema, infer_schema(d, notes));
  size_t pos = d.positives();
  schema.positive_weight = static_cast<double>(d.labels.size() - pos) / static_cast<double>(pos);
  KAM_TRY(x, encode(schema, d.features));
  return Prepared{std::move(schema), std::move(x)};
}

Result<xgb::DMatrix> matrix(const Prepared& p, const std::vector<int>& labels,
                            const std::vector<size_t>& rows, int threads) {
  std::vector<float> data(rows.size() * p.x.cols), y(rows.size()), w(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    std::copy_n(p.x.data.begin() + static_cast<std::ptrdiff_t>(rows[i] * p.x.cols), p.x.cols,
                data.begin() + static_cast<std::ptrdiff_t>(i * p.x.cols));
    y[i] = static_cast<float>(labels[rows[i]]);
    // Class imbalance: churned rows weigh negatives/positives (what scale_pos_weight does), set
    // as weights so that the validation log-loss used for early stopping is weighted alike.
    w[i] = labels[rows[i]] ? static_cast<float>(p.schema.positive_weight) : 1.0f;
  }
  KAM_TRY(m, xgb::DMatrix::dense(data, rows.size(), p.x.cols, p.x.categorical, threads));
  KAM_CHECK(m.set_labels(y));
  KAM_CHECK(m.set_weights(w));
  return m;
}

nlohmann::json xgb_params(const TrainOptions& o) {
  return {{"objective", "binary:logistic"},
          {"eval_metric", "logloss"},
          {"tree_method", "hist"},
          {"max_depth", o.max_depth},
          {"eta", o.eta},
          {"min_child_weight", o.min_child_weight},
          {"subsample", o.subsample},
          {"colsample_bytree", o.colsample_bytree},
          {"max_bin", 256},
          {"max_cat_to_onehot", 4},
          {"lambda", 1.0}};
}

std::string param_text(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

struct Fit {
  std::unique_ptr<xgb::Booster> booster;
  int rounds = 0;  // trees to use
};

// Trains on `train`; with `valid` rows, stops early on their weighted log-loss, else grows
// exactly `fixed_rounds` trees.
Result<Fit> fit(const Prepared& p, const std::vector<int>& labels, const std::vector<size_t>& train,
                const std::vector<size_t>& valid, int fixed_rounds, const TrainOptions& o,
                uint64_t seed) {
  int threads = thread_count(o.threads);
  KAM_TRY(dtrain, matrix(p, labels, train, threads));
  std::optional<xgb::DMatrix> dvalid;
  std::vector<const xgb::DMatrix*> cache = {&dtrain};
  if (!valid.empty()) {
    KAM_TRY(m, matrix(p, labels, valid, threads));
    dvalid.emplace(std::move(m));
    cache.push_back(&*dvalid);
  }
  KAM_TRY(b, xgb::Booster::create(cache));
  auto booster = std::make_unique<xgb::Booster>(std::move(b));
  const nlohmann::json params = xgb_params(o);
  for (const auto& [k, v] : params.items()) KAM_CHECK(booster->set(k.c_str(), param_text(v)));
  KAM_CHECK(booster->set("nthread", std::to_string(threads)));
  KAM_CHECK(booster->set("seed", std::to_string(seed % 2147483647)));
  Fit f;
  double best = std::numeric_limits<double>::infinity();
  int limit = dvalid ? o.max_rounds : fixed_rounds;
  for (int it = 0; it < limit; ++it) {
    KAM_CHECK(booster->update(it, dtrain));
    if (!dvalid) continue;
    KAM_TRY(loss, booster->eval(it, *dvalid, "valid"));
    if (loss < best - 1e-7) {
      best = loss;
      f.rounds = it + 1;
    } else if (it + 1 - f.rounds >= o.early_stopping_rounds) {
      break;
    }
  }
  if (!dvalid) f.rounds = fixed_rounds;
  f.booster = std::move(booster);
  return f;
}

double sigmoid(double x) {
  return 1 / (1 + std::exp(-x));
}

// Probabilities from margins: the training weights inflate the odds of churn by
// positive_weight; taking its log back off the margin gives scores at the real base rate.
std::vector<double> probabilities(const std::vector<float>& margins, double positive_weight) {
  double shift = std::log(positive_weight);
  std::vector<double> p(margins.size());
  for (size_t i = 0; i < margins.size(); ++i)
    p[i] = sigmoid(static_cast<double>(margins[i]) - shift);
  return p;
}

Result<std::vector<double>> predict_rows(const Prepared& p, const std::vector<int>& labels,
                                         const Fit& f, const std::vector<size_t>& rows,
                                         int threads) {
  KAM_TRY(m, matrix(p, labels, rows, threads));
  KAM_TRY(margins, f.booster->predict(m, xgb::Booster::Output::kMargin, f.rounds));
  return probabilities(margins, p.schema.positive_weight);
}

Result<Evaluation> cross_validate_prepared(const Prepared& p, const Dataset& d,
                                           const TrainOptions& o) {
  auto t0 = Clock::now();
  Evaluation e;
  e.folds = o.folds;
  std::mt19937_64 rng(o.seed);
  auto fold = stratified_folds(d.labels, o.folds, rng);
  e.scores.assign(d.labels.size(), 0);
  for (int k = 0; k < o.folds; ++k) {
    std::vector<size_t> train, test;
    for (size_t r = 0; r < fold.size(); ++r) (fold[r] == k ? test : train).push_back(r);
    auto [fit_rows, valid_rows] = stratified_split(train, d.labels, o.validation_share, rng);
    KAM_TRY(f, fit(p, d.labels, fit_rows, valid_rows, 0, o, o.seed + static_cast<uint64_t>(k)));
    KAM_TRY(scores, predict_rows(p, d.labels, f, test, thread_count(o.threads)));
    std::vector<int> y(test.size());
    for (size_t i = 0; i < test.size(); ++i) {
      e.scores[test[i]] = scores[i];
      y[i] = d.labels[test[i]];
    }
    e.per_fold.push_back({auc(scores, y), log_loss(scores, y), f.rounds, test.size()});
    if (o.progress) {
      char line[160];
      std::snprintf(line, sizeof line, "fold %d/%d: AUC %.4f, log-loss %.4f, %d trees", k + 1,
                    o.folds, e.per_fold.back().auc, e.per_fold.back().log_loss, f.rounds);
      o.progress(line);
    }
  }
  double sum = 0, sq = 0;
  for (const auto& f : e.per_fold) sum += f.auc;
  e.auc_mean = sum / o.folds;
  for (const auto& f : e.per_fold) sq += (f.auc - e.auc_mean) * (f.auc - e.auc_mean);
  e.auc_sd = o.folds > 1 ? std::sqrt(sq / (o.folds - 1)) : 0;
  e.log_loss = log_loss(e.scores, d.labels);
  e.top10 = top_share(e.scores, d.labels, 0.1);
  e.lift = lift_chart(e.scores, d.labels, 10);
  e.seconds = seconds_since(t0);
  return e;
}

Status check_options(const TrainOptions& o, const Dataset& d) {
  if (o.folds < 0 || o.folds == 1 || o.folds > 20)
    return Error::invalid("folds", "must be 0 (none) or between 2 and 20");
  size_t pos = d.positives(), neg = d.labels.size() - pos;
  if (o.folds > 0 &&
      (pos < static_cast<size_t>(o.folds) * 2 || neg < static_cast<size_t>(o.folds) * 2)) {
    return Error::invalid("folds", "too many folds for " + std::to_string(std::min(pos, neg)) +
                                       " rows of the smaller class");
  }
  if (o.max_rounds < 1 || o.max_rounds > 100000)
    return Error::invalid("max_rounds", "must be between 1 and 100000");
  return {};
}

}  // namespace

nlohmann::json Evaluation::to_json() const {
  nlohmann::json folds_json = nlohmann::json::array();
  for (const auto& f : per_fold) {
    folds_json.push_back(
        {{"auc", f.auc}, {"log_loss", f.log_loss}, {"rounds", f.rounds}, {"rows", f.rows}});
  }
  return {{"folds", folds},
          {"auc", auc_mean},
          {"auc_sd", auc_sd},
          {"log_loss", log_loss},
          {"top10", churn::to_json(top10)},
          {"lift", churn::to_json(lift)},
          {"per_fold", folds_json},
          {"seconds", seconds}};
}

Result<Evaluation> cross_validate(const Dataset& d, const TrainOptions& o,
                                  std::vector<std::string>* notes) {
  KAM_CHECK(check_options(o, d));
  if (o.folds < 2) return Error::invalid("folds", "cross-validation needs at least 2 folds");
  KAM_TRY(p, prepare(d, notes));
  return cross_validate_prepared(p, d, o);
}

Result<Trained> train(const Dataset& d, const TrainOptions& o) {
  KAM_CHECK(check_options(o, d));
  std::vector<std::string> notes = d.notes;
  KAM_TRY(p, prepare(d, &notes));
  Evaluation e;
  int rounds = 0;
  if (o.folds >= 2) {
    KAM_TRY(ev, cross_validate_prepared(p, d, o));
    e = std::move(ev);
    double sum = 0;
    for (const auto& f : e.per_fold) sum += f.rounds;
    rounds = std::max(1, static_cast<int>(std::lround(sum / e.folds)));
  } else {
    std::vector<size_t> all(d.labels.size());
    std::iota(all.begin(), all.end(), size_t{0});
    std::mt19937_64 rng(o.seed);
    auto [fit_rows, valid_rows] = stratified_split(all, d.labels, o.validation_share, rng);
    KAM_TRY(f, fit(p, d.labels, fit_rows, valid_rows, 0, o, o.seed));
    rounds = f.rounds;
  }
  auto t0 = Clock::now();
  std::vector<size_t> all(d.labels.size());
  std::iota(all.begin(), all.end(), size_t{0});
  KAM_TRY(f, fit(p, d.labels, all, {}, rounds, o, o.seed));
  double fit_seconds = seconds_since(t0);
  ModelSchema schema = std::move(p.schema);
  schema.rounds = rounds;
  schema.params = xgb_params(o);
  size_t pos = d.positives();
  schema.training = {{"rows", d.labels.size()},
                     {"churned", pos},
                     {"stayed", d.labels.size() - pos},
                     {"seed", o.seed},
                     {"fit_seconds", fit_seconds},
                     {"trained_at", o.now},
                     {"evaluation", e.folds ? e.to_json() : nlohmann::json(nullptr)}};
  std::shared_ptr<const xgb::Booster> booster(std::move(f.booster));
  return Trained{Model(std::move(schema), std::move(booster)), std::move(e), std::move(notes),
                 fit_seconds};
}

Model::Model(ModelSchema schema, std::shared_ptr<const xgb::Booster> booster)
    : schema_(std::move(schema)), booster_(std::move(booster)) {}

Result<Scores> Model::score(const FeatureTable& t, const ScoreOptions& o) const {
  KAM_TRY(x, encode(schema_, t));
  Scores s;
  s.report = std::move(x.report);
  if (t.rows == 0) return s;
  int threads = thread_count(o.threads);
  KAM_TRY(m, xgb::DMatrix::dense(x.data, x.rows, x.cols, x.categorical, threads));
  KAM_TRY(margins, booster_->predict(m, xgb::Booster::Output::kMargin));
  s.scores = probabilities(margins, schema_.positive_weight);
  s.exact_factors = o.factors == ScoreOptions::Factors::kExact ||
                    (o.factors == ScoreOptions::Factors::kAuto &&
                     static_cast<double>(t.rows) * schema_.rounds <= kExactFactorBudget);
  auto kind = s.exact_factors ? xgb::Booster::Output::kContributions
                              : xgb::Booster::Output::kApproxContributions;
  KAM_TRY(contrib, booster_->predict(m, kind));
  const size_t width = x.cols + 1;  // features + bias
  if (contrib.size() != t.rows * width)
    return Error::internal("unexpected shape of XGBoost contributions");
  s.factors.resize(t.rows);
  std::vector<size_t> order(x.cols);
  for (size_t r = 0; r < t.rows; ++r) {
    const float* c = contrib.data() + r * width;
    std::iota(order.begin(), order.end(), size_t{0});
    std::sort(order.begin(), order.end(),
              [c](size_t a, size_t b) { return c[a] > c[b] || (c[a] == c[b] && a < b); });
    // A value the input could not give is no reason to tell anyone about.
    for (size_t i = 0; i < x.cols && s.factors[r].size() < 3 && c[order[i]] > 1e-6f; ++i) {
      if (x.filled[r * x.cols + order[i]]) continue;
      const Feature& f = schema_.features[order[i]];
      s.factors[r].push_back(
          {f.name, display_value(f, x.data[r * x.cols + order[i]]), c[order[i]]});
    }
  }
  return s;
}

}  // namespace kam::churn
