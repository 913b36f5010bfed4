#include "common/text_encoding.h"

#include <iconv.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>

namespace kam::text {
namespace {

size_t line_of(std::string_view s, size_t offset) {
  return 1 +
         static_cast<size_t>(std::count(
             s.begin(), s.begin() + static_cast<std::ptrdiff_t>(std::min(offset, s.size())), '\n'));
}

}  // namespace

const char* encoding_name(Encoding e) {
  return e == Encoding::kUtf8 ? "UTF-8" : "GB18030";
}

bool valid_utf8(std::string_view s, size_t* bad_offset) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  size_t n = s.size(), i = 0;
  while (i < n) {
    // Fast path: eight ASCII bytes at a time.
    if (i + 8 <= n) {
      uint64_t w;
      std::memcpy(&w, p + i, 8);
      if ((w & 0x8080808080808080ULL) == 0) {
        i += 8;
        continue;
      }
    }
    unsigned char c = p[i];
    size_t len;
    uint32_t cp;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      if (bad_offset) *bad_offset = i;
      return false;
    }
    if (i + len > n) {
      if (bad_offset) *bad_offset = i;
      return false;
    }
    for (size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) {
        if (bad_offset) *bad_offset = i;
        return false;
      }
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
        (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF)) {
      if (bad_offset) *bad_offset = i;
      return false;
    }
    i += len;
  }
  return true;
}

Result<std::string> to_utf8(std::string_view bytes, Encoding* detected) {
  if (bytes.size() >= 3 && bytes.substr(0, 3) == "\xEF\xBB\xBF") bytes.remove_prefix(3);
  size_t bad = 0;
  if (valid_utf8(bytes, &bad)) {
    if (detected) *detected = Encoding::kUtf8;
    return std::string(bytes);
  }
  iconv_t cd = iconv_open("UTF-8", "GB18030");
  if (cd == reinterpret_cast<iconv_t>(-1))
    return Error::internal("GB18030 decoding is not available (iconv)");
  std::unique_ptr<void, int (*)(iconv_t)> guard(cd, iconv_close);
  std::string out;
  out.resize(bytes.size() * 3 / 2 + 16);
  char* in = const_cast<char*>(bytes.data());
  size_t in_left = bytes.size();
  char* dst = out.data();
  size_t out_left = out.size();
  while (in_left > 0) {
    size_t r = iconv(cd, &in, &in_left, &dst, &out_left);
    if (r != static_cast<size_t>(-1)) break;
    if (errno == E2BIG) {
      size_t used = static_cast<size_t>(dst - out.data());
      out.resize(out.size() * 2);
      dst = out.data() + used;
      out_left = out.size() - used;
      continue;
    }
    size_t at = static_cast<size_t>(in - bytes.data());
    return Error::invalid("encoding",
                          "the file is neither UTF-8 nor GBK/GB18030: undecodable bytes at line " +
                              std::to_string(line_of(bytes, at)) + " (byte " + std::to_string(at) +
                              "; first non-UTF-8 byte at " + std::to_string(bad) + ")");
  }
  out.resize(static_cast<size_t>(dst - out.data()));
  if (detected) *detected = Encoding::kGb18030;
  return out;
}

Status make_utf8(std::string& bytes, Encoding* detected) {
  size_t skip = bytes.size() >= 3 && bytes.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;
  if (valid_utf8(std::string_view(bytes).substr(skip))) {
    if (skip) bytes.erase(0, skip);
    if (detected) *detected = Encoding::kUtf8;
    return {};
  }
  KAM_TRY(converted, to_utf8(bytes, detected));
  bytes = std::move(converted);
  return {};
}

}  // namespace kam::text
