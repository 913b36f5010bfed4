#pragma once
// The knowledge base (知识库, SPEC §4): articles with a category, tags, versions and who may read
// them; search in Chinese and English (character pairs and words as bound LIKE patterns, ranked
// by title and text matches), and suggestions for a work order from its title. Takes and answers
// domain structs; http/service_desk/routes_knowledge.cc turns them into JSON.

#include <string>
#include <vector>

#include "domain/knowledge.h"
#include "services/core/records.h"
#include "services/service_desk/knowledge_store.h"

namespace kam::services {

struct ArticleQuery {
  std::string q;  // words or Chinese text, at most 100 characters
  std::string category, tag, status;
  int limit = 50;  // 1-200
};

struct ArticleList {
  std::vector<domain::Article> items;
  std::vector<std::string> terms;  // what the text was searched for
};

class KnowledgeService {
 public:
  explicit KnowledgeService(Records& records) : records_(records) {}

  Result<ArticleList> list(const Actor& a, const ArticleQuery& q);
  // Counts the reading.
  Result<domain::Article> get(const Actor& a, int64_t id);
  Result<domain::Article> create(const Actor& a, const domain::ArticlePatch& p);
  // `p.version` is the version read; someone else's change in between answers 409.
  Result<domain::Article> update(const Actor& a, int64_t id, const domain::ArticlePatch& p);
  Result<std::vector<domain::ArticleVersion>> versions(const Actor& a, int64_t id);
  // Published articles the actor may read that share the most terms with `title`.
  Result<ArticleList> suggest(const Actor& a, const std::string& title, int limit);

 private:
  Records& records_;
  KnowledgeStore store_;
};

}  // namespace kam::services
