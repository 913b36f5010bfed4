#pragma once
// Opaque list cursors: the sort value and id of the last row, base64url-encoded JSON.

#include <nlohmann/json.hpp>
#include <string>

#include "common/result.h"

namespace kam::services {

struct Cursor {
  nlohmann::json value;  // last row's sort value (string or number)
  int64_t id = 0;
};

std::string encode_cursor(const Cursor& c);
Result<Cursor> decode_cursor(const std::string& s);

}  // namespace kam::services
