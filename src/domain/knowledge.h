#pragma once
// Knowledge base text rules (SPEC §4): the text an article is searched by, how a query splits
// into terms, and the terms that suggest articles for a work order from its title — Chinese
// runs as overlapping character pairs (there are no spaces between Chinese words), Latin text as
// words without the common stop words. Pure functions; the service turns terms into bound LIKE
// patterns or an FTS5 query.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace kam::domain {

// What a writer gives of an article (every field checked by validate_article).
struct ArticleDraft {
  std::string title;
  std::string category;  // article_categories()
  std::vector<std::string> tags;
  std::string body;
  std::string visibility = "internal";  // article_visibilities()
  std::vector<std::string> roles;       // who reads a restricted article
  std::string status = "published";     // article_statuses()
};

// A change of an article: the fields given, the rest kept.
struct ArticlePatch {
  std::optional<std::string> title, category, body, visibility, status;
  std::optional<std::vector<std::string>> tags, roles;
  std::optional<int64_t> version;  // required on update, refused on create
};

struct UserRef {
  int64_t id = 0;
  std::string name;
};

struct Article : ArticleDraft {
  int64_t id = 0;
  int64_t views = 0;
  std::optional<UserRef> author, updated_by;
  int64_t created_at = 0, updated_at = 0;
  int64_t version = 0;
  int64_t score = 0;  // in a search: how well it matches (title matches weigh more)
};

struct ArticleVersion {
  int64_t version = 0;
  std::string title, category, status, visibility, body;
  std::vector<std::string> tags;
  std::optional<UserRef> changed_by;
  int64_t changed_at = 0;
};

// `patch` over `base`: fields trimmed, control characters refused, lengths, enums, tags (at most
// 20, 1-30 characters, no commas, duplicates dropped) and roles (a restricted article names
// them) checked; every refusal names its field.
Result<ArticleDraft> apply_article_patch(const ArticleDraft& base, const ArticlePatch& patch);
// The text an article is found by: title, tags and body, normalised.
std::string article_search_text(const ArticleDraft& a);
// Text typed by a person: trimmed, at most `max_chars` characters, no control characters (line
// breaks and tabs allowed where `multiline`); "" when only blanks were given. Errors name `field`.
Result<std::string> clean_text(const std::string& field, std::string_view in, size_t max_chars,
                               bool multiline);
// The first `chars` characters of a body, cut at a character boundary.
std::string excerpt(std::string_view body, size_t chars = 120);

// Lower-cased ASCII, whitespace runs collapsed: what an article's search text is made of.
std::string normalise_text(std::string_view s);
// A search query's terms: split at blanks and punctuation, lower-cased, duplicates dropped,
// at most `max_terms`.
std::vector<std::string> query_terms(std::string_view q, size_t max_terms = 8);
// Terms that make a title similar to an article: each run of Chinese characters as its
// overlapping pairs (a single character on its own), each Latin word or number of 2+
// characters that is not a stop word. At most `max_terms`, in order of appearance.
std::vector<std::string> suggestion_terms(std::string_view title, size_t max_terms = 24);
// A LIKE pattern for a fragment anywhere, with %, _ and \ taken literally (ESCAPE '\').
std::string like_anywhere(std::string_view fragment);
// Counts UTF-8 code points.
size_t utf8_chars(std::string_view s);

}  // namespace kam::domain
