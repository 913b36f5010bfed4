#pragma once
// Whether a value is one of a list of allowed words (states, types, categories).

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

namespace kam::domain {

inline bool is_one_of(const std::vector<std::string>& values, std::string_view v) {
  return std::find(values.begin(), values.end(), v) != values.end();
}

}  // namespace kam::domain
