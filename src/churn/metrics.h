#pragma once
// How good a churn score is, computed here rather than taken from XGBoost so that the same
// numbers come out for any model and any split: AUC, log-loss, precision and recall at the top
// of the ranking, and the lift chart the UI draws.

#include <cstddef>
#include <nlohmann/json.hpp>
#include <vector>

namespace kam::churn {

// Area under the ROC curve from ranks (Mann–Whitney U); tied scores share their average rank.
// NaN when one class is absent.
double auc(const std::vector<double>& scores, const std::vector<int>& labels);

// Mean negative log-likelihood of the labels; probabilities clipped to [1e-15, 1 - 1e-15].
double log_loss(const std::vector<double>& scores, const std::vector<int>& labels);

// The rows with the highest scores (a share of all rows, at least one): how many of them
// churned (precision), how many of all churners they catch (recall), and precision over the
// base rate (lift). Ties at the cut are broken by row order, so the result is deterministic.
struct TopShare {
  double share = 0.1;
  size_t rows = 0;
  double precision = 0, recall = 0, lift = 0;
};
TopShare top_share(const std::vector<double>& scores, const std::vector<int>& labels,
                   double share = 0.1);

// One bucket of the lift chart: rows ranked by score, cut into equal buckets (deciles).
struct LiftPoint {
  int bucket = 0;  // 1 = highest scores
  size_t rows = 0;
  double churn_rate = 0;          // share of the bucket that churned
  double lift = 0;                // churn_rate / base rate
  double cumulative_capture = 0;  // share of all churners in buckets 1..bucket
  double mean_score = 0;
};
std::vector<LiftPoint> lift_chart(const std::vector<double>& scores, const std::vector<int>& labels,
                                  int buckets = 10);

nlohmann::json to_json(const TopShare& t);
nlohmann::json to_json(const std::vector<LiftPoint>& lift);

}  // namespace kam::churn
