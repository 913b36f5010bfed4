#pragma once
// Masking of personal numbers for roles without the right to see them (138****1234).

#include <string>
#include <string_view>

namespace kam::domain {

// Phone numbers keep the first 3 and last 4 digits.
std::string mask_phone(std::string_view number);
// ID numbers keep the first 6 and last 4 characters.
std::string mask_id_number(std::string_view id);

// Mainland mobile number: 11 digits starting 13-19.
bool is_mobile_number(std::string_view s);
// Mobile, fixed line (0xx-xxxxxxx) or a circuit/line identifier of letters, digits and dashes.
bool is_line_number(std::string_view s);
// 18-character resident ID with a valid ISO 7064 check character.
bool is_resident_id(std::string_view s);

}  // namespace kam::domain
