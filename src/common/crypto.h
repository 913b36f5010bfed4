#pragma once
// Secrets: random tokens, hashing of session tokens, argon2id password hashes.

#include <string>
#include <string_view>

namespace kam::crypto {

// 32 random bytes from the OS CSPRNG, base64url without padding.
std::string random_token();
// Hex SHA-256 of a string (session tokens are stored only as this).
std::string sha256_hex(std::string_view s);
// PHC-encoded argon2id hash ($argon2id$v=19$m=...,t=...,p=...$salt$hash).
std::string hash_password(std::string_view password);
bool verify_password(std::string_view password, const std::string& encoded);
// Short random id for requests (16 hex chars).
std::string request_id();

}  // namespace kam::crypto
