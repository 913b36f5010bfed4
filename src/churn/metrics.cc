#include "churn/metrics.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace kam::churn {
namespace {

// Row indices by descending score; equal scores keep row order (stable).
std::vector<size_t> ranking(const std::vector<double>& scores) {
  std::vector<size_t> order(scores.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return scores[a] > scores[b]; });
  return order;
}

}  // namespace

double auc(const std::vector<double>& scores, const std::vector<int>& labels) {
  const size_t n = scores.size();
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), size_t{0});
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return scores[a] < scores[b]; });
  double rank_sum_pos = 0;
  size_t pos = 0;
  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j < n && scores[order[j]] == scores[order[i]]) ++j;
    double avg_rank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2;  // ranks i+1..j
    for (size_t k = i; k < j; ++k) {
      if (labels[order[k]] == 1) {
        rank_sum_pos += avg_rank;
        ++pos;
      }
    }
    i = j;
  }
  size_t neg = n - pos;
  if (pos == 0 || neg == 0) return std::nan("");
  double p = static_cast<double>(pos), q = static_cast<double>(neg);
  return (rank_sum_pos - p * (p + 1) / 2) / (p * q);
}

double log_loss(const std::vector<double>& scores, const std::vector<int>& labels) {
  if (scores.empty()) return std::nan("");
  double sum = 0;
  for (size_t i = 0; i < scores.size(); ++i) {
    double p = std::clamp(scores[i], 1e-15, 1 - 1e-15);
    sum -= labels[i] == 1 ? std::log(p) : std::log(1 - p);
  }
  return sum / static_cast<double>(scores.size());
}

TopShare top_share(const std::vector<double>& scores, const std::vector<int>& labels,
                   double share) {
  TopShare t;
  t.share = share;
  if (scores.empty()) return t;
  auto order = ranking(scores);
  size_t k = std::max<size_t>(
      1, static_cast<size_t>(std::ceil(share * static_cast<double>(scores.size()))));
  k = std::min(k, scores.size());
  size_t hits = 0;
  for (size_t i = 0; i < k; ++i) hits += labels[order[i]] == 1;
  size_t pos = static_cast<size_t>(std::count(labels.begin(), labels.end(), 1));
  t.rows = k;
  t.precision = static_cast<double>(hits) / static_cast<double>(k);
  t.recall = pos ? static_cast<double>(hits) / static_cast<double>(pos) : 0;
  double base = static_cast<double>(pos) / static_cast<double>(scores.size());
  t.lift = base > 0 ? t.precision / base : 0;
  return t;
}

std::vector<LiftPoint> lift_chart(const std::vector<double>& scores, const std::vector<int>& labels,
                                  int buckets) {
  std::vector<LiftPoint> out;
  const size_t n = scores.size();
  if (n == 0 || buckets <= 0) return out;
  auto order = ranking(scores);
  size_t pos = static_cast<size_t>(std::count(labels.begin(), labels.end(), 1));
  double base = static_cast<double>(pos) / static_cast<double>(n);
  size_t caught = 0;
  for (int b = 0; b < buckets; ++b) {
    size_t from = n * static_cast<size_t>(b) / static_cast<size_t>(buckets);
    size_t to = n * static_cast<size_t>(b + 1) / static_cast<size_t>(buckets);
    if (to == from) continue;
    LiftPoint p;
    p.bucket = b + 1;
    p.rows = to - from;
    size_t hits = 0;
    double score_sum = 0;
    for (size_t i = from; i < to; ++i) {
      hits += labels[order[i]] == 1;
      score_sum += scores[order[i]];
    }
    caught += hits;
    p.churn_rate = static_cast<double>(hits) / static_cast<double>(p.rows);
    p.lift = base > 0 ? p.churn_rate / base : 0;
    p.cumulative_capture = pos ? static_cast<double>(caught) / static_cast<double>(pos) : 0;
    p.mean_score = score_sum / static_cast<double>(p.rows);
    out.push_back(p);
  }
  return out;
}

nlohmann::json to_json(const TopShare& t) {
  return {{"share", t.share},
          {"rows", t.rows},
          {"precision", t.precision},
          {"recall", t.recall},
          {"lift", t.lift}};
}

nlohmann::json to_json(const std::vector<LiftPoint>& lift) {
  auto out = nlohmann::json::array();
  for (const auto& p : lift) {
    out.push_back({{"bucket", p.bucket},
                   {"rows", p.rows},
                   {"churn_rate", p.churn_rate},
                   {"lift", p.lift},
                   {"cumulative_capture", p.cumulative_capture},
                   {"mean_score", p.mean_score}});
  }
  return out;
}

}  // namespace kam::churn
