#pragma once
// Reading request bodies of the catalogue and the orders: every value checked for its type and
// range, every refusal naming the field (with its path inside arrays, "items[2].discount_pct").

#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "domain/orders.h"
#include "services/core/records.h"

namespace kam::services::order_input {

using json = nlohmann::json;

// "a, b, c" (the allowed values in a message).
inline std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

// The answer when the version sent is not the order's any more.
inline Status conflict_version(int64_t now_version) {
  return Error::conflict("this order was changed by someone else (now version " +
                             std::to_string(now_version) + "); reload and try again",
                         "version");
}

// A JSON object whose keys are all known; `where` prefixes field names ("items[0].").
inline Status object_with(const json& body, std::initializer_list<const char*> known,
                          const std::string& where = "") {
  if (!body.is_object()) {
    return Error::invalid(
        where.empty() ? "" : where.substr(0, where.size() - 1),
        where.empty() ? "the request body must be a JSON object" : "must be an object");
  }
  std::set<std::string> k(known.begin(), known.end());
  for (const auto& [name, v] : body.items()) {
    (void)v;
    if (!k.count(name)) return Error::invalid(where + name, "is not a field here");
  }
  return {};
}

inline bool has_control_chars(const std::string& s, bool multiline) {
  for (unsigned char c : s) {
    if (c == 0x7f || (c < 0x20 && !(multiline && (c == '\n' || c == '\r' || c == '\t'))))
      return true;
  }
  return false;
}

// Text of 1..max characters (trimmed); nullopt when absent (or null and not required).
inline Result<std::optional<std::string>> text(const json& body, const std::string& key, size_t max,
                                               bool required, bool multiline = false,
                                               const std::string& where = "") {
  std::string f = where + key;
  if (!body.contains(key) || body[key].is_null()) {
    if (required) return Error::invalid(f, "is required");
    return std::optional<std::string>();
  }
  if (!body[key].is_string()) return Error::invalid(f, "must be text");
  std::string s = body[key].get<std::string>();
  auto b = s.find_first_not_of(" \t\r\n");
  auto e = s.find_last_not_of(" \t\r\n");
  s = b == std::string::npos ? "" : s.substr(b, e - b + 1);
  if (s.empty()) {
    if (required) return Error::invalid(f, "must not be empty");
    return std::optional<std::string>();
  }
  if (utf8_length(s) > max)
    return Error::invalid(f, "is longer than " + std::to_string(max) + " characters");
  if (has_control_chars(s, multiline)) return Error::invalid(f, "contains control characters");
  return std::optional<std::string>(s);
}

// A whole number within [lo, hi]; nullopt when absent.
inline Result<std::optional<int64_t>> integer(const json& body, const std::string& key, int64_t lo,
                                              int64_t hi, bool required, const std::string& what,
                                              const std::string& where = "") {
  std::string f = where + key;
  if (!body.contains(key) || body[key].is_null()) {
    if (required) return Error::invalid(f, "is required");
    return std::optional<int64_t>();
  }
  const auto& v = body[key];
  if (!v.is_number_integer()) return Error::invalid(f, "must be " + what);
  int64_t n = v.get<int64_t>();
  if (n < lo || n > hi)
    return Error::invalid(f,
                          "must be between " + std::to_string(lo) + " and " + std::to_string(hi));
  return std::optional<int64_t>(n);
}

// A percentage 0..100 with at most two decimals, as basis points; nullopt when absent.
inline Result<std::optional<int64_t>> percent(const json& body, const std::string& key,
                                              bool required, const std::string& where = "") {
  std::string f = where + key;
  if (!body.contains(key) || body[key].is_null()) {
    if (required) return Error::invalid(f, "is required");
    return std::optional<int64_t>();
  }
  if (!body[key].is_number()) return Error::invalid(f, "must be a percentage between 0 and 100");
  auto bp = domain::pct_to_bp(body[key].get<double>());
  if (!bp)
    return Error::invalid(f, "must be a percentage between 0 and 100 with at most two decimals");
  return std::optional<int64_t>(*bp);
}

inline Result<std::optional<bool>> boolean(const json& body, const std::string& key) {
  if (!body.contains(key) || body[key].is_null()) return std::optional<bool>();
  if (!body[key].is_boolean()) return Error::invalid(key, "must be true or false");
  return std::optional<bool>(body[key].get<bool>());
}

inline Result<std::optional<std::string>> date(const json& body, const std::string& key,
                                               bool required = false) {
  if (!body.contains(key) || body[key].is_null()) {
    if (required) return Error::invalid(key, "is required");
    return std::optional<std::string>();
  }
  if (!body[key].is_string() || !is_date(body[key].get<std::string>()))
    return Error::invalid(key, "must be a date YYYY-MM-DD");
  return std::optional<std::string>(body[key].get<std::string>());
}

inline Result<std::optional<int64_t>> timestamp(const json& body, const std::string& key) {
  if (!body.contains(key) || body[key].is_null()) return std::optional<int64_t>();
  auto t = body[key].is_string() ? parse_iso8601(body[key].get<std::string>()) : std::nullopt;
  if (!t) return Error::invalid(key, "must be a time like 2026-11-24T07:30:00Z");
  return std::optional<int64_t>(*t);
}

inline Result<std::optional<std::string>> one_of(const json& body, const std::string& key,
                                                 const std::vector<std::string>& values,
                                                 bool required = false) {
  if (!body.contains(key) || body[key].is_null()) {
    if (required) return Error::invalid(key, "is required");
    return std::optional<std::string>();
  }
  if (!body[key].is_string() || !domain::is_one_of(values, body[key].get<std::string>())) {
    std::string list;
    for (const auto& v : values) list += (list.empty() ? "" : ", ") + v;
    return Error::invalid(key, "must be one of " + list);
  }
  return std::optional<std::string>(body[key].get<std::string>());
}

// The version the client read (required on every change).
inline Result<int64_t> version(const json& body) {
  if (!body.is_object() || !body.contains("version") || !body["version"].is_number_integer()) {
    return Error::invalid("version", "is required: send the version you read");
  }
  return body["version"].get<int64_t>();
}

inline db::Value opt_value(const std::optional<std::string>& s) {
  return s ? db::Value(*s) : db::Value(nullptr);
}
inline db::Value opt_value(const std::optional<int64_t>& s) {
  return s ? db::Value(*s) : db::Value(nullptr);
}
inline db::Value user_value(const Actor& a) {
  return a.user_id ? db::Value(a.user_id) : db::Value(nullptr);
}

}  // namespace kam::services::order_input
