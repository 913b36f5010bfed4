#include "common/csv.h"

#include <cstring>

namespace kam::csv {

Result<bool> Reader::next(std::vector<std::string_view>& fields) {
  fields.clear();
  unescaped_.clear();
  // Skip blank lines.
  while (pos_ < text_.size() && (text_[pos_] == '\n' || text_[pos_] == '\r')) {
    if (text_[pos_] == '\n') ++line_;
    ++pos_;
  }
  if (pos_ >= text_.size()) return false;
  record_line_ = line_;
  const char* s = text_.data();
  const size_t n = text_.size();
  for (;;) {
    if (pos_ < n && s[pos_] == '"') {
      size_t start = ++pos_;
      bool escaped = false;
      for (;;) {
        const void* q = std::memchr(s + pos_, '"', n - pos_);
        if (!q) {
          return Error::invalid(
              "line " + std::to_string(record_line_),
              "line " + std::to_string(record_line_) + ": a quoted field is never closed");
        }
        size_t qp = static_cast<size_t>(static_cast<const char*>(q) - s);
        for (size_t k = pos_; k < qp; ++k) line_ += s[k] == '\n';
        pos_ = qp + 1;
        if (pos_ < n && s[pos_] == '"') {  // "" inside quotes
          escaped = true;
          ++pos_;
          continue;
        }
        break;
      }
      std::string_view raw(s + start, pos_ - 1 - start);
      if (escaped) {
        std::string u;
        u.reserve(raw.size());
        for (size_t k = 0; k < raw.size(); ++k) {
          u += raw[k];
          if (raw[k] == '"') ++k;
        }
        unescaped_.push_back(std::move(u));
        fields.emplace_back(unescaped_.back());
      } else {
        fields.push_back(raw);
      }
      if (pos_ < n && s[pos_] != delim_ && s[pos_] != '\n' && s[pos_] != '\r') {
        return Error::invalid("line " + std::to_string(line_),
                              "line " + std::to_string(line_) + ": text after a closing quote");
      }
    } else {
      size_t start = pos_;
      while (pos_ < n && s[pos_] != delim_ && s[pos_] != '\n' && s[pos_] != '\r') ++pos_;
      fields.emplace_back(s + start, pos_ - start);
    }
    if (pos_ >= n) return true;
    if (s[pos_] == delim_) {
      ++pos_;
      continue;
    }
    // End of record: CRLF or LF (a lone CR counts as a line end too).
    if (s[pos_] == '\r') ++pos_;
    if (pos_ < n && s[pos_] == '\n') ++pos_;
    ++line_;
    return true;
  }
}

std::string normalize_header(std::string_view name) {
  while (!name.empty() && (name.front() == ' ' || name.front() == '\t')) name.remove_prefix(1);
  while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
  if (name.size() >= 3 && name.substr(0, 3) == "\xEF\xBB\xBF") name.remove_prefix(3);
  std::string out(name);
  for (auto& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c == ' ' || c == '-') c = '_';
  }
  return out;
}

Result<std::vector<int>> map_header(const std::vector<std::string_view>& header,
                                    const std::vector<Column>& wanted) {
  std::vector<int> idx(wanted.size(), -1);
  for (size_t h = 0; h < header.size(); ++h) {
    std::string name = normalize_header(header[h]);
    for (size_t w = 0; w < wanted.size(); ++w) {
      bool hit = normalize_header(wanted[w].name) == name;
      for (const auto& a : wanted[w].aliases) hit = hit || normalize_header(a) == name;
      if (!hit) continue;
      if (idx[w] >= 0) {
        return Error::invalid(wanted[w].name, "the header names column " + wanted[w].name +
                                                  " twice (columns " + std::to_string(idx[w] + 1) +
                                                  " and " + std::to_string(h + 1) + ")");
      }
      idx[w] = static_cast<int>(h);
    }
  }
  for (size_t w = 0; w < wanted.size(); ++w) {
    if (wanted[w].required && idx[w] < 0) {
      return Error::invalid(wanted[w].name, "the header has no column " + wanted[w].name);
    }
  }
  return idx;
}

}  // namespace kam::csv
