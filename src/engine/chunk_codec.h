#pragma once
// The stored form of usage: rows of a UsageFrame cut into chunks of a few thousand members,
// each chunk one binary value in the store with its columns encoded one by one (frame of
// reference plus the narrowest byte width, then zstd when it pays). A reader decodes only the
// columns it asks for.

#include <string>
#include <string_view>

#include "common/result.h"
#include "engine/usage_frame.h"

namespace kam::engine {

inline constexpr size_t kChunkRows = 8192;

// Encodes rows [begin, end) of `f` (every loaded column, plus member and customer ids).
std::string encode_chunk(const UsageFrame& f, size_t begin, size_t end);

// Decodes a chunk, appending its rows to `out` (member and customer ids always; of the usage
// fields only those in `want`). A damaged chunk answers an error, never a crash.
Status decode_chunk(std::string_view blob, const FieldMask& want, UsageFrame& out);
// Rows in a chunk (from its header).
Result<size_t> chunk_rows(std::string_view blob);
// Decodes into rows [at, at + n) of `out`, whose ids and wanted columns are already that long:
// chunks of one period decode in parallel straight into their place.
Status decode_chunk_into(std::string_view blob, const FieldMask& want, UsageFrame& out, size_t at);

}  // namespace kam::engine
