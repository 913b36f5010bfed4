#pragma once
// Small builders for the JSON Schema pieces routes describe their bodies with (OpenAPI 3.1).

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace kam::http::schema {

using json = nlohmann::json;

inline json obj(json properties) {
  return {{"type", "object"}, {"properties", std::move(properties)}};
}
inline json nullable(const char* type) {
  return {{"type", json::array({type, "null"})}};
}
inline json enum_of(const std::vector<std::string>& v) {
  return {{"type", "string"}, {"enum", v}};
}
inline json array_of(json items) {
  return {{"type", "array"}, {"items", std::move(items)}};
}

}  // namespace kam::http::schema
