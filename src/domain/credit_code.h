#pragma once
// Unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters from a 31-symbol
// alphabet (no I, O, Z, S, V), the last one a check character over the first 17.

#include <optional>
#include <string>
#include <string_view>

namespace kam::domain {

// The check character for the first 17 characters, or nullopt if they use invalid symbols.
std::optional<char> credit_code_check_char(std::string_view first17);

// Empty string when valid, otherwise the reason in words.
std::string credit_code_problem(std::string_view code);

inline bool credit_code_valid(std::string_view code) {
  return credit_code_problem(code).empty();
}

}  // namespace kam::domain
