#pragma once
// Prometheus metrics: request counts by route, method and status; latency histograms by route.

#include <array>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

namespace kam::http {

class Metrics {
 public:
  void observe(const std::string& route, const std::string& method, int status, double seconds);
  std::string render() const;

 private:
  static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1.0,  2.5};
  struct Histogram {
    std::array<uint64_t, kBuckets.size()> buckets{};
    uint64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex mu_;
  std::map<std::tuple<std::string, std::string, int>, uint64_t> counts_;  // guarded by mu_
  std::map<std::pair<std::string, std::string>, Histogram> latency_;      // guarded by mu_
};

}  // namespace kam::http
