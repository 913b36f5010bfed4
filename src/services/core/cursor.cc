#include "services/core/cursor.h"

namespace kam::services {
namespace {

constexpr std::string_view kAlpha =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string b64url(const std::string& in) {
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (unsigned char c : in) {
    acc = (acc << 8) | c;
    bits += 8;
    while (bits >= 6) {
      out += kAlpha[(acc >> (bits - 6)) & 63];
      bits -= 6;
    }
  }
  if (bits > 0) out += kAlpha[(acc << (6 - bits)) & 63];
  return out;
}

bool unb64url(const std::string& in, std::string& out) {
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    auto p = kAlpha.find(c);
    if (p == std::string_view::npos) return false;
    acc = (acc << 6) | static_cast<uint32_t>(p);
    bits += 6;
    if (bits >= 8) {
      out += static_cast<char>((acc >> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return true;
}

}  // namespace

std::string encode_cursor(const Cursor& c) {
  return b64url(nlohmann::json::array({c.value, c.id}).dump());
}

Result<Cursor> decode_cursor(const std::string& s) {
  std::string raw;
  if (s.size() > 2048 || !unb64url(s, raw))
    return Error::invalid("cursor", "is not a valid cursor");
  auto j = nlohmann::json::parse(raw, nullptr, false);
  if (!j.is_array() || j.size() != 2 || !j[1].is_number_integer() ||
      !(j[0].is_string() || j[0].is_number() || j[0].is_null())) {
    return Error::invalid("cursor", "is not a valid cursor");
  }
  return Cursor{j[0], j[1].get<int64_t>()};
}

}  // namespace kam::services
