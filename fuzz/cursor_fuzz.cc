// libFuzzer target: list cursors (services/core/cursor.h), which clients send back as they
// please: decode_cursor on any text, and what decodes encodes back to the same cursor.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "services/core/cursor.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  auto c = kam::services::decode_cursor(text);
  if (!c.ok()) return 0;
  std::string again = kam::services::encode_cursor(*c);
  auto d = kam::services::decode_cursor(again);
  // A cursor the server itself wrote must read back as the same cursor.
  if (!d.ok() || d->id != c->id || d->value != c->value) std::abort();
  return 0;
}
