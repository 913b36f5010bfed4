// The OpenAPI 3.1 document, generated from the router (every route, its parameters and
// schemas) and the entity specs (every field, its type, limits and allowed values).

#include <regex>

#include "http/api.h"
#include "http/archive/routes_entities.h"

namespace kam::http {
namespace {

using domain::FieldType;

json field_schema(const domain::FieldSpec& f) {
  json s;
  switch (f.type) {
    case FieldType::kString:
    case FieldType::kText:
      s = {{"type", "string"}, {"maxLength", f.max_len}};
      break;
    case FieldType::kInt:
    case FieldType::kMoney:
    case FieldType::kRef:
      s = {{"type", "integer"}, {"format", "int64"}};
      if (f.min != std::numeric_limits<int64_t>::min()) s["minimum"] = f.min;
      if (f.max != std::numeric_limits<int64_t>::max()) s["maximum"] = f.max;
      break;
    case FieldType::kDate:
      s = {{"type", "string"}, {"format", "date"}};
      break;
    case FieldType::kTimestamp:
      s = {{"type", "string"}, {"format", "date-time"}};
      break;
    case FieldType::kBool:
      s = {{"type", "boolean"}};
      break;
    case FieldType::kEnum:
      s = {{"type", "string"}, {"enum", f.values}};
      break;
    case FieldType::kRefText:
      s = {{"type", "string"}, {"maxLength", 32}};
      break;
    case FieldType::kJson:
      s = {{"type", "array"}, {"items", {{"type", "object"}}}};
      break;
  }
  std::string d = f.description;
  if (f.type == FieldType::kMoney)
    d += (d.empty() ? "" : "; ") + std::string("amount in fen (1/100 yuan)");
  if (f.mask != domain::Mask::kNone)
    d += (d.empty() ? "" : "; ") + std::string("masked for roles without the right");
  if (!d.empty()) s["description"] = d;
  return s;
}

json nullable(json s) {
  json out;
  out["oneOf"] = json::array({s, {{"type", "null"}}});
  if (s.contains("description")) out["description"] = s["description"];
  return out;
}

void add_entity_schemas(json& schemas, const domain::EntitySpec& e) {
  std::string name = schema_name(e);
  json props = {{"id", {{"type", "integer"}, {"format", "int64"}}},
                {"version", {{"type", "integer"}, {"description", "send it back with PATCH"}}},
                {"created_at", {{"type", "string"}, {"format", "date-time"}}},
                {"updated_at", {{"type", "string"}, {"format", "date-time"}}}};
  if (e.owned_by_customer()) props["customer_id"] = {{"type", "integer"}, {"format", "int64"}};
  json input = json::object(), patch = json::object(), required = json::array();
  for (const auto& f : e.fields) {
    if (f.hidden) continue;
    if (f.stored) props[f.name] = f.required ? field_schema(f) : nullable(field_schema(f));
    if (!f.writable) continue;
    input[f.name] = f.required ? field_schema(f) : nullable(field_schema(f));
    if (f.required) required.push_back(f.name);
    if (!f.immutable) patch[f.name] = input[f.name];
  }
  static const std::regex as_re(R"(AS ([a-z_]+))");
  for (std::sregex_iterator it(e.extra_select.begin(), e.extra_select.end(), as_re), end; it != end;
       ++it) {
    props[(*it)[1].str()] = {{"type", json::array({"string", "integer", "null"})},
                             {"readOnly", true}};
  }
  schemas[name] = {{"type", "object"}, {"properties", props}};
  schemas[name + "Input"] = {{"type", "object"},
                             {"properties", input},
                             {"required", required},
                             {"additionalProperties", false}};
  patch["version"] = {{"type", "integer"},
                      {"description", "the version you read; 409 if it changed since"}};
  schemas[name + "Patch"] = {{"type", "object"},
                             {"properties", patch},
                             {"required", json::array({"version"})},
                             {"additionalProperties", false}};
}

json ref(const std::string& name) {
  return {{"$ref", "#/components/schemas/" + name}};
}

// Long by design: a table of the OpenAPI schemas of this area, one entry per schema.
json fixed_schemas() {
  json obj = {{"type", "object"}};
  json s;
  s["Error"] = {{"type", "object"},
                {"required", {"error"}},
                {"properties",
                 {{"error",
                   {{"type", "object"},
                    {"required", {"code", "message"}},
                    {"properties",
                     {{"code",
                       {{"type", "string"},
                        {"enum",
                         {"invalid", "unauthenticated", "forbidden", "not_found", "conflict",
                          "too_large", "too_many_requests", "unavailable", "internal"}}}},
                      {"message", {{"type", "string"}}},
                      {"field",
                       {{"type", json::array({"string", "null"})},
                        {"description", "the offending field"}}}}}}}}}};
  s["LoginInput"] = {{"type", "object"},
                     {"required", {"username", "password"}},
                     {"properties",
                      {{"username", {{"type", "string"}}},
                       {"password", {{"type", "string"}, {"format", "password"}}}}}};
  s["LoginResult"] = {{"type", "object"},
                      {"properties",
                       {{"token", {{"type", "string"}}},
                        {"expires_at", {{"type", "string"}, {"format", "date-time"}}},
                        {"user", ref("User")}}}};
  s["PasswordChange"] = {
      {"type", "object"},
      {"required", {"current_password", "new_password"}},
      {"properties",
       {{"current_password", {{"type", "string"}, {"format", "password"}}},
        {"new_password", {{"type", "string"}, {"format", "password"}, {"minLength", 10}}}}}};
  s["HandoverInput"] = {
      {"type", "object"},
      {"required", {"to_user_id", "reason"}},
      {"additionalProperties", false},
      {"properties",
       {{"role", {{"type", "string"}, {"enum", {"account_manager", "phone_manager"}}}},
        {"to_user_id", {{"type", "integer"}}},
        {"reason", {{"type", "string"}, {"maxLength", 500}}}}}};
  s["HandoverItemPatch"] = {
      {"type", "object"},
      {"required", {"done"}},
      {"additionalProperties", false},
      {"properties",
       {{"done", {{"type", "boolean"}}}, {"note", {{"type", "string"}, {"maxLength", 500}}}}}};
  json item = {{"type", "object"},
               {"properties",
                {{"id", {{"type", "integer"}}},
                 {"kind", {{"type", "string"}}},
                 {"label", {{"type", "string"}}},
                 {"ref_id", {{"type", json::array({"integer", "null"})}}},
                 {"done", {{"type", "boolean"}}}}}};
  s["Handover"] = {
      {"type", "object"},
      {"properties",
       {{"id", {{"type", "integer"}}},
        {"customer_id", {{"type", "integer"}}},
        {"role", {{"type", "string"}}},
        {"status", {{"type", "string"}, {"enum", {"open", "completed", "cancelled"}}}},
        {"from_user_id", {{"type", json::array({"integer", "null"})}}},
        {"to_user_id", {{"type", "integer"}}},
        {"reason", {{"type", "string"}}},
        {"items", {{"type", "array"}, {"items", item}}},
        {"ready", {{"type", "boolean"}, {"description", "every checklist item is done"}}}}}};
  s["Assignment"] = {{"type", "object"},
                     {"properties",
                      {{"id", {{"type", "integer"}}},
                       {"role", {{"type", "string"}}},
                       {"user_id", {{"type", "integer"}}},
                       {"user_name", {{"type", "string"}}},
                       {"started_at", {{"type", "string"}, {"format", "date-time"}}},
                       {"ended_at", {{"type", json::array({"string", "null"})}}},
                       {"reason", {{"type", "string"}}}}}};
  json node = {
      {"type", "object"},
      {"properties",
       {{"id", {{"type", "integer"}}},
        {"name", {{"type", "string"}}},
        {"status", {{"type", "string"}}},
        {"member_count", {{"type", "integer"}}},
        {"current", {{"type", "boolean"}}},
        {"children",
         {{"type", "array"}, {"items", {{"$ref", "#/components/schemas/HierarchyNode"}}}}}}}};
  s["HierarchyNode"] = node;
  s["Hierarchy"] = {
      {"type", "object"},
      {"properties", {{"root", ref("HierarchyNode")}, {"size", {{"type", "integer"}}}}}};
  s["CustomerOverview"] = {
      {"type", "object"},
      {"description",
       "the 360 view: profile, hierarchy neighbours, members, key persons, contracts, team, "
       "contacts, needs"},
      {"properties",
       {{"customer", ref("Customer")},
        {"parent", {{"type", json::array({"object", "null"})}}},
        {"children", {{"type", "array"}, {"items", obj}}},
        {"members",
         {{"type", "object"},
          {"properties",
           {{"items", {{"type", "array"}, {"items", ref("Member")}}},
            {"total", {{"type", "integer"}}},
            {"by_status", obj},
            {"monthly_spend_fen", {{"type", "integer"}}}}}}},
        {"key_persons", {{"type", "array"}, {"items", ref("KeyPerson")}}},
        {"contracts", {{"type", "array"}, {"items", ref("Contract")}}},
        {"contacts", {{"type", "array"}, {"items", ref("Contact")}}},
        {"needs", {{"type", "array"}, {"items", ref("Need")}}},
        {"team", obj},
        {"open_handover", {{"oneOf", json::array({ref("Handover"), {{"type", "null"}}})}}},
        {"value", {{"type", json::array({"object", "null"})}}},
        {"risk_zone",
         {{"type", json::array({"object", "null"})},
          {"description", "the latest colour zone: month, zone, previous_zone"}}},
        {"churn",
         {{"type", json::array({"object", "null"})},
          {"description", "churn score and its top factors"}}},
        {"care_tasks", {{"type", "array"}, {"items", obj}}},
        {"family_plan", {{"type", "array"}, {"items", obj}}},
        {"alerts",
         {{"type", "array"}, {"items", ref("AlertTask")}, {"description", "open alert tasks"}}},
        {"work_orders", {{"type", "array"}, {"items", obj}}},
        {"orders", {{"type", "array"}, {"items", obj}}}}}};
  s["Workbench"] = {{"type", "object"},
                    {"properties",
                     {{"customers_by_status", obj},
                      {"customers_by_org_type", obj},
                      {"customers_by_city", obj},
                      {"customers_by_kind", obj},
                      {"customers_by_industry", obj},
                      {"customers_by_tier",
                       {{"type", "object"},
                        {"description",
                         "value tier of the latest computed month (gold, silver, bronze, "
                         "do_not_serve, unknown = no value)"}}},
                      {"value_month",
                       {{"type", json::array({"string", "null"})},
                        {"description", "the month of customers_by_tier (YYYY-MM)"}}},
                      {"recent_contacts", {{"type", "array"}, {"items", ref("Contact")}}},
                      {"upcoming_birthdays", {{"type", "array"}, {"items", obj}}},
                      {"expiring_contracts", {{"type", "array"}, {"items", obj}}},
                      {"next_steps_due", {{"type", "array"}, {"items", obj}}},
                      {"open_handovers", {{"type", "integer"}}}}}};
  s["RegionTree"] = {{"type", "object"},
                     {"properties", {{"items", {{"type", "array"}, {"items", obj}}}}}};
  s["AuditEntry"] = {{"type", "object"},
                     {"properties",
                      {{"id", {{"type", "integer"}}},
                       {"at", {{"type", "string"}, {"format", "date-time"}}},
                       {"user_id", {{"type", json::array({"integer", "null"})}}},
                       {"username", {{"type", "string"}}},
                       {"action", {{"type", "string"}}},
                       {"entity", {{"type", "string"}}},
                       {"entity_id", {{"type", "integer"}}},
                       {"before", {{"type", json::array({"object", "null"})}}},
                       {"after", {{"type", json::array({"object", "null"})}}},
                       {"request_id", {{"type", "string"}}}}}};
  s["OpenApi"] = {{"type", "object"}, {"description", "an OpenAPI 3.1 document"}};
  s["Binary"] = {{"type", "string"}, {"format", "binary"}, {"description", "a file"}};
  return s;
}

std::string operation_id(const Route& r) {
  std::string id = r.method;
  for (auto& ch : id) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  bool up = true;
  for (size_t i = std::string("/api/v1").size(); i < r.pattern.size(); ++i) {
    char c = r.pattern[i];
    if (c == '/' || c == '-' || c == '_' || c == '.' || c == '{' || c == '}') {
      up = true;
      if (c == '{') id += "By";
      continue;
    }
    id += up ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    up = false;
  }
  return id;
}

}  // namespace

json Api::openapi() const {
  json schemas = fixed_schemas();
  for (const auto* e : router_.entities()) add_entity_schemas(schemas, *e);
  for (const auto& [name, schema] : router_.schemas().items()) schemas[name] = schema;
  json paths = json::object();
  json err = {{"description", "error"},
              {"content", {{"application/json", {{"schema", ref("Error")}}}}}};
  for (const auto& r : router_.routes()) {
    json op;
    op["operationId"] = operation_id(r);
    op["summary"] = r.doc.summary;
    op["tags"] = {r.doc.tag};
    json params = json::array();
    for (const auto& seg : r.segments) {
      if (seg.size() > 2 && seg.front() == '{') {
        params.push_back({{"name", seg.substr(1, seg.size() - 2)},
                          {"in", "path"},
                          {"required", true},
                          {"schema", {{"type", "integer"}, {"minimum", 1}}}});
      }
    }
    for (const auto& q : r.doc.query) {
      params.push_back({{"name", q.name},
                        {"in", "query"},
                        {"required", q.required},
                        {"description", q.description},
                        {"schema", {{"type", q.type}}}});
    }
    if (!params.empty()) op["parameters"] = params;
    if (!r.doc.upload_content_type.empty()) {
      op["requestBody"] = {{"required", true},
                           {"content",
                            {{r.doc.upload_content_type,
                              {{"schema", {{"type", "string"}, {"format", "binary"}}}}}}}};
    } else if (!r.doc.request_schema.empty()) {
      op["requestBody"] = {
          {"required", true},
          {"content", {{"application/json", {{"schema", ref(r.doc.request_schema)}}}}}};
    }
    json ok = {{"description", "success"}};
    if (!r.doc.response_schema.empty()) {
      json schema = ref(r.doc.response_schema);
      if (r.doc.list) {
        schema = {{"type", "object"},
                  {"required", {"items", "next_cursor", "total"}},
                  {"properties",
                   {{"items", {{"type", "array"}, {"items", schema}}},
                    {"next_cursor", {{"type", json::array({"string", "null"})}}},
                    {"total", {{"type", "integer"}}}}}};
      }
      ok["content"] = {{r.doc.content_type, {{"schema", schema}}}};
    }
    json responses = {{std::to_string(r.doc.success_status), ok}, {"400", err}, {"404", err}};
    if (r.needs_auth) {
      responses["401"] = err;
      responses["403"] = err;
    } else {
      op["security"] = json::array();
    }
    if (r.method == "PATCH" || r.method == "POST" || r.method == "PUT" || r.method == "DELETE")
      responses["409"] = err;
    if (!r.doc.upload_content_type.empty()) responses["413"] = err;
    if (r.pattern == "/api/v1/auth/login") responses["429"] = err;
    op["responses"] = responses;
    std::string method = r.method;
    for (auto& ch : method) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    paths[r.pattern][method] = op;
  }
  json tags =
      json::array({{{"name", "auth"}, {"description", "sign in and sessions"}},
                   {{"name", "archive"}, {"description", "the customer archive (SPEC §1)"}},
                   {{"name", "administration"}, {"description", "users, teams, regions, audit"}},
                   {{"name", "meta"}, {"description", "this description"}}});
  for (const auto& [name, description] : router_.tags())
    tags.push_back({{"name", name}, {"description", description}});
  return {
      {"openapi", "3.1.0"},
      {"info",
       {{"title", "KAM — key account management API"},
        {"version", "1.0.0"},
        {"description",
         "Group and high-value customer management and retention for a telecom operator. "
         "Money is integer fen; times are UTC ISO-8601; errors are {error:{code,message,field}}."},
        {"license", {{"name", "Proprietary"}, {"identifier", "LicenseRef-Proprietary"}}}}},
      {"servers", json::array({{{"url", "http://127.0.0.1:8080"}, {"description", "local KAM"}}})},
      {"security", json::array({{{"session", json::array()}}, {{"bearer", json::array()}}})},
      {"tags", tags},
      {"paths", paths},
      {"components",
       {{"schemas", schemas},
        {"securitySchemes",
         {{"session", {{"type", "apiKey"}, {"in", "cookie"}, {"name", "kam_session"}}},
          {"bearer", {{"type", "http"}, {"scheme", "bearer"}}}}}}}};
}

}  // namespace kam::http
