#include "services/service_desk/knowledge_store.h"

#include <nlohmann/json.hpp>

namespace kam::services {
namespace {

using json = nlohmann::json;

constexpr const char* kColumns =
    "a.id, a.title, a.category, a.tags, a.body, a.visibility, a.roles, a.status, a.views, "
    "a.author_id, ua.display_name AS author_name, a.updated_by, uu.display_name AS "
    "updated_by_name, a.created_at, a.updated_at, a.version";
constexpr const char* kFrom =
    " FROM kb_articles a LEFT JOIN users ua ON ua.id = a.author_id LEFT JOIN users uu ON uu.id = "
    "a.updated_by";

std::vector<std::string> tags_of(const std::string& text) {
  json j = json::parse(text, nullptr, false);
  std::vector<std::string> out;
  if (!j.is_array()) return out;
  for (const auto& t : j) {
    if (t.is_string()) out.push_back(t.get<std::string>());
  }
  return out;
}

std::string tags_text(const std::vector<std::string>& tags) {
  return json(tags).dump();
}

// Roles are stored as "a,b,c" so that a bound LIKE '%,role,%' finds them.
std::vector<std::string> roles_of(const std::string& text) {
  std::vector<std::string> out;
  for (size_t b = 0; b < text.size();) {
    size_t e = text.find(',', b);
    if (e == std::string::npos) e = text.size();
    if (e > b) out.push_back(text.substr(b, e - b));
    b = e + 1;
  }
  return out;
}

std::string roles_text(const std::vector<std::string>& roles) {
  std::string out;
  for (const auto& r : roles) out += (out.empty() ? "" : ",") + r;
  return out;
}

std::optional<domain::UserRef> user_ref(const db::NamedRow& r, const char* id, const char* name) {
  if (r.is_null(id)) return std::nullopt;
  return domain::UserRef{r.i64(id), r.text(name)};
}

domain::Article article_of(const db::NamedRow& r) {
  domain::Article a;
  a.id = r.i64("id");
  a.title = r.text("title");
  a.category = r.text("category");
  a.tags = tags_of(r.text("tags"));
  a.body = r.text("body");
  a.visibility = r.text("visibility");
  a.roles = roles_of(r.text("roles"));
  a.status = r.text("status");
  a.views = r.i64("views");
  a.author = user_ref(r, "author_id", "author_name");
  a.updated_by = user_ref(r, "updated_by", "updated_by_name");
  a.created_at = r.i64("created_at");
  a.updated_at = r.i64("updated_at");
  a.version = r.i64("version");
  return a;
}

// The actor's reading rights as a condition on the article (or version) alias `t` (see the
// header): applied to every version too, so history never shows a text its reader could not.
void visibility_where(const Actor& a, std::string& where, db::Params& p,
                      const std::string& t = "a") {
  using domain::Role;
  if (a.role == Role::kAdmin) return;
  bool outside = a.role == Role::kPortalUser || a.role == Role::kMerchantStaff;
  where += outside ? " AND (" + t + ".visibility = 'public' OR "
                   : " AND (" + t + ".visibility IN ('public','internal') OR ";
  where += "(" + t + ".visibility = 'restricted' AND (',' || " + t + ".roles || ',') LIKE ?))";
  p.push_back("%," + std::string(domain::role_name(a.role)) + ",%");
  if (!a.can(domain::Perm::kKnowledgeWrite)) where += " AND " + t + ".status = 'published'";
}

db::Value who(std::optional<int64_t> id) {
  return id ? db::Value(*id) : db::Value(nullptr);
}

}  // namespace

Result<std::optional<domain::Article>> KnowledgeStore::find(db::Connection& c, const Actor& a,
                                                            int64_t id) const {
  std::string where = "a.id = ?";
  db::Params p = {id};
  visibility_where(a, where, p);
  KAM_TRY(rows, c.query(std::string("SELECT ") + kColumns + kFrom + " WHERE " + where, p));
  if (rows.empty()) return std::optional<domain::Article>{};
  return std::optional<domain::Article>(article_of(rows.named(0)));
}

Result<std::vector<domain::Article>> KnowledgeStore::search(db::Connection& c, const Actor& a,
                                                            const ArticleSearch& q) const {
  std::string where = "1=1";
  db::Params wp;
  visibility_where(a, where, wp);
  if (!q.category.empty()) {
    where += " AND a.category = ?";
    wp.push_back(q.category);
  }
  if (!q.tag.empty()) {
    where += " AND a.tags LIKE ? ESCAPE '\\'";
    wp.push_back(domain::like_anywhere(json(q.tag).dump()));
  }
  if (!q.status.empty()) {
    where += " AND a.status = ?";
    wp.push_back(q.status);
  } else {
    where += " AND a.status <> 'archived'";
  }
  std::string score = "0";
  db::Params sp;
  if (!q.terms.empty()) {
    std::string any;
    db::Params ap;
    for (const auto& t : q.terms) {
      std::string like = domain::like_anywhere(t);
      // Title matches weigh three times, longer terms (whole words, runs) twice.
      int weight = domain::utf8_chars(t) > 2 ? 2 : 1;
      score += " + CASE WHEN LOWER(a.title) LIKE ? ESCAPE '\\' THEN " + std::to_string(3 * weight) +
               " ELSE 0 END + CASE WHEN a.search_text LIKE ? ESCAPE '\\' THEN " +
               std::to_string(weight) + " ELSE 0 END";
      sp.push_back(like);
      sp.push_back(like);
      any += std::string(any.empty() ? "" : " OR ") + "a.search_text LIKE ? ESCAPE '\\'";
      ap.push_back(like);
    }
    where += " AND (" + any + ")";
    wp.insert(wp.end(), ap.begin(), ap.end());
  }
  db::Params p = sp;
  p.insert(p.end(), wp.begin(), wp.end());
  p.push_back(static_cast<int64_t>(q.limit));
  KAM_TRY(rows, c.query(std::string("SELECT ") + kColumns + ", " + score + " AS score" + kFrom +
                            " WHERE " + where +
                            " ORDER BY score DESC, a.updated_at DESC, a.id DESC LIMIT ?",
                        p));
  std::vector<domain::Article> out;
  for (size_t i = 0; i < rows.size(); ++i) {
    auto r = rows.named(i);
    out.push_back(article_of(r));
    out.back().score = r.i64("score");
  }
  return out;
}

Result<int64_t> KnowledgeStore::insert(db::Connection& c, const domain::ArticleDraft& d,
                                       std::optional<int64_t> author, int64_t now) const {
  KAM_TRY(rows, c.query("INSERT INTO kb_articles(title, category, tags, body, visibility, roles, "
                        "status, search_text, author_id, updated_by, created_at, updated_at) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                        {d.title, d.category, tags_text(d.tags), d.body, d.visibility,
                         roles_text(d.roles), d.status, domain::article_search_text(d), who(author),
                         who(author), now, now}));
  return rows[0].i64(0);
}

Result<bool> KnowledgeStore::update(db::Connection& c, int64_t id, int64_t version,
                                    const domain::ArticleDraft& d, std::optional<int64_t> by,
                                    int64_t now) const {
  KAM_TRY(n,
          c.exec("UPDATE kb_articles SET title = ?, category = ?, tags = ?, body = ?, "
                 "visibility = ?, roles = ?, status = ?, search_text = ?, updated_by = ?, "
                 "updated_at = ?, version = version + 1 WHERE id = ? AND version = ?",
                 {d.title, d.category, tags_text(d.tags), d.body, d.visibility, roles_text(d.roles),
                  d.status, domain::article_search_text(d), who(by), now, id, version}));
  return n == 1;
}

Status KnowledgeStore::add_version(db::Connection& c, int64_t id, std::optional<int64_t> by,
                                   int64_t now) const {
  KAM_CHECK(
      c.exec("INSERT INTO kb_article_versions(article_id, version, title, category, tags, "
             "body, visibility, roles, status, changed_by, changed_at) SELECT id, version, "
             "title, category, tags, body, visibility, roles, status, ?, ? "
             "FROM kb_articles WHERE id = ?",
             {who(by), now, id}));
  return {};
}

Status KnowledgeStore::count_view(db::Connection& c, int64_t id) const {
  KAM_CHECK(c.exec("UPDATE kb_articles SET views = views + 1 WHERE id = ?", {id}));
  return {};
}

Result<std::vector<domain::ArticleVersion>> KnowledgeStore::versions(db::Connection& c,
                                                                     const Actor& a,
                                                                     int64_t id) const {
  std::string where = "v.article_id = ?";
  db::Params p = {id};
  visibility_where(a, where, p, "v");
  KAM_TRY(rows, c.query("SELECT v.version, v.title, v.category, v.tags, v.status, v.visibility, "
                        "v.changed_by, u.display_name AS changed_by_name, v.changed_at, v.body "
                        "FROM kb_article_versions v LEFT JOIN users u ON u.id = v.changed_by "
                        "WHERE " +
                            where + " ORDER BY v.version DESC",
                        p));
  std::vector<domain::ArticleVersion> out;
  for (size_t i = 0; i < rows.size(); ++i) {
    auto r = rows.named(i);
    domain::ArticleVersion v;
    v.version = r.i64("version");
    v.title = r.text("title");
    v.category = r.text("category");
    v.tags = tags_of(r.text("tags"));
    v.status = r.text("status");
    v.visibility = r.text("visibility");
    v.changed_by = user_ref(r, "changed_by", "changed_by_name");
    v.changed_at = r.i64("changed_at");
    v.body = r.text("body");
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace kam::services
