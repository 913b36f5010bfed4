#pragma once
// Churn propensity in the product (SPEC §3): model versions with their cross-validated figures
// and lift chart, one of them current; monthly scores per customer (and member) with the
// factors behind each score; the "why at risk" panel of the 360 view.
//
// Who may do what: analysts, admins and supervisors train models and choose the current one
// (churn.manage); everyone with analysis.read sees the model list; a score is read within the
// customer scope (another manager's customer is not found).
//
// The engine trains from stored usage and archive history and scores after its monthly run:
//   auto d = churn::make_dataset(features, labels, "churned_within_3_months");
//   s.churn.train_from_dataset(Actor::system("engine"), *d, {.name = "usage 2026-11"});
//   s.churn.score_customers(Actor::system("engine"), 202611, table);

#include <functional>
#include <optional>
#include <string_view>

#include "churn/model.h"
#include "services/core/job_queue.h"
#include "services/core/records.h"

namespace kam::services {

// Features of the rows to score, and whom each row is about.
struct ScoringTable {
  churn::FeatureTable features;
  std::vector<int64_t> customer_ids;               // one per row
  std::vector<std::optional<int64_t>> member_ids;  // empty, or one per row (nullopt: the customer)
};

// One stored score, as the alert engine reads them (field churn_score).
struct StoredScore {
  int64_t customer_id = 0;
  std::optional<int64_t> member_id;  // nullopt: the customer's own score
  double score = 0;
};
struct MonthScores {
  int month = 0;  // YYYYMM the scores are of; 0 when there are none
  std::vector<StoredScore> scores;
};

struct TrainRequest {
  std::string name;          // shown in the model list; default: source and date
  std::string label_column;  // CSV uploads: the label column
  std::string id_column;     // CSV uploads: the id column (optional)
  int folds = 5;
  uint64_t seed = 42;
  json dataset = json::object();  // how the rows were built, stored with the evaluation
};

// Training from the stored usage and archive history (see services/churn_history.h).
struct HistoryRequest {
  int month = 0;     // last cutoff YYYYMM; 0: the newest one whose horizon is stored
  int horizon = 3;   // churned within this many months
  int cutoffs = 12;  // cutoff months stacked
  TrainRequest train;
};

class ChurnService {
 public:
  explicit ChurnService(Records& records);

  Result<json> list_models(const Actor& a);
  Result<json> get_model(const Actor& a, int64_t id);
  // Trains on an uploaded CSV (UTF-8 or GBK) and stores the new version. The first model
  // becomes current; later ones wait for activate().
  Result<json> train_from_csv(const Actor& a, std::string_view csv, const TrainRequest& r);
  // Trains on a dataset the caller built (the engine's usage and archive history).
  Result<json> train_from_dataset(const Actor& a, const churn::Dataset& d, const TrainRequest& r,
                                  std::string_view source = "usage",
                                  const std::function<void(const std::string&)>& progress = {});
  // Builds the history dataset and trains on it (the CLI and the demo; the API queues it).
  // `progress(phase, done, total)`: "reading" months, "training" folds and the final fit.
  Result<json> train_from_history(
      const Actor& a, const HistoryRequest& r,
      const std::function<void(const std::string&, size_t, size_t)>& progress = {});
  // Queues train_from_history as a background job; answers the job record (churn_jobs).
  Result<json> submit_history_training(const Actor& a, const HistoryRequest& r);
  Result<json> get_job(const Actor& a, int64_t id);
  Result<json> list_jobs(const Actor& a);
  void wait_idle() { jobs_.wait_idle(); }
  // Training jobs whose process died are marked failed ("interrupted: …"), so a new one can
  // start. Answers [{id, outcome}].
  Result<json> recover_interrupted();
  Result<json> activate(const Actor& a, int64_t id);

  // Scores every row with the current model and replaces the month's scores (YYYYMM) in one
  // transaction. Answers {month, model_id, rows, rows_with_notes, warnings, seconds}.
  Result<json> score_customers(const Actor& a, int month, const ScoringTable& t);
  // Scores an uploaded table (CSV, UTF-8 or GBK) with a customer_id column (KAM's customer
  // id), an optional member_id column and the model's feature columns; unknown customers or
  // members are refused naming their lines. Then as score_customers.
  Result<json> score_csv(const Actor& a, int month, std::string_view csv);
  // Builds every active customer's features for `month` from the stored history and scores
  // them with the current model (after the engine's monthly run). Answers {"skipped": reason}
  // without a current model or without usage for the month.
  Result<json> score_month(const Actor& a, int month);
  // The riskiest customers of a month (default: the latest scored), within the caller's scope.
  Result<json> list_scores(const Actor& a, int month, int limit);
  // The latest score of a customer with its factors, its percentile in that month, its
  // history and its riskiest members.
  Result<json> customer_churn(const Actor& a, int64_t customer_id);
  // The scores of `month`, or of the latest month scored before it (alert rules of a run month
  // use the freshest scores there are). Runs on the caller's connection.
  static Result<MonthScores> latest_scores(db::Connection& c, int month);
  // The current model, or nullopt when there is none.
  Result<std::optional<churn::Model>> current_model();

  // XGBoost threads for training inside the server (default: all cores but one).
  void set_threads(int n) { threads_ = n; }

 private:
  Result<json> store_model(const Actor& a, const churn::Dataset& d, const churn::Trained& t,
                           const TrainRequest& r, std::string_view source);
  Result<json> load_model_json(db::Connection& c, int64_t id);

  Result<json> load_job(db::Connection& c, int64_t id);

  Records& records_;
  int threads_;
  JobQueue jobs_;  // last: stopped before the members its jobs use
};

}  // namespace kam::services
