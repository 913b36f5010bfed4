// libFuzzer target: the CSV reader (common/csv.h) and the encoding detection and GB18030
// decoding of a file's bytes (common/text_encoding.h), the first things an uploaded file meets.
// Every byte of every field is read after each record, so AddressSanitizer sees a field that
// points into storage the reader has already moved or freed.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "common/csv.h"
#include "common/text_encoding.h"

namespace {

volatile unsigned g_sink;

void touch(const std::vector<std::string_view>& fields) {
  unsigned acc = 0;
  for (std::string_view f : fields) {
    for (char c : f) acc = acc * 31 + static_cast<unsigned char>(c);
  }
  g_sink = acc;
}

// Reads every record; a record that does not move the reader on would loop for ever.
void read_all(std::string_view text, char delimiter) {
  kam::csv::Reader r(text, delimiter);
  std::vector<std::string_view> fields;
  size_t last = 0;
  bool first = true;
  for (;;) {
    auto more = r.next(fields);
    if (!more.ok() || !*more) return;
    touch(fields);
    if (fields.empty() || (!first && r.offset() <= last) || r.offset() > text.size()) std::abort();
    if (first) {
      // The header of a usage file: the loose name matching runs on every name.
      std::vector<kam::csv::Column> wanted = {{"month", {"账期", "月份"}, false},
                                              {"number", {"号码", "msisdn"}, false},
                                              {"bill_fen", {"bill", "话费"}, false}};
      auto idx = kam::csv::map_header(fields, wanted);
      if (idx.ok() && idx->size() != wanted.size()) std::abort();
    }
    first = false;
    last = r.offset();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  read_all(bytes, ',');
  read_all(bytes, ';');

  size_t bad = 0;
  bool utf8 = kam::text::valid_utf8(bytes, &bad);
  if (!utf8 && bad >= size) std::abort();
  kam::text::Encoding enc{};
  auto decoded = kam::text::to_utf8(bytes, &enc);
  std::string in_place(bytes);
  kam::text::Encoding enc2{};
  auto st = kam::text::make_utf8(in_place, &enc2);
  if (decoded.ok() != st.ok()) std::abort();
  if (decoded.ok()) {
    // Whatever came in, what goes on is UTF-8, and both ways agree.
    if (!kam::text::valid_utf8(*decoded) || *decoded != in_place || enc != enc2) std::abort();
    read_all(*decoded, ',');
  }
  return 0;
}
