// Writes call-detail records as an operator's switch exports them: one row per call, in time
// order, month after month. Callers are the archive's members plus a quarter more numbers
// outside it; about 40 % of callers have one or two relatives on another network whom they
// call often (the family-plan candidates), the rest of the calls go to random numbers on all
// four networks. Deterministic for a seed.
//   gen_cdr NUMBERS.txt CALLS FIRST_MONTH(YYYY-MM) MONTHS OUT.csv
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

namespace {

struct Rng {
  uint64_t s;
  uint64_t next() {
    uint64_t z = (s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  uint64_t below(uint64_t n) { return next() % n; }
};

const char* kOps[] = {"中国移动", "中国联通", "中国电信", "中国广电"};
const char* kPrefixes[4][6] = {{"135", "138", "139", "150", "187", "188"},
                               {"130", "131", "132", "155", "185", "186"},
                               {"133", "153", "180", "181", "189", "199"},
                               {"192", "192", "192", "192", "192", "192"}};

// A random number on network `op` (11 digits).
uint64_t number_on(Rng& r, int op) {
  const char* p = kPrefixes[op][r.below(6)];
  return static_cast<uint64_t>(std::atoi(p)) * 100000000ULL + r.below(100000000ULL);
}

int network(Rng& r) {  // 60 % our own network, then the others by market share
  uint64_t x = r.below(100);
  return x < 60 ? 0 : x < 85 ? 1 : x < 98 ? 2 : 3;
}

char* put_u64(char* out, uint64_t v) {
  char buf[24];
  int n = 0;
  do {
    buf[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v);
  while (n) *out++ = buf[--n];
  return out;
}

char* put2(char* out, int v) {
  *out++ = static_cast<char>('0' + v / 10);
  *out++ = static_cast<char>('0' + v % 10);
  return out;
}

int days_in(int y, int m) {
  static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0) ? 29 : d[m - 1];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 6) {
    std::fprintf(stderr, "usage: %s NUMBERS.txt CALLS FIRST_MONTH MONTHS OUT.csv\n", argv[0]);
    return 2;
  }
  std::vector<uint64_t> callers;
  {
    std::ifstream in(argv[1]);
    std::string line;
    while (std::getline(in, line)) {
      if (line.size() == 11 && line.find_first_not_of("0123456789") == std::string::npos)
        callers.push_back(std::stoull(line));
    }
  }
  const size_t members = callers.size();
  if (members == 0) {
    std::fprintf(stderr, "no 11-digit numbers in %s\n", argv[1]);
    return 1;
  }
  Rng r{42};
  for (size_t i = 0; i < members / 4; ++i)
    callers.push_back(number_on(r, 0));  // outside the archive
  const uint64_t calls = std::strtoull(argv[2], nullptr, 10);
  int year = std::atoi(argv[3]), month = std::atoi(argv[3] + 5);
  const int months = std::atoi(argv[4]);
  FILE* f = std::fopen(argv[5], "wb");
  if (!f) {
    std::perror(argv[5]);
    return 1;
  }
  std::vector<char> buf(1 << 24);
  char* p = buf.data();
  const char* header = "主叫号码,被叫号码,被叫运营商,开始时间,通话时长\n";
  p = static_cast<char*>(std::memcpy(p, header, std::strlen(header))) + std::strlen(header);
  size_t op_len[4];
  for (int k = 0; k < 4; ++k) op_len[k] = std::strlen(kOps[k]);
  uint64_t written = 0;
  for (int m = 0; m < months;
       ++m, month = month == 12 ? 1 : month + 1, year += month == 1 ? 1 : 0) {
    const int days = days_in(year, month);
    const uint64_t month_calls =
        calls / static_cast<uint64_t>(months) + (m < static_cast<int>(calls % months) ? 1 : 0);
    for (int d = 1; d <= days; ++d) {
      const uint64_t day_calls = month_calls / static_cast<uint64_t>(days) +
                                 (d <= static_cast<int>(month_calls % days) ? 1 : 0);
      for (uint64_t k = 0; k < day_calls; ++k) {
        const size_t c = r.below(callers.size());
        // The caller's relatives are fixed: derived from the caller, not drawn per call.
        Rng fam{c * 0xD1B54A32D192ED03ULL + 7};
        const bool has_family = fam.below(100) < 40;
        int op;
        uint64_t callee;
        if (has_family && r.below(100) < 35) {
          const int relatives = 1 + static_cast<int>(fam.below(2));
          const int which = static_cast<int>(r.below(static_cast<uint64_t>(relatives)));
          int fop = 1;
          uint64_t fnum = 0;
          for (int j = 0; j <= which; ++j) {
            fop = 1 + static_cast<int>(fam.below(2));
            fnum = number_on(fam, fop);
          }
          op = fop;
          callee = fnum;
        } else {
          op = network(r);
          callee = number_on(r, op);
        }
        const int secs = static_cast<int>(k * 86400 / day_calls);  // in time order through the day
        const int dur = 5 + static_cast<int>(r.below(600));
        p = put_u64(p, callers[c]);
        *p++ = ',';
        p = put_u64(p, callee);
        *p++ = ',';
        std::memcpy(p, kOps[op], op_len[op]);
        p += op_len[op];
        *p++ = ',';
        p = put_u64(p, static_cast<uint64_t>(year));
        *p++ = '-';
        p = put2(p, month);
        *p++ = '-';
        p = put2(p, d);
        *p++ = ' ';
        p = put2(p, secs / 3600);
        *p++ = ':';
        p = put2(p, secs / 60 % 60);
        *p++ = ':';
        p = put2(p, secs % 60);
        *p++ = ',';
        p = put_u64(p, static_cast<uint64_t>(dur));
        *p++ = '\n';
        if (p - buf.data() > static_cast<ptrdiff_t>(buf.size() - 256)) {
          std::fwrite(buf.data(), 1, static_cast<size_t>(p - buf.data()), f);
          p = buf.data();
        }
        ++written;
      }
    }
  }
  std::fwrite(buf.data(), 1, static_cast<size_t>(p - buf.data()), f);
  std::fclose(f);
  std::fprintf(stderr, "%llu calls of %zu callers (%zu in the archive)\n",
               static_cast<unsigned long long>(written), callers.size(), members);
  return 0;
}
