#pragma once
// Owned XGBoost handles (C API of libxgboost 1.7): a DMatrix and a Booster free themselves,
// and every call's failure comes back as an Error with XGBoost's own message. Only src/churn
// uses these; the rest of KAM sees churn::Model.

#include <xgboost/c_api.h>

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace kam::churn::xgb {

// Row-major float features; NaN is missing. `categorical[j]` marks columns whose values are
// category codes 0..k-1 (XGBoost's native categorical splits, tree_method=hist).
class DMatrix {
 public:
  static Result<DMatrix> dense(const std::vector<float>& data, size_t rows, size_t cols,
                               const std::vector<bool>& categorical, int threads);
  DMatrix(DMatrix&& o) noexcept : h_(o.h_) { o.h_ = nullptr; }
  DMatrix& operator=(DMatrix&& o) noexcept;
  DMatrix(const DMatrix&) = delete;
  DMatrix& operator=(const DMatrix&) = delete;
  ~DMatrix();

  Status set_labels(const std::vector<float>& labels);
  Status set_weights(const std::vector<float>& weights);
  DMatrixHandle get() const { return h_; }

 private:
  explicit DMatrix(DMatrixHandle h) : h_(h) {}
  DMatrixHandle h_ = nullptr;
};

class Booster {
 public:
  // A new booster that caches predictions for `cache` (training and validation matrices).
  static Result<Booster> create(const std::vector<const DMatrix*>& cache);
  // A booster from bytes written by save() (UBJSON).
  static Result<Booster> load(std::string_view bytes);
  Booster(Booster&& o) noexcept : h_(o.h_) { o.h_ = nullptr; }
  Booster& operator=(Booster&& o) noexcept;
  Booster(const Booster&) = delete;
  Booster& operator=(const Booster&) = delete;
  ~Booster();

  Status set(const char* name, const std::string& value);
  Status update(int iteration, const DMatrix& train);
  // The value of the first eval metric on `data` after `iteration` (parsed from XGBoost's text).
  Result<double> eval(int iteration, const DMatrix& data, const char* name);
  Result<int> rounds() const;

  enum class Output { kProbability = 0, kMargin = 1, kContributions = 2, kApproxContributions = 3 };
  // Predictions with trees [0, iteration_end) (0 = all); contributions come as rows × (cols + 1),
  // the last column being the bias.
  Result<std::vector<float>> predict(const DMatrix& data, Output what, int iteration_end = 0) const;
  Result<std::string> save() const;

 private:
  explicit Booster(BoosterHandle h) : h_(h) {}
  BoosterHandle h_ = nullptr;
};

// Asks the OpenMP runtime behind XGBoost to sleep rather than spin while it waits at a barrier.
// Spinning threads on a busy machine (the 2-core servers KAM shares with other work) made
// cross-validation 17× slower in wall time. Call before any thread starts (main); an
// OMP_WAIT_POLICY the user set wins.
void prefer_passive_threads();

}  // namespace kam::churn::xgb
