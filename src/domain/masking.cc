#include "domain/masking.h"

#include <cctype>

namespace kam::domain {
namespace {

std::string mask_middle(std::string_view s, size_t keep_front, size_t keep_back) {
  if (s.size() <= keep_front + keep_back) return std::string(s.size(), '*');
  std::string out(s.substr(0, keep_front));
  out.append(s.size() - keep_front - keep_back, '*');
  out.append(s.substr(s.size() - keep_back));
  return out;
}

bool all_digits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return !s.empty();
}

}  // namespace

std::string mask_phone(std::string_view number) {
  if (number.size() < 7) return mask_middle(number, 0, number.size() > 2 ? 2 : 0);
  return mask_middle(number, 3, 4);
}

std::string mask_id_number(std::string_view id) {
  if (id.size() < 12) return mask_middle(id, 1, 1);
  return mask_middle(id, 6, 4);
}

bool is_mobile_number(std::string_view s) {
  return s.size() == 11 && all_digits(s) && s[0] == '1' && s[1] >= '3' && s[1] <= '9';
}

bool is_line_number(std::string_view s) {
  if (is_mobile_number(s)) return true;
  if (s.size() < 5 || s.size() > 32) return false;
  for (char c : s) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')) return false;
  }
  return true;
}

bool is_resident_id(std::string_view s) {
  static const int kW[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  static const char kCheck[] = "10X98765432";
  if (s.size() != 18 || !all_digits(s.substr(0, 17))) return false;
  int sum = 0;
  for (int i = 0; i < 17; ++i) sum += (s[i] - '0') * kW[i];
  return kCheck[sum % 11] == s[17];
}

}  // namespace kam::domain
