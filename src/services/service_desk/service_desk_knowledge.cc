// The knowledge base (知识库): articles with a category, tags, versions and who may read them;
// search in Chinese and English (character pairs and words as bound LIKE patterns, ranked by
// title and text matches), and suggestions for a work order from its title.

#include <algorithm>

#include "domain/knowledge.h"
#include "services/core/audit.h"
#include "services/service_desk/service_desk_internal.h"
#include "services/service_desk/service_desk_service.h"

namespace kam::services {

using namespace desk;  // NOLINT

namespace {

constexpr const char* kArticleColumns =
    "a.id, a.title, a.category, a.tags, a.body, a.visibility, a.roles, a.status, a.views, "
    "a.author_id, ua.display_name, "
    "a.updated_by, uu.display_name, a.created_at, a.updated_at, a.version";
constexpr const char* kArticleFrom =
    " FROM kb_articles a LEFT JOIN users ua ON ua.id = a.author_id LEFT JOIN users uu ON uu.id = "
    "a.updated_by";

json article_json(const db::Row& r, bool with_body) {
  json tags = json::parse(r.text(3), nullptr, false);
  json roles = json::array();
  std::string rs = r.text(6);
  for (size_t b = 0; b < rs.size();) {
    size_t e = rs.find(',', b);
    if (e == std::string::npos) e = rs.size();
    if (e > b) roles.push_back(rs.substr(b, e - b));
    b = e + 1;
  }
  json out = {{"id", r.i64(0)},
              {"title", r.text(1)},
              {"category", r.text(2)},
              {"tags", tags.is_discarded() ? json::array() : tags},
              {"visibility", r.text(5)},
              {"roles", roles},
              {"status", r.text(7)},
              {"views", r.i64(8)},
              {"author", ref(r, 9, 10)},
              {"updated_by", ref(r, 11, 12)},
              {"created_at", iso8601(r.i64(13))},
              {"updated_at", iso8601(r.i64(14))},
              {"version", r.i64(15)}};
  std::string body = r.text(4);
  if (with_body) {
    out["body"] = body;
  } else {
    // A plain excerpt of the first 120 characters.
    size_t chars = 0, i = 0;
    for (; i < body.size(); ++i) {
      if ((static_cast<unsigned char>(body[i]) & 0xc0) != 0x80 && ++chars > 120) break;
    }
    out["excerpt"] = body.substr(0, i);
  }
  return out;
}

bool can_write(const Actor& a) {
  return a.can(domain::Perm::kKnowledgeWrite);
}

// Which articles the actor may read: public ones everyone; internal ones staff; restricted ones
// the roles listed; drafts and archived ones only writers.
void visibility_where(const Actor& a, std::string& where, db::Params& p) {
  using domain::Role;
  bool outside = a.role == Role::kPortalUser || a.role == Role::kMerchantStaff;
  if (a.role == Role::kAdmin) return;
  if (outside) {
    where +=
        " AND (a.visibility = 'public' OR (a.visibility = 'restricted' AND (',' || a.roles || ',') "
        "LIKE ?))";
  } else {
    where +=
        " AND (a.visibility IN ('public','internal') OR (a.visibility = 'restricted' AND (',' || "
        "a.roles || ',') LIKE ?))";
  }
  p.push_back("%," + std::string(domain::role_name(a.role)) + ",%");
  if (!can_write(a)) where += " AND a.status = 'published'";
}

const std::vector<std::string> kArticleFields = {"title",      "category", "tags",   "body",
                                                 "visibility", "roles",    "status", "version"};

// Validates an article (merged on update) and answers its normalised form; errors name the field.
Result<json> validate_article(const json& in) {
  json a = in;
  KAM_TRY(title, text_field(a, "title", 200));
  if (!title) return Error::invalid("title", "is required");
  a["title"] = *title;
  if (!a.contains("category") || !a["category"].is_string() ||
      !domain::is_one_of(domain::article_categories(), a["category"].get<std::string>())) {
    return Error::invalid("category", "must be one of: " + join(domain::article_categories()));
  }
  KAM_TRY(body, text_field(a, "body", 50000, true));
  if (!body) return Error::invalid("body", "is required");
  a["body"] = *body;
  if (!a.contains("tags") || a["tags"].is_null()) a["tags"] = json::array();
  if (!a["tags"].is_array() || a["tags"].size() > 20)
    return Error::invalid("tags", "must be a list of at most 20 tags");
  json tags = json::array();
  for (const auto& t : a["tags"]) {
    if (!t.is_string() || t.get<std::string>().empty() || utf8_length(t.get<std::string>()) > 30 ||
        t.get<std::string>().find(',') != std::string::npos) {
      return Error::invalid("tags", "each tag is a text of 1 to 30 characters without commas");
    }
    if (std::find(tags.begin(), tags.end(), t) == tags.end()) tags.push_back(t);
  }
  a["tags"] = tags;
  if (!a.contains("visibility") || a["visibility"].is_null()) a["visibility"] = "internal";
  if (!a["visibility"].is_string() ||
      !domain::is_one_of(domain::article_visibilities(), a["visibility"].get<std::string>())) {
    return Error::invalid("visibility", "must be one of: " + join(domain::article_visibilities()));
  }
  if (!a.contains("roles") || a["roles"].is_null()) a["roles"] = json::array();
  if (!a["roles"].is_array()) return Error::invalid("roles", "must be a list of role names");
  for (const auto& r : a["roles"]) {
    if (!r.is_string() || !domain::parse_role(r.get<std::string>()))
      return Error::invalid("roles", "must hold role names");
  }
  if (a["visibility"] == "restricted" && a["roles"].empty()) {
    return Error::invalid("roles", "a restricted article names the roles that may read it");
  }
  if (!a.contains("status") || a["status"].is_null()) a["status"] = "published";
  if (!a["status"].is_string() ||
      !domain::is_one_of(domain::article_statuses(), a["status"].get<std::string>())) {
    return Error::invalid("status", "must be one of: " + join(domain::article_statuses()));
  }
  return a;
}

std::string roles_text(const json& roles) {
  std::vector<std::string> v;
  for (const auto& r : roles) v.push_back(r.get<std::string>());
  return join(v, ",");
}

std::string search_text(const json& a) {
  std::string tags;
  for (const auto& t : a["tags"]) tags += " " + t.get<std::string>();
  return domain::normalise_text(a["title"].get<std::string>() + tags + " " +
                                a["body"].get<std::string>());
}

Status add_version(db::Connection& c, const Actor& a, int64_t id, int64_t now) {
  KAM_CHECK(
      c.exec("INSERT INTO kb_article_versions(article_id, version, title, category, tags, body, "
             "visibility, roles, status, "
             "changed_by, changed_at) SELECT id, version, title, category, tags, body, visibility, "
             "roles, status, ?, ? "
             "FROM kb_articles WHERE id = ?",
             {who(a), now, id}));
  return {};
}

}  // namespace

Result<std::optional<json>> ServiceDeskService::load_article(db::Connection& c, const Actor& a,
                                                             int64_t id) {
  std::string where = "a.id = ?";
  db::Params p = {id};
  visibility_where(a, where, p);
  KAM_TRY(rows,
          c.query(std::string("SELECT ") + kArticleColumns + kArticleFrom + " WHERE " + where, p));
  if (rows.empty()) return std::optional<json>{};
  return std::optional<json>(article_json(rows[0], true));
}

Result<json> ServiceDeskService::search_articles(db::Connection& c, const Actor& a,
                                                 const std::vector<std::string>& terms,
                                                 const std::string& category,
                                                 const std::string& tag, const std::string& status,
                                                 int limit) {
  std::string where = "1=1";
  db::Params wp;
  visibility_where(a, where, wp);
  if (!category.empty()) {
    where += " AND a.category = ?";
    wp.push_back(category);
  }
  if (!tag.empty()) {
    where += " AND a.tags LIKE ? ESCAPE '\\'";
    wp.push_back(domain::like_anywhere(json(tag).dump()));
  }
  if (!status.empty()) {
    where += " AND a.status = ?";
    wp.push_back(status);
  } else {
    where += " AND a.status <> 'archived'";
  }
  std::string score = "0";
  db::Params sp;
  if (!terms.empty()) {
    std::string any;
    db::Params ap;
    for (const auto& t : terms) {
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
  p.push_back(static_cast<int64_t>(limit));
  KAM_TRY(rows, c.query(std::string("SELECT ") + kArticleColumns + ", " + score + " AS score" +
                            kArticleFrom + " WHERE " + where +
                            " ORDER BY score DESC, a.updated_at DESC, a.id DESC LIMIT ?",
                        p));
  json items = json::array();
  for (const auto& r : rows) {
    json j = article_json(r, false);
    j["score"] = r.i64(16);
    items.push_back(j);
  }
  return json{
      {"items", items}, {"next_cursor", nullptr}, {"total", items.size()}, {"terms", terms}};
}

Result<json> ServiceDeskService::list_articles(const Actor& a, const ListQuery& q) {
  KAM_CHECK(known_params(q, {"q", "category", "tag", "status"}, "articles"));
  std::string text = param(q, "q"), category = param(q, "category"), tag = param(q, "tag"),
              status = param(q, "status");
  if (utf8_length(text) > 100) return Error::invalid("q", "is longer than 100 characters");
  if (!category.empty() && !domain::is_one_of(domain::article_categories(), category)) {
    return Error::invalid("category", "must be one of: " + join(domain::article_categories()));
  }
  if (!status.empty() && !domain::is_one_of(domain::article_statuses(), status)) {
    return Error::invalid("status", "must be one of: " + join(domain::article_statuses()));
  }
  if (utf8_length(tag) > 30) return Error::invalid("tag", "is longer than 30 characters");
  // Whole words and runs as typed, plus the character pairs of Chinese runs (no spaces
  // between Chinese words: "宽带断网" finds an article about "宽带故障" through "宽带").
  std::vector<std::string> terms = domain::query_terms(text);
  for (const auto& t : domain::suggestion_terms(text, 16)) {
    if (std::find(terms.begin(), terms.end(), t) == terms.end()) terms.push_back(t);
  }
  KAM_TRY(lease, records_.db().acquire());
  return search_articles(*lease, a, terms, category, tag, status, q.limit);
}

Result<json> ServiceDeskService::get_article(const Actor& a, int64_t id) {
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(art, load_article(*lease, a, id));
  if (!art) return Error::not_found("article");
  KAM_CHECK(lease->exec("UPDATE kb_articles SET views = views + 1 WHERE id = ?", {id}));
  return *art;
}

Result<json> ServiceDeskService::create_article(const Actor& a, const json& body) {
  if (!can_write(a)) return Error::forbidden("your role cannot write knowledge base articles");
  KAM_CHECK(only_fields(body, kArticleFields, "an article"));
  if (body.contains("version")) return Error::invalid("version", "is set by the server on create");
  KAM_TRY(art, validate_article(body));
  const Clock& clock = records_.clock();
  int64_t now = clock.now();
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(tx, db::Transaction::begin(lease));
  KAM_TRY(rows, tx->query("INSERT INTO kb_articles(title, category, tags, body, visibility, roles, "
                          "status, search_text, author_id, "
                          "updated_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, "
                          "?, ?, ?) RETURNING id",
                          {art["title"].get<std::string>(), art["category"].get<std::string>(),
                           art["tags"].dump(), art["body"].get<std::string>(),
                           art["visibility"].get<std::string>(), roles_text(art["roles"]),
                           art["status"].get<std::string>(), search_text(art), who(a), who(a), now,
                           now}));
  int64_t id = rows[0].i64(0);
  KAM_CHECK(add_version(tx.conn(), a, id, now));
  KAM_TRY(after, load_article(tx.conn(), Actor::system(), id));
  json audit = *after;
  audit.erase("body");
  KAM_CHECK(write_audit(tx.conn(), clock, a, "create", "kb_article", id, nullptr, audit));
  KAM_CHECK(tx.commit());
  return *after;
}

Result<json> ServiceDeskService::update_article(const Actor& a, int64_t id, const json& body) {
  if (!can_write(a)) return Error::forbidden("your role cannot write knowledge base articles");
  KAM_CHECK(only_fields(body, kArticleFields, "an article"));
  KAM_TRY(version, version_field(body));
  const Clock& clock = records_.clock();
  int64_t now = clock.now();
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(tx, db::Transaction::begin(lease));
  KAM_TRY(before, load_article(tx.conn(), a, id));
  if (!before) return Error::not_found("article");
  if ((*before)["version"].get<int64_t>() != version) {
    return Error::conflict("this article was changed by someone else (now version " +
                               std::to_string((*before)["version"].get<int64_t>()) +
                               "); reload and try again",
                           "version");
  }
  json merged = *before;
  for (const auto& [k, v] : body.items()) merged[k] = v;
  KAM_TRY(art, validate_article(merged));
  KAM_TRY(n,
          tx->exec("UPDATE kb_articles SET title = ?, category = ?, tags = ?, body = ?, visibility "
                   "= ?, roles = ?, status = ?, "
                   "search_text = ?, updated_by = ?, updated_at = ?, version = version + 1 WHERE "
                   "id = ? AND version = ?",
                   {art["title"].get<std::string>(), art["category"].get<std::string>(),
                    art["tags"].dump(), art["body"].get<std::string>(),
                    art["visibility"].get<std::string>(), roles_text(art["roles"]),
                    art["status"].get<std::string>(), search_text(art), who(a), now, id, version}));
  if (n == 0)
    return Error::conflict("this article was changed by someone else; reload and try again",
                           "version");
  KAM_CHECK(add_version(tx.conn(), a, id, now));
  KAM_TRY(after, load_article(tx.conn(), Actor::system(), id));
  json b = *before, af = *after;
  b.erase("body");
  af.erase("body");
  KAM_CHECK(write_audit(tx.conn(), clock, a, "update", "kb_article", id, b, af));
  KAM_CHECK(tx.commit());
  return *after;
}

Result<json> ServiceDeskService::article_versions(const Actor& a, int64_t id) {
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(art, load_article(*lease, a, id));
  if (!art) return Error::not_found("article");
  KAM_TRY(rows, lease->query("SELECT v.version, v.title, v.category, v.tags, v.status, "
                             "v.visibility, v.changed_by, u.display_name, "
                             "v.changed_at, v.body FROM kb_article_versions v LEFT JOIN users u ON "
                             "u.id = v.changed_by WHERE "
                             "v.article_id = ? ORDER BY v.version DESC",
                             {id}));
  json items = json::array();
  for (const auto& r : rows) {
    json tags = json::parse(r.text(3), nullptr, false);
    items.push_back({{"version", r.i64(0)},
                     {"title", r.text(1)},
                     {"category", r.text(2)},
                     {"tags", tags.is_discarded() ? json::array() : tags},
                     {"status", r.text(4)},
                     {"visibility", r.text(5)},
                     {"changed_by", ref(r, 6, 7)},
                     {"changed_at", iso8601(r.i64(8))},
                     {"body", r.text(9)}});
  }
  return json{{"items", items}, {"next_cursor", nullptr}, {"total", items.size()}};
}

Result<json> ServiceDeskService::work_order_suggestions(const Actor& a, int64_t work_order_id,
                                                        int limit) {
  if (limit < 1 || limit > 20) return Error::invalid("limit", "must be between 1 and 20");
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(wo, load_work_order(*lease, a, work_order_id));
  if (!wo) return Error::not_found("work order");
  auto terms = domain::suggestion_terms((*wo)["title"].get<std::string>());
  if (terms.empty())
    return json{{"items", json::array()}, {"next_cursor", nullptr}, {"total", 0}, {"terms", terms}};
  return search_articles(*lease, a, terms, "", "", "published", limit);
}

}  // namespace kam::services
