// Writes the seeds that are made by the code under test rather than by hand: encoded usage
// chunks (chunk_fuzz) and list cursors (cursor_fuzz). Run once when the formats change:
//   fuzz/build.sh make_seeds && build-fuzz/make_seeds fuzz/corpus

#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>

#include "engine/chunk_codec.h"
#include "services/core/cursor.h"

namespace {

using kam::domain::UsageField;
using kam::engine::UsageFrame;

void write(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

// `rows` members with every kind of column: narrow and wide ranges, nulls, constants.
UsageFrame frame(size_t rows, bool wide) {
  UsageFrame f;
  f.period = 202610;
  for (size_t r = 0; r < rows; ++r) {
    auto i = static_cast<int64_t>(r);
    f.member_id.push_back(1000 + 3 * i);
    f.customer_id.push_back(100 + i / 4);
    f.col(UsageField::kBill).push_back(wide ? i * 1'000'003 : 12'850 + i % 7);
    f.col(UsageField::kMou).push_back(i % 300);
    f.col(UsageField::kStatus).push_back(i % 9 == 0 ? 1 : 0);
    f.col(UsageField::kZeroCallDays).push_back(0);
    f.col(UsageField::kContractEnd).push_back(i % 3 == 0 ? kam::domain::kNoDate : 20'800 + i);
    f.col(UsageField::kDataMb).push_back(wide ? (i << 33) - 5 : i * 40);
  }
  return f;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: make_seeds CORPUS_DIR\n";
    return 2;
  }
  std::string dir = argv[1];
  write(dir + "/chunk_fuzz/small.bin", kam::engine::encode_chunk(frame(5, false), 0, 5));
  write(dir + "/chunk_fuzz/wide.bin", kam::engine::encode_chunk(frame(9, true), 0, 9));
  // 300 rows: the columns are long enough for zstd.
  write(dir + "/chunk_fuzz/zstd.bin", kam::engine::encode_chunk(frame(300, false), 0, 300));
  write(dir + "/chunk_fuzz/empty.bin", kam::engine::encode_chunk(frame(0, false), 0, 0));
  using kam::services::Cursor;
  using kam::services::encode_cursor;
  write(dir + "/cursor_fuzz/text.txt", encode_cursor(Cursor{"张三 (Zhang San)", 42}));
  write(dir + "/cursor_fuzz/number.txt", encode_cursor(Cursor{128.5, 9'007'199'254'740'993}));
  write(dir + "/cursor_fuzz/null.txt", encode_cursor(Cursor{nullptr, -1}));
  write(dir + "/cursor_fuzz/integer.txt", encode_cursor(Cursor{-9'223'372'036'854'775'807, 0}));
  return 0;
}
