#pragma once
// The knowledge base's store: every SQL statement on kb_articles and kb_article_versions, rows
// read by column name into domain::Article. Which articles an actor may read is decided here, in
// the SQL of every read: public ones everyone, internal ones staff, restricted ones the roles
// listed; drafts and archived ones only writers (and admins everything).

#include <optional>
#include <string>
#include <vector>

#include "domain/knowledge.h"
#include "services/core/actor.h"

namespace kam::services {

struct ArticleSearch {
  std::vector<std::string> terms;  // any of them matches; title matches weigh three times
  std::string category, tag;
  std::string status;  // empty: anything but archived
  int limit = 50;
};

class KnowledgeStore {
 public:
  // The article when the actor may read it.
  Result<std::optional<domain::Article>> find(db::Connection& c, const Actor& a, int64_t id) const;
  // Best match first, then the most recently changed.
  Result<std::vector<domain::Article>> search(db::Connection& c, const Actor& a,
                                              const ArticleSearch& q) const;
  Result<int64_t> insert(db::Connection& c, const domain::ArticleDraft& d,
                         std::optional<int64_t> author, int64_t now) const;
  // false when the version is not the stored one any more.
  Result<bool> update(db::Connection& c, int64_t id, int64_t version, const domain::ArticleDraft& d,
                      std::optional<int64_t> by, int64_t now) const;
  // Keeps the article as it is now as a version.
  Status add_version(db::Connection& c, int64_t id, std::optional<int64_t> by, int64_t now) const;
  Status count_view(db::Connection& c, int64_t id) const;
  // Newest first.
  // The versions of an article the actor may read, each checked as the article is (an earlier
  // restricted or draft text stays hidden from whoever could not read it then).
  Result<std::vector<domain::ArticleVersion>> versions(db::Connection& c, const Actor& a,
                                                       int64_t id) const;
};

}  // namespace kam::services
