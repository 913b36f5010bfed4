#pragma once
// Text files from operators' systems arrive as UTF-8 (with or without a BOM) or as GBK/GB18030
// (Excel on Chinese Windows). Everything inside KAM is UTF-8: detect, then convert once.

#include <string>
#include <string_view>

#include "common/result.h"

namespace kam::text {

enum class Encoding { kUtf8, kGb18030 };

const char* encoding_name(Encoding e);  // "UTF-8", "GB18030"

// True when `s` is well-formed UTF-8; otherwise `bad_offset` gets the first bad byte's offset.
bool valid_utf8(std::string_view s, size_t* bad_offset = nullptr);

// UTF-8 text of a file's bytes: a UTF-8 BOM is dropped; valid UTF-8 is kept as is; anything
// else is read as GB18030 (a superset of GBK and GB2312). Bytes that are neither answer an
// error naming the line and byte where decoding failed.
Result<std::string> to_utf8(std::string_view bytes, Encoding* detected = nullptr);
// The same, in place: valid UTF-8 stays where it is (no copy of a large file).
Status make_utf8(std::string& bytes, Encoding* detected = nullptr);

}  // namespace kam::text
