#pragma once
// Churn propensity (SPEC §3): gradient-boosted trees (XGBoost, tree_method=hist, native
// categorical splits) trained on any table with a churned yes/no label; stratified k-fold
// cross-validation for honest figures; scores with their top factors from XGBoost's per-feature
// contributions. A Model is the schema plus the trees; its file carries both, with a checksum.
//
//   auto d = churn::make_dataset(churn::read_csv_file(path).value(), "churned", "customer_id");
//   auto t = churn::train(*d, {});              // CV figures + final fit on every row
//   t->model.save("churn.model");
//   auto scored = t->model.score(features);     // score + top 3 factors per row

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "churn/metrics.h"
#include "churn/schema.h"
#include "churn/table.h"

namespace kam::churn {

namespace xgb {
class Booster;
}

struct TrainOptions {
  int folds = 5;       // cross-validation folds for the figures; 0 or 1 skips them
  uint64_t seed = 42;  // folds, validation split and row/column sampling
  int threads = 0;     // XGBoost (OpenMP) threads; 0 = every core
  int max_rounds = 1000;
  int early_stopping_rounds =
      30;  // stop when the validation log-loss has not improved for this long
  double validation_share = 0.15;  // of the training rows, held out for early stopping
  double eta = 0.1;
  int max_depth = 5;
  double min_child_weight = 2;
  double subsample = 0.8;
  double colsample_bytree = 0.8;
  // Called as work finishes ("fold 2/5: AUC 0.8312, 143 trees"), for long runs on the CLI.
  std::function<void(const std::string&)> progress;
  int64_t now = 0;  // epoch seconds, stamped on the model as trained_at
};

struct FoldFigures {
  double auc = 0;
  double log_loss = 0;
  int rounds = 0;  // trees chosen by early stopping
  size_t rows = 0;
};

// Cross-validated figures: every row is scored by a model that did not see it.
struct Evaluation {
  int folds = 0;
  std::vector<FoldFigures> per_fold;
  double auc_mean = 0, auc_sd = 0;
  double log_loss = 0;  // over all out-of-fold scores
  TopShare top10;       // precision / recall at the top 10% of out-of-fold scores
  std::vector<LiftPoint> lift;
  std::vector<double> scores;  // out-of-fold score per row
  double seconds = 0;
  nlohmann::json to_json() const;  // without the per-row scores
};

// One reason for a score: a feature, its value and how much it raised the log-odds of churn.
struct Factor {
  std::string feature;
  std::string value;  // "feature=value" for display
  double contribution = 0;
};

struct ScoreOptions {
  int threads = 0;
  // Exact TreeSHAP contributions cost ~100× the approximate (Saabas) ones; by default exact is
  // used while rows × trees stays under kExactFactorBudget.
  enum class Factors { kAuto, kExact, kApproximate } factors = Factors::kAuto;
};
inline constexpr double kExactFactorBudget = 4e6;

struct Scores {
  std::vector<double> scores;                // probability of churn, 0..1
  std::vector<std::vector<Factor>> factors;  // per row, up to 3 features raising the risk most
  EncodeReport report;                       // missing columns, unseen categories, per-row notes
  bool exact_factors = true;
};

class Model {
 public:
  Model(ModelSchema schema, std::shared_ptr<const xgb::Booster> booster);
  const ModelSchema& schema() const { return schema_; }
  ModelSchema& schema() { return schema_; }

  Result<Scores> score(const FeatureTable& t, const ScoreOptions& o = {}) const;

  // The model file: magic, format version, lengths, SHA-256, schema JSON, XGBoost UBJSON.
  Result<std::string> to_bytes() const;
  static Result<Model> from_bytes(std::string_view bytes);
  // Written to a temporary file beside `path` and renamed: never a half-written model.
  Status save(const std::string& path) const;
  static Result<Model> load(const std::string& path);

 private:
  ModelSchema schema_;
  std::shared_ptr<const xgb::Booster> booster_;
};

Result<Evaluation> cross_validate(const Dataset& d, const TrainOptions& o,
                                  std::vector<std::string>* notes = nullptr);

struct Trained {
  Model model;
  Evaluation evaluation;           // empty (folds = 0) when cross-validation was skipped
  std::vector<std::string> notes;  // columns ignored, values treated as missing…
  double fit_seconds = 0;
};
// Cross-validates (when o.folds >= 2), then fits on every row with the number of trees the
// folds' early stopping chose (or a held-out validation share when there are no folds).
Result<Trained> train(const Dataset& d, const TrainOptions& o);

// Scores as CSV: id (or the row's line), score, factor1..3 and notes (unseen categories…).
std::string scores_csv(const FeatureTable& t, const Scores& s, const std::string& id_header);

// Writes bytes to a temporary file in the same directory and renames it over `path`.
Status write_file_atomically(const std::string& path, std::string_view bytes);

}  // namespace kam::churn
