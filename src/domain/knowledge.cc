#include "domain/knowledge.h"

#include <algorithm>
#include <set>

#include "domain/roles.h"
#include "domain/work_orders.h"

namespace kam::domain {
namespace {

struct Glyph {
  char32_t cp;
  std::string_view bytes;
};

std::vector<Glyph> glyphs(std::string_view s) {
  std::vector<Glyph> out;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 1;
    if (i + n > s.size()) n = 1;
    char32_t cp = n == 1 ? c : n == 2 ? (c & 0x1f) : n == 3 ? (c & 0x0f) : (c & 0x07);
    for (size_t k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3f);
    out.push_back({cp, s.substr(i, n)});
    i += n;
  }
  return out;
}

bool is_han(char32_t c) {
  return (c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf) ||
         (c >= 0xf900 && c <= 0xfaff);
}
bool is_word(char32_t c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
// Blanks and punctuation, ASCII, general (— “ ” …), CJK (，。、《》) and full-width (！？（）).
bool is_separator(char32_t c) {
  if (c < 0x80) return !is_word(c);
  return (c >= 0x2000 && c <= 0x206f) || (c >= 0x3000 && c <= 0x303f) ||
         (c >= 0xff01 && c <= 0xff0f) || (c >= 0xff1a && c <= 0xff20) ||
         (c >= 0xff3b && c <= 0xff40) || (c >= 0xff5b && c <= 0xff65);
}
char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

const std::set<std::string>& english_stop_words() {
  static const std::set<std::string> s = {
      "a",      "an",     "and",  "are",   "as",    "at",    "be",   "but",  "by",  "can",
      "cannot", "could",  "do",   "does",  "for",   "from",  "has",  "have", "how", "i",
      "in",     "is",     "it",   "its",   "my",    "no",    "not",  "of",   "on",  "or",
      "our",    "please", "so",   "the",   "their", "there", "this", "to",   "too", "was",
      "we",     "what",   "when", "where", "why",   "will",  "with", "you",  "your"};
  return s;
}

// Pairs that say nothing about the subject (question words, politeness, "customer").
const std::set<std::string>& chinese_stop_pairs() {
  static const std::set<std::string> s = {"请问", "您好", "你好", "一下", "不能", "无法", "没有",
                                          "为什", "什么", "怎么", "如何", "问题", "客户", "用户",
                                          "我们", "你们", "一个", "可以", "是否", "需要", "麻烦",
                                          "谢谢", "现在", "已经", "还是", "这个", "那个"};
  return s;
}

}  // namespace

size_t utf8_chars(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xc0) != 0x80;
  return n;
}

std::string normalise_text(std::string_view s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += lower(c);
  }
  return out;
}

std::vector<std::string> query_terms(std::string_view q, size_t max_terms) {
  std::vector<std::string> out;
  std::string cur;
  auto flush = [&] {
    if (!cur.empty() && out.size() < max_terms &&
        std::find(out.begin(), out.end(), cur) == out.end())
      out.push_back(cur);
    cur.clear();
  };
  for (const auto& g : glyphs(q)) {
    if (is_separator(g.cp)) {
      flush();
    } else if (g.bytes.size() == 1) {
      cur += lower(g.bytes[0]);
    } else {
      cur += g.bytes;
    }
  }
  flush();
  return out;
}

std::vector<std::string> suggestion_terms(std::string_view title, size_t max_terms) {
  std::vector<std::string> out;
  auto add = [&](const std::string& t) {
    if (out.size() < max_terms && std::find(out.begin(), out.end(), t) == out.end())
      out.push_back(t);
  };
  auto gs = glyphs(title);
  for (size_t i = 0; i < gs.size();) {
    if (is_han(gs[i].cp)) {
      size_t j = i;
      while (j < gs.size() && is_han(gs[j].cp)) ++j;
      if (j - i == 1) {
        add(std::string(gs[i].bytes));
      } else {
        for (size_t k = i; k + 1 < j; ++k) {
          std::string pair = std::string(gs[k].bytes) + std::string(gs[k + 1].bytes);
          if (!chinese_stop_pairs().count(pair)) add(pair);
        }
      }
      i = j;
    } else if (is_word(gs[i].cp)) {
      std::string w;
      while (i < gs.size() && is_word(gs[i].cp)) w += lower(gs[i++].bytes[0]);
      if (w.size() >= 2 && !english_stop_words().count(w)) add(w);
    } else {
      ++i;
    }
  }
  return out;
}

std::string like_anywhere(std::string_view q) {
  std::string out = "%";
  for (char c : q) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out + "%";
}

namespace {

std::string join_names(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& x : v) out += (out.empty() ? "" : ", ") + x;
  return out;
}

bool listed(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

}  // namespace

Result<std::string> clean_text(const std::string& field, std::string_view in, size_t max_chars,
                               bool multiline) {
  size_t b = in.find_first_not_of(" \t\r\n"), e = in.find_last_not_of(" \t\r\n");
  std::string s =
      b == std::string_view::npos ? std::string() : std::string(in.substr(b, e - b + 1));
  if (utf8_chars(s) > max_chars)
    return Error::invalid(field, "is longer than " + std::to_string(max_chars) + " characters");
  for (unsigned char ch : s) {
    bool allowed_ws = multiline && (ch == '\n' || ch == '\r' || ch == '\t');
    if ((ch < 0x20 && !allowed_ws) || ch == 0x7f)
      return Error::invalid(field, "contains control characters");
  }
  return s;
}

Result<ArticleDraft> apply_article_patch(const ArticleDraft& base, const ArticlePatch& p) {
  ArticleDraft a = base;
  if (p.title) {
    KAM_TRY(t, clean_text("title", *p.title, 200, false));
    a.title = t;
  }
  if (a.title.empty()) return Error::invalid("title", "is required");
  if (p.category) a.category = *p.category;
  if (!listed(article_categories(), a.category))
    return Error::invalid("category", "must be one of: " + join_names(article_categories()));
  if (p.body) {
    KAM_TRY(b, clean_text("body", *p.body, 50000, true));
    a.body = b;
  }
  if (a.body.empty()) return Error::invalid("body", "is required");
  if (p.tags) {
    if (p.tags->size() > 20) return Error::invalid("tags", "must be a list of at most 20 tags");
    a.tags.clear();
    for (const auto& t : *p.tags) {
      if (t.empty() || utf8_chars(t) > 30 || t.find(',') != std::string::npos) {
        return Error::invalid("tags", "each tag is a text of 1 to 30 characters without commas");
      }
      if (!listed(a.tags, t)) a.tags.push_back(t);
    }
  }
  if (p.visibility) a.visibility = *p.visibility;
  if (!listed(article_visibilities(), a.visibility))
    return Error::invalid("visibility", "must be one of: " + join_names(article_visibilities()));
  if (p.roles) {
    for (const auto& r : *p.roles) {
      if (!parse_role(r)) return Error::invalid("roles", "must hold role names");
    }
    a.roles = *p.roles;
  }
  if (a.visibility == "restricted" && a.roles.empty())
    return Error::invalid("roles", "a restricted article names the roles that may read it");
  if (p.status) a.status = *p.status;
  if (!listed(article_statuses(), a.status))
    return Error::invalid("status", "must be one of: " + join_names(article_statuses()));
  return a;
}

std::string article_search_text(const ArticleDraft& a) {
  std::string tags;
  for (const auto& t : a.tags) tags += " " + t;
  return normalise_text(a.title + tags + " " + a.body);
}

std::string excerpt(std::string_view body, size_t chars) {
  size_t n = 0, i = 0;
  for (; i < body.size(); ++i) {
    if ((static_cast<unsigned char>(body[i]) & 0xc0) != 0x80 && ++n > chars) break;
  }
  return std::string(body.substr(0, i));
}

}  // namespace kam::domain
