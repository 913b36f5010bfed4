#include "http/metrics.h"

#include <fmt/format.h>

namespace kam::http {

void Metrics::observe(const std::string& route, const std::string& method, int status, double s) {
  std::lock_guard lock(mu_);
  ++counts_[{route, method, status}];
  auto& h = latency_[{route, method}];
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    if (s <= kBuckets[i]) ++h.buckets[i];
  }
  ++h.count;
  h.sum += s;
}

std::string Metrics::render() const {
  std::lock_guard lock(mu_);
  std::string out =
      "# HELP kam_http_requests_total HTTP requests by route, method and status.\n"
      "# TYPE kam_http_requests_total counter\n";
  for (const auto& [k, v] : counts_) {
    out += fmt::format("kam_http_requests_total{{route=\"{}\",method=\"{}\",status=\"{}\"}} {}\n",
                       std::get<0>(k), std::get<1>(k), std::get<2>(k), v);
  }
  out +=
      "# HELP kam_http_request_duration_seconds HTTP request latency by route and method.\n"
      "# TYPE kam_http_request_duration_seconds histogram\n";
  for (const auto& [k, h] : latency_) {
    for (size_t i = 0; i < kBuckets.size(); ++i) {
      out += fmt::format(
          "kam_http_request_duration_seconds_bucket{{route=\"{}\",method=\"{}\",le=\"{}\"}} {}\n",
          k.first, k.second, kBuckets[i], h.buckets[i]);
    }
    out += fmt::format(
        "kam_http_request_duration_seconds_bucket{{route=\"{}\",method=\"{}\",le=\"+Inf\"}} {}\n",
        k.first, k.second, h.count);
    out += fmt::format("kam_http_request_duration_seconds_sum{{route=\"{}\",method=\"{}\"}} {}\n",
                       k.first, k.second, h.sum);
    out += fmt::format("kam_http_request_duration_seconds_count{{route=\"{}\",method=\"{}\"}} {}\n",
                       k.first, k.second, h.count);
  }
  return out;
}

}  // namespace kam::http
