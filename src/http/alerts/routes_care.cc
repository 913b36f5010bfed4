// Routes of care and advice (SPEC §3): the care calendar, the tariff catalogue and calculator,
// call-detail imports and family-plan candidates.

#include <filesystem>

#include "domain/care_rules.h"
#include "domain/tariff.h"
#include "domain/usage_fields.h"
#include "http/api.h"
#include "http/archive/routes_entities.h"
#include "http/schema.h"

namespace kam::http {
namespace {

using namespace schema;  // NOLINT

Result<services::AdviceQuery> advice_query(const Context& c) {
  services::AdviceQuery q;
  KAM_TRY(member, c.query_id("member_id"));
  KAM_TRY(customer, c.query_id("customer_id"));
  q.member_id = member;
  q.customer_id = customer;
  domain::TariffUsage u;
  bool typed = false;
  for (auto [name, out] :
       {std::pair{"mou", &u.mou}, std::pair{"data_mb", &u.data_mb}, std::pair{"sms", &u.sms}}) {
    KAM_TRY(v, c.query_opt_int(name, 0, 100'000'000));
    if (v) {
      *out = *v;
      typed = true;
    }
  }
  if (typed) q.usage = u;
  KAM_TRY(current, c.query_opt_int("current_fen", 0, 100'000'000'00));
  q.current_fen = current;
  KAM_TRY(months, c.query_opt_int("months", 0, 12));
  if (months) q.months = static_cast<int>(*months);
  return q;
}

Result<services::CandidateQuery> candidate_query(const Context& c) {
  services::CandidateQuery q;
  KAM_TRY(month, c.query_month());
  if (month) q.month = month;
  KAM_TRY(customer, c.query_id("customer_id"));
  q.customer_id = customer;
  KAM_TRY(min_calls, c.query_opt_int("min_calls", 0, 10'000));
  if (min_calls) q.min_calls = static_cast<int>(*min_calls);
  KAM_TRY(limit, c.query_opt_int("limit", 0, 200));
  if (limit) q.limit = static_cast<int>(*limit);
  KAM_TRY(offset, c.query_offset());
  q.offset = offset;
  return q;
}

// Long by design: a table of the OpenAPI schemas of this area, one entry per schema.
void add_schemas(Router& r) {
  json str = {{"type", "string"}}, integer = {{"type", "integer"}}, object = {{"type", "object"}};
  json kinds = {{"type", "string"}, {"enum", domain::care_kinds()}};
  json states = {{"type", "string"}, {"enum", domain::care_states()}};
  r.add_schema("CareTask", obj({{"id", integer},
                                {"customer_id", integer},
                                {"customer_name", str},
                                {"key_person_id", nullable("integer")},
                                {"key_person_name", nullable("string")},
                                {"member_id", nullable("integer")},
                                {"member_number",
                                 {{"type", json::array({"string", "null"})},
                                  {"description", "masked for roles without pii.phone"}}},
                                {"kind", kinds},
                                {"due_date", {{"type", "string"}, {"format", "date"}}},
                                {"title", str},
                                {"detail", object},
                                {"assignee_id", integer},
                                {"assignee_name", nullable("string")},
                                {"state", states},
                                {"transitions",
                                 {{"type", "array"},
                                  {"items", states},
                                  {"description", "states this task may move to"}}},
                                {"note", nullable("string")},
                                {"closed_by", nullable("integer")},
                                {"closed_at", nullable("string")},
                                {"created_at", str},
                                {"updated_at", str},
                                {"version", integer}}));
  r.add_schema("CareTaskPatch",
               {{"type", "object"},
                {"required", {"version"}},
                {"properties",
                 {{"state", states},
                  {"note", {{"type", json::array({"string", "null"})}, {"maxLength", 2000}}},
                  {"version", {{"type", "integer"}, {"description", "the version you read"}}}}}});
  r.add_schema("CareGenerateInput", obj({{"date",
                                          {{"type", "string"},
                                           {"format", "date"},
                                           {"description", "today by default (Asia/Shanghai)"}}}}));
  r.add_schema(
      "CareGeneration",
      obj({{"date", str}, {"created", object}, {"created_total", integer}, {"existing", integer}}));
  r.add_schema("CareConfig", obj({{"config", object},
                                  {"defaults", object},
                                  {"version", integer},
                                  {"updated_at", nullable("string")}}));
  r.add_schema("CareConfigInput", {{"type", "object"},
                                   {"required", {"config", "version"}},
                                   {"properties", {{"config", object}, {"version", integer}}}});
  r.add_schema(
      "Holiday",
      obj({{"date", {{"type", "string"}, {"format", "date"}}}, {"code", str}, {"name", str}}));
  r.add_schema("TariffAdvice",
               obj({{"basis", {{"type", "string"}, {"enum", {"usage", "member", "customer"}}}},
                    {"usage", object},
                    {"options", {{"type", "array"}, {"items", object}}},
                    {"best", nullable("object")},
                    {"current_fen", nullable("integer")},
                    {"saving_fen", integer},
                    {"members",
                     {{"type", "array"},
                      {"items", object},
                      {"description", "basis customer: one entry per member"}}},
                    {"total", object}}));
  r.add_schema(
      "CdrImport",
      obj({{"id", integer},
           {"file_name", str},
           {"status", {{"type", "string"}, {"enum", {"queued", "running", "succeeded", "failed"}}}},
           {"phase", nullable("string")},
           {"progress", object},
           {"encoding", nullable("string")},
           {"rows_total", integer},
           {"rows_counted", integer},
           {"rows_on_net", integer},
           {"rows_other_callers", integer},
           {"rows_bad", integer},
           {"pairs_stored", integer},
           {"issue_count", integer},
           {"issues",
            {{"type", "array"},
             {"items", obj({{"line", integer}, {"column", str}, {"reason", str}})}}},
           {"months", {{"type", "array"}, {"items", str}}},
           {"message", nullable("string")}}));
  r.add_schema("CdrMonth", obj({{"month", str},
                                {"rows", integer},
                                {"calls_counted", integer},
                                {"pairs_total", integer},
                                {"pairs_stored", integer},
                                {"min_calls_stored", integer}}));
  r.add_schema("FamilyPlanCandidate", obj({{"month", str},
                                           {"member_id", integer},
                                           {"number", str},
                                           {"customer_id", integer},
                                           {"customer_name", str},
                                           {"join_date", str},
                                           {"tenure_months", integer},
                                           {"callee", str},
                                           {"callee_operator", str},
                                           {"callee_operator_name", str},
                                           {"calls", integer},
                                           {"minutes", integer}}));
}

}  // namespace

// Long by design: a table of routes, one `router_.add` entry per route with its OpenAPI
// description; nothing in it branches.
void Api::add_care_routes() {
  router_.add_tag(
      "care",
      "care calendar: care tasks ahead of birthdays, holidays, expiries and key moments (SPEC §3)");
  router_.add_tag("tariffs", "tariff catalogue and calculator (SPEC §3)");
  router_.add_tag("family-plan", "call-detail imports and family-plan candidates (SPEC §3)");
  add_schemas(router_);

  router_.add("GET", "/api/v1/care-tasks",
              {.summary = "Care tasks of your customers and those assigned to you, by due date",
               .tag = "care",
               .query = {{"state", "string", "open, done or skipped"},
                         {"kind", "string",
                          "birthday, holiday, contract_expiry, points_expiry, payment_reminder, "
                          "anniversary, arrears, competitor"},
                         {"from", "string", "due on or after this date"},
                         {"to", "string", "due on or before this date"},
                         {"customer_id", "integer", "one customer's tasks"},
                         {"assignee_id", "integer", "tasks assigned to this user"},
                         {"limit", "integer", "1-200 (default 50)"},
                         {"cursor", "string", "next_cursor from the previous page"}},
               .response_schema = "CareTask",
               .list = true},
              [](Context& c) {
                auto q = c.list_query();
                if (!q) return Response::error(q.error());
                return reply(c.s.care.list(c.actor, *q));
              });
  router_.add(
      "POST", "/api/v1/care-tasks/generate",
      {.summary = "Generate the care tasks due around a date (rerunning adds only what is new)",
       .tag = "care",
       .request_schema = "CareGenerateInput",
       .response_schema = "CareGeneration"},
      [](Context& c) {
        json body = json::object();
        if (!c.req.body.empty()) {
          auto b = c.body();
          if (!b) return Response::error(b.error());
          body = *b;
        }
        if (!body.is_object())
          return Response::error(Error::invalid("", "the request body must be a JSON object"));
        std::string date;
        for (const auto& [k, v] : body.items()) {
          if (k != "date")
            return Response::error(Error::invalid(k, "is not a field of a care generation"));
          if (v.is_null()) continue;
          if (!v.is_string() || !is_date(v.get<std::string>())) {
            return Response::error(Error::invalid("date", "must be a date YYYY-MM-DD"));
          }
          date = v.get<std::string>();
        }
        return reply(c.s.care.generate(c.actor, date));
      });
  router_.add(
      "GET", "/api/v1/care-tasks/config",
      {.summary = "The care and family-plan settings (lead times, thresholds) with their defaults",
       .tag = "care",
       .response_schema = "CareConfig"},
      [](Context& c) { return reply(c.s.care.get_config(c.actor)); });
  router_.add(
      "PUT", "/api/v1/care-tasks/config",
      {.summary = "Change the care and family-plan settings (send the version you read)",
       .tag = "care",
       .request_schema = "CareConfigInput",
       .response_schema = "CareConfig"},
      with_body([](Context& c, json& body) { return reply(c.s.care.put_config(c.actor, body)); }));
  router_.add("GET", "/api/v1/care-tasks/{id}",
              {.summary = "One care task", .tag = "care", .response_schema = "CareTask"},
              with_id([](Context& c, int64_t id) { return reply(c.s.care.get(c.actor, id)); }));
  router_.add("PATCH", "/api/v1/care-tasks/{id}",
              {.summary = "Mark a care task done or skipped (or reopen it), with a note; send the "
                          "version you read",
               .tag = "care",
               .request_schema = "CareTaskPatch",
               .response_schema = "CareTask"},
              with_id_body([](Context& c, int64_t id, json& body) {
                return reply(c.s.care.update(c.actor, id, body));
              }));
  router_.add(
      "GET", "/api/v1/holidays",
      {.summary = "Holidays the care calendar greets customers on",
       .tag = "care",
       .query = {{"from", "string", "from this date"}, {"to", "string", "up to this date"}},
       .response_schema = "Holiday",
       .list = true},
      [](Context& c) { return reply(c.s.care.holidays(c.actor, c.query("from"), c.query("to"))); });

  add_entity_routes(router_, s_.records, domain::tariff_package_spec(), s_.tariff.package_hooks(),
                    {.tag = "tariffs"});
  router_.add(
      "GET", "/api/v1/tariffs/advice",
      {.summary = "Monthly cost under every active package, the best fit and the saving (资费测算)",
       .tag = "tariffs",
       .query = {{"member_id", "integer", "a member: its average usage of the last stored months"},
                 {"customer_id", "integer", "every member of a customer, with the total saving"},
                 {"mou", "integer", "typed usage: outgoing minutes per month"},
                 {"data_mb", "integer", "typed usage: data per month in MB"},
                 {"sms", "integer", "typed usage: SMS per month"},
                 {"current_fen", "integer", "typed usage: what the customer pays now per month"},
                 {"months", "integer", "months of history for members, 1-12 (default 3)"}},
       .response_schema = "TariffAdvice"},
      [](Context& c) {
        auto q = advice_query(c);
        if (!q) return Response::error(q.error());
        return reply(c.s.tariff.advice(c.actor, *q));
      });

  router_.add(
      "POST", "/api/v1/cdr/imports",
      {.summary = "Upload call-detail records (CSV, UTF-8 or GBK); aggregated in the background, "
                  "all rows or none",
       .tag = "family-plan",
       .query = {{"file_name", "string", "the file's name, for the import list"}},
       .response_schema = "CdrImport",
       .success_status = 202,
       .upload_content_type = "text/csv",
       .perm = domain::Perm::kUsageImport},
      [](Context& c) {
        if (c.req.body_file.empty())
          return Response::error(Error::invalid("", "the request has no file body"));
        std::string name = c.query("file_name").empty() ? "upload.csv" : c.query("file_name");
        if (services::utf8_length(name) > 200)
          return Response::error(Error::invalid("file_name", "is longer than 200 characters"));
        // Take the file over from the server (which removes Request::body_file afterwards).
        std::filesystem::path own = c.req.body_file + ".cdr";
        std::error_code ec;
        std::filesystem::rename(c.req.body_file, own, ec);
        if (ec)
          return Response::error(Error::internal("cannot keep the uploaded file: " + ec.message()));
        return reply(c.s.family_plan.submit_import(c.actor, own, name), 202);
      });
  router_.add(
      "GET", "/api/v1/cdr/imports",
      {.summary = "CDR imports, newest first",
       .tag = "family-plan",
       .query = {{"limit", "integer", "1-200 (default 50)"}},
       .response_schema = "CdrImport",
       .list = true},
      [](Context& c) {
        auto limit = c.query_opt_int("limit", 0, 200);
        if (!limit) return Response::error(limit.error());
        return reply(c.s.family_plan.list_imports(c.actor, static_cast<int>(limit->value_or(50))));
      });
  router_.add("GET", "/api/v1/cdr/imports/{id}",
              {.summary = "One CDR import with its progress and the rows it refused",
               .tag = "family-plan",
               .response_schema = "CdrImport"},
              with_id([](Context& c, int64_t id) {
                return reply(c.s.family_plan.get_import(c.actor, id));
              }));
  router_.add("GET", "/api/v1/cdr/months",
              {.summary = "Months of call records imported, with their counts",
               .tag = "family-plan",
               .response_schema = "CdrMonth",
               .list = true},
              [](Context& c) { return reply(c.s.family_plan.months(c.actor)); });
  router_.add("GET", "/api/v1/family-plan/candidates",
              {.summary = "Members with enough tenure calling the same other-operator number "
                          "often: family-plan candidates",
               .tag = "family-plan",
               .query = {{"month", "string", "YYYY-MM (default: the latest imported month)"},
                         {"customer_id", "integer", "one customer's members"},
                         {"min_calls", "integer",
                          "calls in the month (default: the configured family_min_calls)"},
                         {"limit", "integer", "1-200 (default 50)"},
                         {"cursor", "string", "next_cursor from the previous page"}},
               .response_schema = "FamilyPlanCandidate",
               .list = true},
              [](Context& c) {
                auto q = candidate_query(c);
                if (!q) return Response::error(q.error());
                return reply(c.s.family_plan.candidates(c.actor, *q));
              });
}

}  // namespace kam::http
