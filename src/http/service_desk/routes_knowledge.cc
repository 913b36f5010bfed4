// Routes of the knowledge base (SPEC §4): articles, search, versions and the suggestions for a
// work order. The service answers domain structs; this file alone turns them into JSON and the
// request bodies into patches.

#include "domain/work_orders.h"
#include "http/api.h"
#include "http/schema.h"

namespace kam::http {
namespace {

using namespace schema;  // NOLINT

json user_ref(const std::optional<domain::UserRef>& u) {
  return u ? json{{"id", u->id}, {"name", u->name}} : json(nullptr);
}

// A whole article (with its body), or a list's entry (an excerpt and the search rank).
json article_json(const domain::Article& a, bool whole) {
  json out = {{"id", a.id},
              {"title", a.title},
              {"category", a.category},
              {"tags", a.tags},
              {"visibility", a.visibility},
              {"roles", a.roles},
              {"status", a.status},
              {"views", a.views},
              {"author", user_ref(a.author)},
              {"updated_by", user_ref(a.updated_by)},
              {"created_at", iso8601(a.created_at)},
              {"updated_at", iso8601(a.updated_at)},
              {"version", a.version}};
  if (whole) {
    out["body"] = a.body;
  } else {
    out["excerpt"] = domain::excerpt(a.body);
    out["score"] = a.score;
  }
  return out;
}

json list_json(const services::ArticleList& l) {
  json items = json::array();
  for (const auto& a : l.items) items.push_back(article_json(a, false));
  return {{"items", items}, {"next_cursor", nullptr}, {"total", items.size()}, {"terms", l.terms}};
}

json versions_json(const std::vector<domain::ArticleVersion>& v) {
  json items = json::array();
  for (const auto& x : v) {
    items.push_back({{"version", x.version},
                     {"title", x.title},
                     {"category", x.category},
                     {"tags", x.tags},
                     {"status", x.status},
                     {"visibility", x.visibility},
                     {"changed_by", user_ref(x.changed_by)},
                     {"changed_at", iso8601(x.changed_at)},
                     {"body", x.body}});
  }
  return {{"items", items}, {"next_cursor", nullptr}, {"total", items.size()}};
}

Result<std::optional<std::string>> text(const json& b, const char* key) {
  if (!b.contains(key) || b[key].is_null()) return std::optional<std::string>{};
  if (!b[key].is_string()) return Error::invalid(key, "must be a string");
  return std::optional<std::string>(b[key].get<std::string>());
}

// A list of texts; null is the empty list.
Result<std::optional<std::vector<std::string>>> texts(const json& b, const char* key,
                                                      const char* what) {
  using Out = std::optional<std::vector<std::string>>;
  if (!b.contains(key)) return Out{};
  if (b[key].is_null()) return Out(std::vector<std::string>{});
  if (!b[key].is_array()) return Error::invalid(key, std::string("must be a list of ") + what);
  std::vector<std::string> out;
  for (const auto& x : b[key]) {
    if (!x.is_string()) return Error::invalid(key, std::string("must be a list of ") + what);
    out.push_back(x.get<std::string>());
  }
  return Out(std::move(out));
}

// An article's body: the fields of ArticleInput, each of its type; anything else is named.
Result<domain::ArticlePatch> article_patch(const json& b) {
  static const std::vector<std::string> known = {"title",      "category", "tags",   "body",
                                                 "visibility", "roles",    "status", "version"};
  if (!b.is_object()) return Error::invalid("", "the request body must be a JSON object");
  for (const auto& [k, v] : b.items()) {
    if (!domain::is_one_of(known, k)) return Error::invalid(k, "is not a field of an article");
  }
  domain::ArticlePatch p;
  KAM_TRY(title, text(b, "title"));
  KAM_TRY(category, text(b, "category"));
  KAM_TRY(body, text(b, "body"));
  KAM_TRY(visibility, text(b, "visibility"));
  KAM_TRY(status, text(b, "status"));
  KAM_TRY(tags, texts(b, "tags", "tags"));
  KAM_TRY(roles, texts(b, "roles", "role names"));
  p.title = title;
  p.category = category;
  p.body = body;
  p.visibility = visibility;
  p.status = status;
  p.tags = tags;
  p.roles = roles;
  if (b.contains("version")) {
    if (!b["version"].is_number_integer()) return Error::invalid("version", "must be an integer");
    p.version = b["version"].get<int64_t>();
  }
  return p;
}

Result<services::ArticleQuery> article_query(const services::ListQuery& l) {
  services::ArticleQuery q;
  for (const auto& [k, v] : l.params) {
    if (k == "q") {
      q.q = v;
    } else if (k == "category") {
      q.category = v;
    } else if (k == "tag") {
      q.tag = v;
    } else if (k == "status") {
      q.status = v;
    } else {
      return Error::invalid(k, "is not a filter of articles");
    }
  }
  q.limit = l.limit;
  return q;
}

template <class T, class Fn>
Response reply_as(const Result<T>& r, Fn to_json, int status = 200) {
  if (!r) return Response::error(r.error());
  return Response::json_body(to_json(*r), status);
}

void add_schemas(Router& r) {
  json str = {{"type", "string"}}, integer = {{"type", "integer"}};
  json idname = {{"type", json::array({"object", "null"})},
                 {"properties", {{"id", integer}, {"name", str}}}};
  json props = {{"title", str},
                {"category", enum_of(domain::article_categories())},
                {"tags", array_of(str)},
                {"body", str},
                {"visibility", enum_of(domain::article_visibilities())},
                {"roles",
                 {{"type", "array"},
                  {"items", str},
                  {"description", "restricted: the roles that may read it"}}},
                {"status", enum_of(domain::article_statuses())}};
  json article = props;
  for (const char* k : {"id", "views", "version"}) article[k] = integer;
  article["author"] = idname;
  article["updated_by"] = idname;
  article["created_at"] = str;
  article["updated_at"] = str;
  article["excerpt"] = {{"type", "string"}, {"description", "lists only"}};
  article["score"] = {{"type", "integer"}, {"description", "search rank (lists only)"}};
  r.add_schema("Article", obj(article));
  json input = props;
  input["version"] = {{"type", "integer"}, {"description", "update: the version you read"}};
  r.add_schema("ArticleInput", obj(input));
  r.add_schema("ArticleVersion", obj({{"version", integer},
                                      {"title", str},
                                      {"category", str},
                                      {"tags", array_of(str)},
                                      {"status", str},
                                      {"visibility", str},
                                      {"changed_by", idname},
                                      {"changed_at", str},
                                      {"body", str}}));
}

}  // namespace

void Api::add_knowledge_routes() {
  router_.add_tag("knowledge", "knowledge base articles, search and suggestions (SPEC §4)");
  add_schemas(router_);
  auto one = [](const domain::Article& a) { return article_json(a, true); };
  router_.add(
      "GET", "/api/v1/knowledge",
      {.summary = "Knowledge base articles you may read; q searches Chinese and English, ranked",
       .tag = "knowledge",
       .query = {{"q", "string", "search text"},
                 {"category", "string", "faq, product, competitor or training"},
                 {"tag", "string", "one tag"},
                 {"status", "string", "draft, published or archived (writers)"},
                 {"limit", "integer", "1-200 (default 50)"}},
       .response_schema = "Article",
       .list = true},
      with_list([](Context& c, const services::ListQuery& l) {
        auto q = article_query(l);
        if (!q) return Response::error(q.error());
        return reply_as(c.s.knowledge.list(c.actor, *q), list_json);
      }));
  router_.add("POST", "/api/v1/knowledge",
              {.summary = "Write an article",
               .tag = "knowledge",
               .request_schema = "ArticleInput",
               .response_schema = "Article",
               .success_status = 201},
              with_body([one](Context& c, const json& b) {
                auto p = article_patch(b);
                if (!p) return Response::error(p.error());
                return reply_as(c.s.knowledge.create(c.actor, *p), one, 201);
              }));
  router_.add("GET", "/api/v1/knowledge/{id}",
              {.summary = "One article", .tag = "knowledge", .response_schema = "Article"},
              with_id([one](Context& c, int64_t id) {
                return reply_as(c.s.knowledge.get(c.actor, id), one);
              }));
  router_.add("PUT", "/api/v1/knowledge/{id}",
              {.summary = "Change an article (a new version; send the version you read)",
               .tag = "knowledge",
               .request_schema = "ArticleInput",
               .response_schema = "Article"},
              with_id_body([one](Context& c, int64_t id, json& body) {
                auto p = article_patch(body);
                if (!p) return Response::error(p.error());
                return reply_as(c.s.knowledge.update(c.actor, id, *p), one);
              }));
  router_.add("GET", "/api/v1/knowledge/{id}/versions",
              {.summary = "Every version of an article, newest first",
               .tag = "knowledge",
               .response_schema = "ArticleVersion",
               .list = true},
              with_id([](Context& c, int64_t id) {
                return reply_as(c.s.knowledge.versions(c.actor, id), versions_json);
              }));
  router_.add("GET", "/api/v1/work-orders/{id}/suggestions",
              {.summary = "Knowledge base articles suggested by the work order's title",
               .tag = "knowledge",
               .query = {{"limit", "integer", "1-20 (default 5)"}},
               .response_schema = "Article",
               .list = true},
              with_id([](Context& c, int64_t id) {
                auto limit = c.query_int("limit", 5, 1, 20);
                if (!limit) return Response::error(limit.error());
                auto title = c.s.desk.work_order_title(c.actor, id);
                if (!title) return Response::error(title.error());
                return reply_as(c.s.knowledge.suggest(c.actor, *title, static_cast<int>(*limit)),
                                list_json);
              }));
}

}  // namespace kam::http
