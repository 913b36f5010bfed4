// libFuzzer target: the alert rule language (engine/rule_lang.h) against the real alert schema
// (engine/alert_schema.h). The first byte picks the level (even: member, odd: customer), the
// rest is the condition. A refused condition must name a position inside the text; a compiled
// one is evaluated on a tiny frame (three customers, four members) whose columns hold unknown
// values, zeros and numbers taken from the input.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <set>
#include <string_view>
#include <vector>

#include "engine/alert_schema.h"
#include "engine/rule_lang.h"

namespace {

using kam::engine::rules::Batch;
using kam::engine::rules::Input;
using kam::engine::rules::Program;
using kam::engine::rules::Schema;
using kam::engine::rules::Type;

size_t chars(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

// Columns for every input a program reads: unknown, zero, and values from the text's bytes.
void fill(Batch& b, const Schema& s, const std::set<Input>& inputs, std::string_view seed) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (const Input& in : inputs) {
    if (in.field < 0) continue;  // member aggregates: evaluate() computes them
    const auto& f = s.fields[static_cast<size_t>(in.field)];
    if (f.type == Type::kCat) {
      std::vector<int32_t> v(b.rows);
      for (size_t i = 0; i < b.rows; ++i) {
        int32_t k = static_cast<int32_t>(i) - 1;  // -1 is missing
        v[i] = f.categories.empty() ? -1 : k % static_cast<int32_t>(f.categories.size());
      }
      b.cat[in] = std::move(v);
      continue;
    }
    std::vector<double> v(b.rows);
    for (size_t i = 0; i < b.rows; ++i) {
      unsigned char c = seed.empty()
                            ? 0
                            : static_cast<unsigned char>(
                                  seed[(i * 7 + static_cast<size_t>(in.offset)) % seed.size()]);
      v[i] = i == 0 ? nan : i == 1 ? 0.0 : static_cast<double>(c) - 64.0;
    }
    b.num[in] = std::move(v);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  bool customer = data[0] & 1;
  std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  const Schema& schema =
      customer ? kam::engine::customer_rule_schema() : kam::engine::member_rule_schema();
  auto p = Program::compile(text, schema);
  if (!p.ok()) {
    // Errors name the condition and a position within the text (or just past its end).
    size_t at = kam::engine::rules::error_position(p.error());
    if (p.error().field != "condition" || at < 1 || at > chars(text) + 1) std::abort();
    return 0;
  }
  Batch b;
  b.rows = 3;
  b.ref_day = 20'780;
  fill(b, schema, p->inputs(), text);
  std::vector<uint8_t> out;
  if (customer && p->has_aggregates()) {
    Batch m;
    m.rows = 4;
    m.ref_day = b.ref_day;
    fill(m, *schema.members, p->member_inputs(), text);
    std::vector<int32_t> owner = {0, 0, 2, -1};
    auto st = p->evaluate(b, out, &m, &owner);
    if (!st.ok()) std::abort();
  } else {
    auto st = p->evaluate(b, out);
    if (!st.ok()) std::abort();
  }
  if (out.size() != b.rows) std::abort();
  for (uint8_t v : out) {
    if (v > 1) std::abort();
  }
  return 0;
}
