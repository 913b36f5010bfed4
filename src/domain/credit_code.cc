#include "domain/credit_code.h"

#include <array>

namespace kam::domain {
namespace {

constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
constexpr std::array<int, 17> kWeights = {1,  3,  9,  27, 19, 26, 16, 17, 20,
                                          29, 25, 13, 8,  24, 10, 30, 28};

int symbol_value(char c) {
  auto p = kAlphabet.find(c);
  return p == std::string_view::npos ? -1 : static_cast<int>(p);
}

}  // namespace

std::optional<char> credit_code_check_char(std::string_view first17) {
  if (first17.size() != 17) return std::nullopt;
  int sum = 0;
  for (size_t i = 0; i < 17; ++i) {
    int v = symbol_value(first17[i]);
    if (v < 0) return std::nullopt;
    sum += v * kWeights[i];
  }
  int check = 31 - sum % 31;
  if (check == 31) check = 0;
  return kAlphabet[check];
}

std::string credit_code_problem(std::string_view code) {
  if (code.size() != 18) return "must be 18 characters";
  for (size_t i = 0; i < code.size(); ++i) {
    if (symbol_value(code[i]) < 0) {
      return "character " + std::to_string(i + 1) +
             " is not allowed (digits and A-Y without I, O, S, V, Z)";
    }
  }
  for (size_t i = 2; i < 8; ++i) {
    if (code[i] < '0' || code[i] > '9') return "characters 3-8 must be the region code digits";
  }
  if (*credit_code_check_char(code.substr(0, 17)) != code[17])
    return "check character does not match";
  return {};
}

}  // namespace kam::domain
