// Routes of usage, value and analysis (SPEC §2).

#include <filesystem>

#include "domain/usage_fields.h"
#include "http/api.h"

namespace kam::http {
namespace {

Result<services::AnalysisQuery> analysis_query(const Context& c) {
  services::AnalysisQuery q;
  KAM_TRY(month, c.query_month("month"));
  KAM_TRY(from, c.query_month("from"));
  KAM_TRY(to, c.query_month("to"));
  KAM_TRY(limit, c.query_int("limit", 50, 1, 200));
  q.month = month;
  q.from = from;
  q.to = to;
  q.limit = limit;
  if (auto m = c.query("measure"); !m.empty()) q.measure = m;
  q.dimension = c.query("dimension");
  q.tier = c.query("tier");
  q.stage = c.query("stage");
  q.risk = c.query("risk");
  q.grade = c.query("grade");
  if (auto s = c.query("sort"); !s.empty()) q.sort = s;
  if (auto l = c.query("lang"); !l.empty()) q.lang = l;
  KAM_TRY(offset, c.query_offset());
  q.offset = offset;
  return q;
}

template <class Fn>
Handler with_analysis(Fn fn) {
  return [fn](Context& c) {
    auto q = analysis_query(c);
    if (!q) return Response::error(q.error());
    return reply(fn(c, *q));
  };
}

json schema_object(json properties) {
  return {{"type", "object"}, {"properties", std::move(properties)}};
}

}  // namespace

// Long by design: a table of routes, one `router_.add` entry per route with its OpenAPI
// description; nothing in it branches.
void Api::add_usage_routes() {
  router_.add_tag("usage", "usage imports, value, grading and lifecycle (SPEC §2)");
  router_.add_tag("analysis", "value analysis and reports (SPEC §2)");
  json obj = {{"type", "object"}};
  json str = {{"type", "string"}};
  json integer = {{"type", "integer"}};
  router_.add_schema(
      "UsageImport",
      schema_object(
          {{"id", integer},
           {"file_name", str},
           {"status", {{"type", "string"}, {"enum", {"queued", "running", "succeeded", "failed"}}}},
           {"phase", {{"type", json::array({"string", "null"})}}},
           {"progress", obj},
           {"kind", {{"type", json::array({"string", "null"})}}},
           {"encoding", {{"type", json::array({"string", "null"})}}},
           {"rows_total", integer},
           {"rows_imported", integer},
           {"rows_bad", integer},
           {"rows_skipped", integer},
           {"issue_count", integer},
           {"issues",
            {{"type", "array"},
             {"items", schema_object({{"line", integer}, {"column", str}, {"reason", str}})}}},
           {"periods", {{"type", "array"}, {"items", str}}},
           {"message", {{"type", json::array({"string", "null"})}}}}));
  router_.add_schema("UsagePeriods",
                     schema_object({{"months", {{"type", "array"}, {"items", obj}}},
                                    {"days", {{"type", "array"}, {"items", obj}}}}));
  router_.add_schema("ValueConfig",
                     schema_object({{"config", obj}, {"defaults", obj}, {"version", integer}}));
  router_.add_schema("ValueConfigInput", {{"type", "object"},
                                          {"required", {"config", "version"}},
                                          {"properties", {{"config", obj}, {"version", integer}}}});
  router_.add_schema("ValueRunInput", schema_object({{"from", str}, {"to", str}}));
  router_.add_schema("ValueRun", schema_object({{"months", {{"type", "array"}, {"items", str}}},
                                                {"seconds", {{"type", "number"}}}}));
  router_.add_schema(
      "CustomerValue",
      {{"type", json::array({"object", "null"})},
       {"properties", {{"latest", obj}, {"history", {{"type", "array"}, {"items", obj}}}}}});
  router_.add_schema("CustomerUsage",
                     schema_object({{"value", {{"type", json::array({"object", "null"})}}},
                                    {"month", {{"type", json::array({"string", "null"})}}},
                                    {"members", {{"type", "array"}, {"items", obj}}}}));
  router_.add_schema("MemberUsage", schema_object({{"member_id", integer},
                                                   {"months", {{"type", "array"}, {"items", obj}}},
                                                   {"days", {{"type", "array"}, {"items", obj}}}}));
  for (const char* n : {"AnalysisSummary", "AnalysisPareto", "AnalysisTrend", "AnalysisCompare",
                        "AnalysisMatrix"}) {
    router_.add_schema(n, obj);
  }
  router_.add_schema("AnalysisCustomer", obj);

  router_.add("GET", "/api/v1/usage/periods",
              {.summary = "Stored usage months and days",
               .tag = "usage",
               .response_schema = "UsagePeriods"},
              [](Context& c) { return reply(c.s.usage.periods(c.actor)); });
  router_.add(
      "POST", "/api/v1/usage/imports",
      {.summary =
           "Upload a usage file (CSV, UTF-8 or GBK); imported in the background, all rows or none",
       .tag = "usage",
       .query = {{"file_name", "string", "the file's name, for the import list"},
                 {"allow_unknown_numbers", "boolean",
                  "skip (and report) rows whose number is not in the archive"},
                 {"compute", "boolean", "run the value computation afterwards (default true)"}},
       .response_schema = "UsageImport",
       .success_status = 202,
       .upload_content_type = "text/csv",
       .perm = domain::Perm::kUsageImport},
      [](Context& c) {
        if (c.req.body_file.empty())
          return Response::error(Error::invalid("", "the request has no file body"));
        services::ImportRequest r;
        r.file_name = c.query("file_name").empty() ? "upload.csv" : c.query("file_name");
        if (services::utf8_length(r.file_name) > 200)
          return Response::error(Error::invalid("file_name", "is longer than 200 characters"));
        for (auto [key, out] : {std::pair{"allow_unknown_numbers", &r.allow_unknown_numbers},
                                std::pair{"compute", &r.compute}}) {
          std::string v = c.query(key);
          if (v.empty()) continue;
          if (v != "true" && v != "false")
            return Response::error(Error::invalid(key, "must be true or false"));
          *out = v == "true";
        }
        // Take the file over from the server (which removes Request::body_file afterwards).
        std::filesystem::path own = c.req.body_file + ".import";
        std::error_code ec;
        std::filesystem::rename(c.req.body_file, own, ec);
        if (ec)
          return Response::error(Error::internal("cannot keep the uploaded file: " + ec.message()));
        return reply(c.s.usage.submit_import(c.actor, own, r), 202);
      });
  router_.add("GET", "/api/v1/usage/imports",
              {.summary = "Usage imports, newest first",
               .tag = "usage",
               .query = {{"limit", "integer", "1-200 (default 50)"}},
               .response_schema = "UsageImport",
               .list = true},
              [](Context& c) {
                auto limit = c.query_int("limit", 50, 1, 200);
                if (!limit) return Response::error(limit.error());
                return reply(c.s.usage.list_imports(c.actor, *limit));
              });
  router_.add(
      "GET", "/api/v1/usage/imports/{id}",
      {.summary = "One usage import with its progress and the rows it refused",
       .tag = "usage",
       .response_schema = "UsageImport"},
      with_id([](Context& c, int64_t id) { return reply(c.s.usage.get_import(c.actor, id)); }));
  router_.add("GET", "/api/v1/value/config",
              {.summary = "The value, grading and lifecycle rules (with their defaults)",
               .tag = "usage",
               .response_schema = "ValueConfig"},
              [](Context& c) { return reply(c.s.usage.get_config(c.actor)); });
  router_.add(
      "PUT", "/api/v1/value/config",
      {.summary = "Change the value rules (send the version you read)",
       .tag = "usage",
       .request_schema = "ValueConfigInput",
       .response_schema = "ValueConfig"},
      with_body([](Context& c, json& body) { return reply(c.s.usage.put_config(c.actor, body)); }));
  router_.add(
      "POST", "/api/v1/value/runs",
      {.summary = "Recompute value, grading and lifecycle for stored months",
       .tag = "usage",
       .request_schema = "ValueRunInput",
       .response_schema = "ValueRun"},
      [](Context& c) {
        json body = json::object();
        if (!c.req.body.empty()) {
          auto b = c.body();
          if (!b) return Response::error(b.error());
          body = *b;
        }
        if (!body.is_object())
          return Response::error(Error::invalid("", "the request body must be a JSON object"));
        int range[2] = {0, 0};
        const char* keys[2] = {"from", "to"};
        for (int i = 0; i < 2; ++i) {
          if (!body.contains(keys[i]) || body[keys[i]].is_null()) continue;
          auto m = body[keys[i]].is_string() ? domain::parse_month(body[keys[i]].get<std::string>())
                                             : std::nullopt;
          if (!m) return Response::error(Error::invalid(keys[i], "must be a month YYYY-MM"));
          range[i] = *m;
        }
        for (const auto& [k, v] : body.items()) {
          if (k != "from" && k != "to")
            return Response::error(Error::invalid(k, "is not a field of a value run"));
        }
        return reply(c.s.usage.run_value(c.actor, range[0], range[1]));
      });
  router_.add("GET", "/api/v1/customers/{id}/value",
              {.summary = "A customer's value, grade, tier, stage and risk, with their history",
               .tag = "usage",
               .query = {{"months", "integer", "history length, 1-120 (default 12)"}},
               .response_schema = "CustomerValue"},
              with_id([](Context& c, int64_t id) {
                auto months = c.query_int("months", 12, 1, 120);
                if (!months) return Response::error(months.error());
                return reply(c.s.usage.customer_value(c.actor, id, *months));
              }));
  router_.add("GET", "/api/v1/customers/{id}/usage",
              {.summary = "A customer's monthly value and usage, and its members' latest month",
               .tag = "usage",
               .query = {{"months", "integer", "history length, 1-120 (default 12)"}},
               .response_schema = "CustomerUsage"},
              with_id([](Context& c, int64_t id) {
                auto months = c.query_int("months", 12, 1, 120);
                if (!months) return Response::error(months.error());
                return reply(c.s.usage.customer_usage(c.actor, id, *months));
              }));
  router_.add(
      "GET", "/api/v1/members/{id}/usage",
      {.summary = "A member's monthly usage, or daily usage between two dates",
       .tag = "usage",
       .query = {{"months", "integer", "months, 1-120 (default 24)"},
                 {"from", "string", "daily records from this date (YYYY-MM-DD)"},
                 {"to", "string", "daily records up to this date"}},
       .response_schema = "MemberUsage"},
      with_id([](Context& c, int64_t id) {
        auto months = c.query_int("months", 24, 1, 120);
        if (!months) return Response::error(months.error());
        return reply(c.s.usage.member_usage(c.actor, id, *months, c.query("from"), c.query("to")));
      }));

  std::vector<ParamDoc> month_q = {
      {"month", "string", "YYYY-MM (default: the latest computed month)"}};
  auto more = [&](std::vector<ParamDoc> extra) {
    std::vector<ParamDoc> out = month_q;
    out.insert(out.end(), extra.begin(), extra.end());
    return out;
  };
  router_.add(
      "GET", "/api/v1/analysis/summary",
      {.summary =
           "Totals this month, last month and a year ago; customers by tier, grade, stage and risk",
       .tag = "analysis",
       .query = month_q,
       .response_schema = "AnalysisSummary"},
      with_analysis(
          [](Context& c, services::AnalysisQuery q) { return c.s.analysis.summary(c.actor, q); }));
  router_.add("GET", "/api/v1/analysis/pareto",
              {.summary = "The Pareto (80/20) curve of revenue or margin",
               .tag = "analysis",
               .query = more({{"measure", "string", "revenue (default) or margin"}}),
               .response_schema = "AnalysisPareto"},
              with_analysis([](Context& c, services::AnalysisQuery q) {
                return c.s.analysis.pareto(c.actor, q);
              }));
  router_.add("GET", "/api/v1/analysis/trend",
              {.summary = "Monthly totals and revenue by service",
               .tag = "analysis",
               .query = {{"from", "string", "first month (default: 24 months before to)"},
                         {"to", "string", "last month"}},
               .response_schema = "AnalysisTrend"},
              with_analysis([](Context& c, services::AnalysisQuery q) {
                return c.s.analysis.trend(c.actor, q);
              }));
  router_.add("GET", "/api/v1/analysis/compare",
              {.summary = "Month over month and year over year by manager, region, district, "
                          "industry, org_type, grade, tier, stage or risk",
               .tag = "analysis",
               .query = more({{"dimension", "string", "what to group by", true},
                              {"measure", "string", "revenue (default) or margin"}}),
               .response_schema = "AnalysisCompare"},
              with_analysis([](Context& c, services::AnalysisQuery q) {
                return c.s.analysis.compare(c.actor, q);
              }));
  router_.add("GET", "/api/v1/analysis/matrix",
              {.summary = "The value × risk matrix: customers and revenue by tier and risk",
               .tag = "analysis",
               .query = month_q,
               .response_schema = "AnalysisMatrix"},
              with_analysis([](Context& c, services::AnalysisQuery q) {
                return c.s.analysis.matrix(c.actor, q);
              }));
  router_.add(
      "GET", "/api/v1/analysis/customers",
      {.summary = "Customers ranked by value, filtered by tier, stage, risk or grade",
       .tag = "analysis",
       .query = more({{"tier", "string", "gold, silver, bronze, do_not_serve"},
                      {"stage", "string", "acquisition, growth, maturity, decline, churn"},
                      {"risk", "string", "low, medium, high"},
                      {"grade", "string", "important, extra_large, ordinary, small, individual"},
                      {"sort", "string",
                       "rank (default), revenue, margin, clv, score; prefix - for descending"},
                      {"limit", "integer", "1-200 (default 50)"},
                      {"cursor", "string", "next_cursor from the previous page"}}),
       .response_schema = "AnalysisCustomer",
       .list = true},
      with_analysis([](Context& c, services::AnalysisQuery q) {
        return c.s.analysis.customers(c.actor, q);
      }));
  router_.add(
      "GET", "/api/v1/analysis/export.xlsx",
      {.summary = "The analysis as an Excel workbook",
       .tag = "analysis",
       .query = more({{"lang", "string", "zh-CN (default) or en"}}),
       .response_schema = "Binary",
       .content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
      [](Context& c) {
        auto q = analysis_query(c);
        if (!q) return Response::error(q.error());
        auto bytes = c.s.analysis.export_xlsx(c.actor, *q);
        if (!bytes) return Response::error(bytes.error());
        Response r;
        r.content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
        r.body = std::move(bytes).value();
        r.headers.emplace_back("Content-Disposition", "attachment; filename=\"kam-analysis.xlsx\"");
        return r;
      });
}

}  // namespace kam::http
