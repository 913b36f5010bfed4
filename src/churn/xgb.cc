#include "churn/xgb.h"

#include <dlfcn.h>

#include <cmath>
#include <cstdlib>

#ifndef KAM_XGBOOST_LIBRARY
#define KAM_XGBOOST_LIBRARY "libxgboost.so"
#endif

namespace kam::churn::xgb {
namespace {

// libxgboost is opened on first use rather than linked: its OpenMP runtime (libgomp) reads
// OMP_WAIT_POLICY when it loads, and loading it late lets prefer_passive_threads() take effect
// (see there). A machine without the library still runs every other part of kam.
#define KAM_XGB_FUNCTIONS(X)     \
  X(XGBGetLastError)             \
  X(XGBSetGlobalConfig)          \
  X(XGDMatrixCreateFromMat_omp)  \
  X(XGDMatrixSetStrFeatureInfo)  \
  X(XGDMatrixSetFloatInfo)       \
  X(XGDMatrixFree)               \
  X(XGBoosterCreate)             \
  X(XGBoosterFree)               \
  X(XGBoosterSetParam)           \
  X(XGBoosterUpdateOneIter)      \
  X(XGBoosterEvalOneIter)        \
  X(XGBoosterBoostedRounds)      \
  X(XGBoosterPredictFromDMatrix) \
  X(XGBoosterSaveModelToBuffer)  \
  X(XGBoosterLoadModelFromBuffer)

struct Lib {
#define KAM_XGB_MEMBER(name) decltype(&::name) name = nullptr;
  KAM_XGB_FUNCTIONS(KAM_XGB_MEMBER)
#undef KAM_XGB_MEMBER
  std::string error;  // why the library could not be used
};

const Lib& lib() {
  static const Lib loaded = [] {
    Lib l;
    void* h = dlopen("libxgboost.so.0", RTLD_NOW | RTLD_LOCAL);
    if (!h) h = dlopen(KAM_XGBOOST_LIBRARY, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
      const char* why = dlerror();
      l.error =
          std::string("cannot load libxgboost (apt-get install libxgboost0): ") + (why ? why : "");
      return l;
    }
#define KAM_XGB_LOAD(name)                                                    \
  l.name = reinterpret_cast<decltype(&::name)>(dlsym(h, #name));              \
  if (!l.name) {                                                              \
    l.error = "libxgboost has no " #name " (version 1.7 or later is needed)"; \
    return l;                                                                 \
  }
    KAM_XGB_FUNCTIONS(KAM_XGB_LOAD)
#undef KAM_XGB_LOAD
    l.XGBSetGlobalConfig("{\"verbosity\": 0}");  // KAM reports what matters itself
    return l;
  }();
  return loaded;
}

Status available() {
  if (!lib().error.empty()) return Error::internal("XGBoost is not available: " + lib().error);
  return {};
}

Error failed(const char* what) {
  const char* msg = lib().XGBGetLastError();
  return Error::internal(std::string("XGBoost ") + what +
                         " failed: " + (msg && *msg ? msg : "unknown error"));
}

}  // namespace

void prefer_passive_threads() {
  setenv("OMP_WAIT_POLICY", "PASSIVE", 0);
}

Result<DMatrix> DMatrix::dense(const std::vector<float>& data, size_t rows, size_t cols,
                               const std::vector<bool>& categorical, int threads) {
  KAM_CHECK(available());
  if (data.size() != rows * cols)
    return Error::internal("feature matrix size does not match its shape");
  DMatrixHandle h = nullptr;
  if (lib().XGDMatrixCreateFromMat_omp(data.data(), rows, cols, std::nanf(""), &h, threads) != 0) {
    return failed("creating a feature matrix");
  }
  DMatrix m(h);
  std::vector<const char*> types(cols);
  for (size_t j = 0; j < cols; ++j) types[j] = categorical[j] ? "c" : "q";
  if (lib().XGDMatrixSetStrFeatureInfo(h, "feature_type", types.data(), cols) != 0)
    return failed("setting feature types");
  return m;
}

DMatrix& DMatrix::operator=(DMatrix&& o) noexcept {
  if (this != &o) {
    if (h_) lib().XGDMatrixFree(h_);
    h_ = o.h_;
    o.h_ = nullptr;
  }
  return *this;
}

DMatrix::~DMatrix() {
  if (h_) lib().XGDMatrixFree(h_);
}

Status DMatrix::set_labels(const std::vector<float>& labels) {
  if (lib().XGDMatrixSetFloatInfo(h_, "label", labels.data(), labels.size()) != 0)
    return failed("setting labels");
  return {};
}

Status DMatrix::set_weights(const std::vector<float>& weights) {
  if (lib().XGDMatrixSetFloatInfo(h_, "weight", weights.data(), weights.size()) != 0)
    return failed("setting weights");
  return {};
}

Result<Booster> Booster::create(const std::vector<const DMatrix*>& cache) {
  KAM_CHECK(available());
  std::vector<DMatrixHandle> hs;
  for (const auto* m : cache) hs.push_back(m->get());
  BoosterHandle h = nullptr;
  if (lib().XGBoosterCreate(hs.data(), hs.size(), &h) != 0) return failed("creating a booster");
  return Booster(h);
}

Result<Booster> Booster::load(std::string_view bytes) {
  KAM_CHECK(available());
  BoosterHandle h = nullptr;
  if (lib().XGBoosterCreate(nullptr, 0, &h) != 0) return failed("creating a booster");
  Booster b(h);
  if (lib().XGBoosterLoadModelFromBuffer(h, bytes.data(), bytes.size()) != 0)
    return failed("loading the model");
  return b;
}

Booster& Booster::operator=(Booster&& o) noexcept {
  if (this != &o) {
    if (h_) lib().XGBoosterFree(h_);
    h_ = o.h_;
    o.h_ = nullptr;
  }
  return *this;
}

Booster::~Booster() {
  if (h_) lib().XGBoosterFree(h_);
}

Status Booster::set(const char* name, const std::string& value) {
  if (lib().XGBoosterSetParam(h_, name, value.c_str()) != 0)
    return failed(("setting " + std::string(name)).c_str());
  return {};
}

Status Booster::update(int iteration, const DMatrix& train) {
  if (lib().XGBoosterUpdateOneIter(h_, iteration, train.get()) != 0) return failed("training");
  return {};
}

Result<double> Booster::eval(int iteration, const DMatrix& data, const char* name) {
  DMatrixHandle hs[1] = {data.get()};
  const char* names[1] = {name};
  const char* out = nullptr;
  if (lib().XGBoosterEvalOneIter(h_, iteration, hs, names, 1, &out) != 0)
    return failed("evaluating");
  // "[12]\tvalid-logloss:0.4123"
  std::string_view s(out ? out : "");
  size_t colon = s.find(':');
  if (colon == std::string_view::npos)
    return Error::internal("unexpected XGBoost evaluation text: " + std::string(s));
  return std::strtod(std::string(s.substr(colon + 1)).c_str(), nullptr);
}

Result<int> Booster::rounds() const {
  int n = 0;
  if (lib().XGBoosterBoostedRounds(h_, &n) != 0) return failed("counting rounds");
  return n;
}

Result<std::vector<float>> Booster::predict(const DMatrix& data, Output what,
                                            int iteration_end) const {
  std::string config = "{\"type\": " + std::to_string(static_cast<int>(what)) +
                       ", \"training\": false, \"iteration_begin\": 0, \"iteration_end\": " +
                       std::to_string(iteration_end) + ", \"strict_shape\": false}";
  const bst_ulong* shape = nullptr;
  bst_ulong dim = 0;
  const float* result = nullptr;
  if (lib().XGBoosterPredictFromDMatrix(h_, data.get(), config.c_str(), &shape, &dim, &result) !=
      0) {
    return failed("predicting");
  }
  size_t n = 1;
  for (bst_ulong i = 0; i < dim; ++i) n *= shape[i];
  return std::vector<float>(result, result + n);  // XGBoost reuses its buffer: copy now
}

Result<std::string> Booster::save() const {
  bst_ulong len = 0;
  const char* buf = nullptr;
  if (lib().XGBoosterSaveModelToBuffer(h_, "{\"format\": \"ubj\"}", &len, &buf) != 0)
    return failed("saving the model");
  return std::string(buf, len);
}

}  // namespace kam::churn::xgb
