#include "services/service_desk/knowledge_service.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "domain/work_orders.h"
#include "services/core/audit.h"

namespace kam::services {
namespace {

using json = nlohmann::json;

bool can_write(const Actor& a) {
  return a.can(domain::Perm::kKnowledgeWrite);
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& x : v) out += (out.empty() ? "" : ", ") + x;
  return out;
}

// What the audit trail keeps of an article (its text is kept by the versions).
json audit_view(const domain::Article& a) {
  return {{"id", a.id},         {"title", a.title},           {"category", a.category},
          {"tags", a.tags},     {"visibility", a.visibility}, {"roles", a.roles},
          {"status", a.status}, {"version", a.version}};
}

std::optional<int64_t> who(const Actor& a) {
  return a.user_id ? std::optional<int64_t>(a.user_id) : std::nullopt;
}

Status conflict(int64_t now_version) {
  return Error::conflict("this article was changed by someone else (now version " +
                             std::to_string(now_version) + "); reload and try again",
                         "version");
}

}  // namespace

Result<ArticleList> KnowledgeService::list(const Actor& a, const ArticleQuery& q) {
  if (q.limit < 1 || q.limit > 200) return Error::invalid("limit", "must be between 1 and 200");
  if (domain::utf8_chars(q.q) > 100) return Error::invalid("q", "is longer than 100 characters");
  if (!q.category.empty() && !domain::is_one_of(domain::article_categories(), q.category)) {
    return Error::invalid("category", "must be one of: " + join(domain::article_categories()));
  }
  if (!q.status.empty() && !domain::is_one_of(domain::article_statuses(), q.status)) {
    return Error::invalid("status", "must be one of: " + join(domain::article_statuses()));
  }
  if (domain::utf8_chars(q.tag) > 30) return Error::invalid("tag", "is longer than 30 characters");
  // Whole words and runs as typed, plus the character pairs of Chinese runs (no spaces
  // between Chinese words: "宽带断网" finds an article about "宽带故障" through "宽带").
  ArticleList out;
  out.terms = domain::query_terms(q.q);
  for (const auto& t : domain::suggestion_terms(q.q, 16)) {
    if (std::find(out.terms.begin(), out.terms.end(), t) == out.terms.end()) out.terms.push_back(t);
  }
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(items, store_.search(*lease, a, {out.terms, q.category, q.tag, q.status, q.limit}));
  out.items = std::move(items);
  return out;
}

Result<domain::Article> KnowledgeService::get(const Actor& a, int64_t id) {
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(art, store_.find(*lease, a, id));
  if (!art) return Error::not_found("article");
  KAM_CHECK(store_.count_view(*lease, id));
  return *art;
}

Result<domain::Article> KnowledgeService::create(const Actor& a, const domain::ArticlePatch& p) {
  if (!can_write(a)) return Error::forbidden("your role cannot write knowledge base articles");
  if (p.version) return Error::invalid("version", "is set by the server on create");
  KAM_TRY(draft, domain::apply_article_patch({}, p));
  const Clock& clock = records_.clock();
  int64_t now = clock.now();
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(tx, db::Transaction::begin(lease));
  KAM_TRY(id, store_.insert(tx.conn(), draft, who(a), now));
  KAM_CHECK(store_.add_version(tx.conn(), id, who(a), now));
  KAM_TRY(after, store_.find(tx.conn(), Actor::system(), id));
  KAM_CHECK(
      write_audit(tx.conn(), clock, a, "create", "kb_article", id, nullptr, audit_view(*after)));
  KAM_CHECK(tx.commit());
  return *after;
}

Result<domain::Article> KnowledgeService::update(const Actor& a, int64_t id,
                                                 const domain::ArticlePatch& p) {
  if (!can_write(a)) return Error::forbidden("your role cannot write knowledge base articles");
  if (!p.version) return Error::invalid("version", "is required: send the version you read");
  const Clock& clock = records_.clock();
  int64_t now = clock.now();
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(tx, db::Transaction::begin(lease));
  KAM_TRY(before, store_.find(tx.conn(), a, id));
  if (!before) return Error::not_found("article");
  if (before->version != *p.version) return conflict(before->version).error();
  KAM_TRY(draft, domain::apply_article_patch(*before, p));
  KAM_TRY(updated, store_.update(tx.conn(), id, *p.version, draft, who(a), now));
  if (!updated) return conflict(*p.version + 1).error();
  KAM_CHECK(store_.add_version(tx.conn(), id, who(a), now));
  KAM_TRY(after, store_.find(tx.conn(), Actor::system(), id));
  KAM_CHECK(write_audit(tx.conn(), clock, a, "update", "kb_article", id, audit_view(*before),
                        audit_view(*after)));
  KAM_CHECK(tx.commit());
  return *after;
}

Result<std::vector<domain::ArticleVersion>> KnowledgeService::versions(const Actor& a, int64_t id) {
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(art, store_.find(*lease, a, id));
  if (!art) return Error::not_found("article");
  if (domain::is_outsider(a.role)) return Error::forbidden("an article's history is for staff");
  return store_.versions(*lease, a, id);
}

Result<ArticleList> KnowledgeService::suggest(const Actor& a, const std::string& title, int limit) {
  if (limit < 1 || limit > 20) return Error::invalid("limit", "must be between 1 and 20");
  ArticleList out;
  out.terms = domain::suggestion_terms(title);
  if (out.terms.empty()) return out;
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(items, store_.search(*lease, a, {out.terms, "", "", "published", limit}));
  out.items = std::move(items);
  return out;
}

}  // namespace kam::services
