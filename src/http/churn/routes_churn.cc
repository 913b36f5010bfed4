// Routes of churn propensity (SPEC §3): model versions, training from an uploaded table,
// choosing the current model, and a customer's score with the reasons behind it.

#include <filesystem>
#include <fstream>
#include <sstream>

#include "domain/usage_fields.h"
#include "http/api.h"

namespace kam::http {
namespace {

// Training reads the whole table into memory: a limit well above any customer table.
constexpr uintmax_t kMaxTrainingFile = 256ULL * 1024 * 1024;

// The uploaded table: streamed to a file by the server, or in the body when sent in-process.
Result<std::string> upload_bytes(const Context& c) {
  if (c.req.body_file.empty()) {
    if (c.req.body.empty()) return Error::invalid("", "the request has no CSV body");
    return c.req.body;
  }
  std::error_code ec;
  auto size = std::filesystem::file_size(c.req.body_file, ec);
  if (ec) return Error::internal("cannot read the uploaded file: " + ec.message());
  if (size == 0) return Error::invalid("", "the request has no CSV body");
  if (size > kMaxTrainingFile) {
    return Error{ErrorCode::kTooLarge, "a training table may have at most 256 MiB", {}};
  }
  std::ifstream in(c.req.body_file, std::ios::binary);
  std::ostringstream buf;
  buf << in.rdbuf();
  if (!in) return Error::internal("cannot read the uploaded file");
  return buf.str();
}

Result<services::TrainRequest> train_request(const Context& c) {
  services::TrainRequest r;
  r.label_column = c.query("label");
  r.id_column = c.query("id");
  r.name = c.query("name");
  if (r.label_column.empty())
    return Error::invalid("label", "is required: the name of the churned yes/no column");
  KAM_TRY(folds, c.query_int("folds", 5, 2, 20));
  KAM_TRY(seed, c.query_int("seed", 42, 0, 999999999));
  r.folds = folds;
  r.seed = static_cast<uint64_t>(seed);
  return r;
}

json schema_object(json properties) {
  return {{"type", "object"}, {"properties", std::move(properties)}};
}

// Long by design: a table of the OpenAPI schemas of this area, one entry per schema.
void add_churn_schemas(Router& router) {
  json str = {{"type", "string"}}, integer = {{"type", "integer"}}, number = {{"type", "number"}};
  json opt_str = {{"type", json::array({"string", "null"})}},
       opt_num = {{"type", json::array({"number", "null"})}};
  json factor = schema_object({{"feature", str}, {"value", str}, {"contribution", number}});
  json factors = {{"type", "array"}, {"items", factor}};
  json lift_point = schema_object({{"bucket", integer},
                                   {"rows", integer},
                                   {"churn_rate", number},
                                   {"lift", number},
                                   {"cumulative_capture", number},
                                   {"mean_score", number}});
  router.add_schema(
      "ChurnModel",
      schema_object(
          {{"id", integer},
           {"name", str},
           {"source", {{"type", "string"}, {"enum", {"upload", "usage", "cli"}}}},
           {"label_column", str},
           {"id_column", opt_str},
           {"rows", integer},
           {"churned", integer},
           {"features",
            {{"type", "array"}, {"items", schema_object({{"name", str}, {"type", str}})}}},
           {"ignored",
            {{"type", "array"}, {"items", schema_object({{"column", str}, {"reason", str}})}}},
           {"notes", {{"type", "array"}, {"items", str}}},
           {"auc", opt_num},
           {"auc_sd", opt_num},
           {"evaluation", schema_object({{"folds", integer},
                                         {"auc", number},
                                         {"auc_sd", number},
                                         {"log_loss", number},
                                         {"top10", schema_object({{"share", number},
                                                                  {"rows", integer},
                                                                  {"precision", number},
                                                                  {"recall", number},
                                                                  {"lift", number}})},
                                         {"lift", {{"type", "array"}, {"items", lift_point}}}})},
           {"trees", integer},
           {"train_seconds", number},
           {"model_size", integer},
           {"is_current", {{"type", "boolean"}}},
           {"created_by", {{"type", json::array({"integer", "null"})}}},
           {"created_at", str},
           {"activated_at", opt_str}}));
  router.add_schema(
      "ChurnModelList",
      schema_object(
          {{"items", {{"type", "array"}, {"items", {{"$ref", "#/components/schemas/ChurnModel"}}}}},
           {"current_id", {{"type", json::array({"integer", "null"})}}}}));
  router.add_schema(
      "ChurnJob",
      schema_object(
          {{"id", integer},
           {"kind", str},
           {"status", {{"type", "string"}, {"enum", {"queued", "running", "succeeded", "failed"}}}},
           {"phase", opt_str},
           {"progress", schema_object({{"done", integer}, {"total", integer}})},
           {"params", {{"type", "object"}}},
           {"dataset", {{"type", "object"}}},
           {"model_id", {{"type", json::array({"integer", "null"})}}},
           {"message", opt_str},
           {"created_by", {{"type", json::array({"integer", "null"})}}},
           {"created_at", str},
           {"started_at", opt_str},
           {"finished_at", opt_str}}));
  router.add_schema("ChurnJobList",
                    schema_object({{"items",
                                    {{"type", "array"},
                                     {"items", {{"$ref", "#/components/schemas/ChurnJob"}}}}}}));
  router.add_schema("ChurnScoreList",
                    schema_object({{"month", opt_str},
                                   {"total", integer},
                                   {"model", {{"type", json::array({"object", "null"})}}},
                                   {"items",
                                    {{"type", "array"},
                                     {"items", schema_object({{"customer_id", integer},
                                                              {"name", str},
                                                              {"kind", str},
                                                              {"score", number},
                                                              {"previous_score", opt_num},
                                                              {"factors", factors}})}}}}));
  router.add_schema("ChurnMonthScoring", schema_object({{"month", str},
                                                        {"skipped", str},
                                                        {"model_id", integer},
                                                        {"rows", integer},
                                                        {"seconds", number}}));
  router.add_schema("ChurnScoring",
                    schema_object({{"month", str},
                                   {"model_id", integer},
                                   {"rows", integer},
                                   {"rows_with_notes", integer},
                                   {"warnings", {{"type", "array"}, {"items", str}}},
                                   {"seconds", number}}));
  router.add_schema(
      "CustomerChurn",
      schema_object(
          {{"customer_id", integer},
           {"month", opt_str},
           {"score", opt_num},
           {"percentile", opt_num},
           {"factors", factors},
           {"model", {{"type", json::array({"object", "null"})}}},
           {"history",
            {{"type", "array"}, {"items", schema_object({{"month", str}, {"score", number}})}}},
           {"members",
            {{"type", "array"},
             {"items", schema_object({{"member_id", integer},
                                      {"number", str},
                                      {"name", str},
                                      {"score", number},
                                      {"factors", factors}})}}}}));
}

}  // namespace

// Long by design: a table of routes, one `router_.add` entry per route with its OpenAPI
// description; nothing in it branches.
void Api::add_churn_routes() {
  router_.add_tag("churn",
                  "churn propensity: models, training, scores and their reasons (SPEC §3)");
  add_churn_schemas(router_);

  router_.add(
      "GET", "/api/v1/churn/models",
      {.summary =
           "Churn model versions, newest first, with AUC and lift chart; the current one flagged",
       .tag = "churn",
       .response_schema = "ChurnModelList"},
      [](Context& c) { return reply(c.s.churn.list_models(c.actor)); });
  router_.add("POST", "/api/v1/churn/models",
              {.summary = "Train a churn model on an uploaded table (CSV, UTF-8 or GBK, one row "
                          "per customer with a churned "
                          "yes/no column): cross-validated, stored as a new version; the first one "
                          "becomes current",
               .tag = "churn",
               .query = {{"label", "string",
                          "the label column (churned yes/no, 1/0, true/false, 是/否 …)", true},
                         {"id", "string", "the id column, kept out of the features"},
                         {"name", "string", "a name for the model list"},
                         {"folds", "integer", "cross-validation folds, 2-20 (default 5)"},
                         {"seed", "integer", "random seed (default 42)"}},
               .response_schema = "ChurnModel",
               .success_status = 201,
               .upload_content_type = "text/csv",
               .perm = domain::Perm::kChurnManage,
               .max_body_bytes = kMaxTrainingFile},
              [](Context& c) {
                auto r = train_request(c);
                if (!r) return Response::error(r.error());
                auto bytes = upload_bytes(c);
                if (!bytes) return Response::error(bytes.error());
                return reply(c.s.churn.train_from_csv(c.actor, *bytes, *r), 201);
              });
  router_.add(
      "POST", "/api/v1/churn/models/history",
      {.summary = "Train a churn model from the stored usage and archive history in the "
                  "background (customers active at each cutoff month, label: more than half of "
                  "their members gone or cancelled within the horizon); answers the queued job",
       .tag = "churn",
       .query = {{"month", "string",
                  "the last cutoff month, YYYY-MM (default: the newest whose horizon is stored)"},
                 {"horizon", "integer", "churned within this many months, 1-12 (default 3)"},
                 {"cutoffs", "integer", "cutoff months stacked, 1-36 (default 12)"},
                 {"folds", "integer", "cross-validation folds, 2-20 (default 5)"},
                 {"name", "string", "a name for the model list"}},
       .response_schema = "ChurnJob",
       .success_status = 202},
      [](Context& c) {
        services::HistoryRequest r;
        if (!c.query("month").empty()) {
          auto m = domain::parse_month(c.query("month"));
          if (!m) return Response::error(Error::invalid("month", "must be a month YYYY-MM"));
          r.month = *m;
        }
        auto horizon = c.query_int("horizon", 3, 1, 12);
        if (!horizon) return Response::error(horizon.error());
        auto cutoffs = c.query_int("cutoffs", 12, 1, 36);
        if (!cutoffs) return Response::error(cutoffs.error());
        auto folds = c.query_int("folds", 5, 2, 20);
        if (!folds) return Response::error(folds.error());
        r.horizon = *horizon;
        r.cutoffs = *cutoffs;
        r.train.folds = *folds;
        r.train.name = c.query("name");
        return reply(c.s.churn.submit_history_training(c.actor, r), 202);
      });
  router_.add("GET", "/api/v1/churn/jobs",
              {.summary = "Recent churn training jobs, newest first, with their progress",
               .tag = "churn",
               .response_schema = "ChurnJobList"},
              [](Context& c) { return reply(c.s.churn.list_jobs(c.actor)); });
  router_.add("GET", "/api/v1/churn/jobs/{id}",
              {.summary = "A churn training job: status, phase, progress, the model it stored",
               .tag = "churn",
               .response_schema = "ChurnJob"},
              [](Context& c) {
                auto id = c.id();
                if (!id) return Response::error(id.error());
                return reply(c.s.churn.get_job(c.actor, *id));
              });
  router_.add(
      "GET", "/api/v1/churn/scores",
      {.summary = "The riskiest customers of a month (default: the latest scored) within your "
                  "customers, with the factors of each score",
       .tag = "churn",
       .query = {{"month", "string", "YYYY-MM (default: the latest month scored)"},
                 {"limit", "integer", "1-500 (default 50)"}},
       .response_schema = "ChurnScoreList"},
      [](Context& c) {
        int month = 0;
        if (!c.query("month").empty()) {
          auto m = domain::parse_month(c.query("month"));
          if (!m) return Response::error(Error::invalid("month", "must be a month YYYY-MM"));
          month = *m;
        }
        auto limit = c.query_int("limit", 50, 1, 500);
        if (!limit) return Response::error(limit.error());
        return reply(c.s.churn.list_scores(c.actor, month, *limit));
      });
  router_.add("POST", "/api/v1/churn/scores/run",
              {.summary = "Score every active customer of a month from the stored history with the "
                          "current model (the engine does this after each monthly run)",
               .tag = "churn",
               .query = {{"month", "string", "YYYY-MM (default: the latest usage month)"}},
               .response_schema = "ChurnMonthScoring"},
              [](Context& c) {
                int month = 0;
                if (!c.query("month").empty()) {
                  auto m = domain::parse_month(c.query("month"));
                  if (!m)
                    return Response::error(Error::invalid("month", "must be a month YYYY-MM"));
                  month = *m;
                }
                return reply(c.s.churn.score_month(c.actor, month));
              });
  router_.add("GET", "/api/v1/churn/models/{id}",
              {.summary = "One churn model version with its evaluation",
               .tag = "churn",
               .response_schema = "ChurnModel"},
              [](Context& c) {
                auto id = c.id();
                if (!id) return Response::error(id.error());
                return reply(c.s.churn.get_model(c.actor, *id));
              });
  router_.add("POST", "/api/v1/churn/models/{id}/activate",
              {.summary = "Make this model the current one (used for the monthly scores)",
               .tag = "churn",
               .response_schema = "ChurnModel"},
              [](Context& c) {
                auto id = c.id();
                if (!id) return Response::error(id.error());
                return reply(c.s.churn.activate(c.actor, *id));
              });
  router_.add(
      "POST", "/api/v1/churn/scores",
      {.summary =
           "Score customers with the current model from an uploaded feature table (CSV with "
           "customer_id, "
           "optional member_id and the model's feature columns); replaces the month's scores",
       .tag = "churn",
       .query = {{"month", "string", "the month scored, YYYY-MM", true}},
       .response_schema = "ChurnScoring",
       .upload_content_type = "text/csv",
       .perm = domain::Perm::kChurnManage,
       .max_body_bytes = kMaxTrainingFile},
      [](Context& c) {
        auto month = domain::parse_month(c.query("month"));
        if (!month)
          return Response::error(Error::invalid("month", "is required: the month scored, YYYY-MM"));
        auto bytes = upload_bytes(c);
        if (!bytes) return Response::error(bytes.error());
        return reply(c.s.churn.score_csv(c.actor, *month, *bytes));
      });
  router_.add(
      "GET", "/api/v1/customers/{id}/churn",
      {.summary =
           "A customer's latest churn score and why it is at risk (top factors), with history",
       .tag = "churn",
       .response_schema = "CustomerChurn"},
      [](Context& c) {
        auto id = c.id();
        if (!id) return Response::error(id.error());
        return reply(c.s.churn.customer_churn(c.actor, *id));
      });
}

}  // namespace kam::http
