#pragma once
// Knowledge base text rules (SPEC §4): the text an article is searched by, how a query splits
// into terms, and the terms that suggest articles for a work order from its title — Chinese
// runs as overlapping character pairs (there are no spaces between Chinese words), Latin text as
// words without the common stop words. Pure functions; the service turns terms into bound LIKE
// patterns or an FTS5 query.

#include <string>
#include <string_view>
#include <vector>

namespace kam::domain {

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
