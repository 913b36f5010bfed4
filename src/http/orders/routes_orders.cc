// Routes of one-stop business acceptance (SPEC §5): the product catalogue, orders and their
// steps and options, confirmation documents, the discount approval inbox, the order settings
// and the cycle-time figures.

#include "http/orders/routes_orders.h"

#include "domain/orders.h"
#include "http/api.h"
#include "http/schema.h"

namespace kam::http {
namespace {

using namespace schema;  // NOLINT

Result<services::OrderQuery> order_query(const Context& c) {
  services::OrderQuery q;
  q.state = c.query("state");
  q.owner = c.query("owner");
  q.q = c.query("q");
  if (auto s = c.query("sort"); !s.empty()) q.sort = s;
  KAM_TRY(customer, c.query_id("customer_id"));
  if (customer) q.customer_id = *customer;
  if (auto o = c.query("overdue"); !o.empty()) {
    if (o != "true" && o != "false") return Error::invalid("overdue", "must be true or false");
    q.overdue = o == "true";
  }
  KAM_TRY(limit, c.query_int("limit", 50, 1, 200));
  q.limit = limit;
  KAM_TRY(offset, c.query_offset());
  q.offset = offset;
  return q;
}

const std::vector<ParamDoc>& order_filters() {
  static const std::vector<ParamDoc> v = {
      {"state", "string",
       "open, or one state: requirement, consultation, design, choice, approval, acceptance, "
       "construction, "
       "confirmation, billing, in_service, cancelled"},
      {"owner", "string", "me (orders I own or whose step I own) or an owner's user id"},
      {"customer_id", "integer", "one customer's orders"},
      {"overdue", "boolean", "only orders whose current step is past its target"},
      {"q", "string", "order number, title or customer name"},
      {"sort", "string", "-updated (default), updated, -created, created, due"},
      {"limit", "integer", "1-200 (default 50)"},
      {"cursor", "string", "next_cursor from the previous page"}};
  return v;
}

// Long by design: a table of the OpenAPI schemas of this area, one entry per schema.
void add_schemas(Router& r) {
  json str = {{"type", "string"}}, integer = {{"type", "integer"}}, number = {{"type", "number"}},
       object = {{"type", "object"}}, boolean = {{"type", "boolean"}};
  json categories = {{"type", "string"}, {"enum", domain::product_categories()}};
  json states = {{"type", "string"}, {"enum", domain::order_states()}};
  json price =
      obj({{"region_code", str}, {"region_name", str}, {"level", str}, {"price_fen", integer}});
  json subsidy = obj({{"industry", str}, {"subsidy_pct", number}});
  json component =
      obj({{"product_id", integer}, {"code", str}, {"name", str}, {"quantity", integer}});
  r.add_schema("Product",
               obj({{"id", integer},
                    {"code", str},
                    {"name", str},
                    {"category", categories},
                    {"kind", {{"type", "string"}, {"enum", domain::product_kinds()}}},
                    {"charge", {{"type", "string"}, {"enum", domain::charge_kinds()}}},
                    {"unit", str},
                    {"description", nullable("string")},
                    {"cost_fen",
                     {{"type", "integer"},
                      {"description", "only for roles that sell or maintain the catalogue"}}},
                    {"max_discount_pct", number},
                    {"valid_from", nullable("string")},
                    {"valid_to", nullable("string")},
                    {"active", boolean},
                    {"on_sale", boolean},
                    {"subsidies", {{"type", "array"}, {"items", subsidy}}},
                    {"components", {{"type", "array"}, {"items", component}}},
                    {"prices", {{"type", "array"}, {"items", price}}},
                    {"price_fen",
                     {{"type", json::array({"integer", "null"})},
                      {"description", "with ?region: the price there"}}},
                    {"version", integer},
                    {"versions", integer},
                    {"orders", integer},
                    {"created_at", str},
                    {"updated_at", str}}));
  r.add_schema(
      "ProductInput",
      {{"type", "object"},
       {"required", {"code", "name", "category", "cost_fen", "prices"}},
       {"properties",
        {{"code", {{"type", "string"}, {"maxLength", 40}}},
         {"name", {{"type", "string"}, {"maxLength", 100}}},
         {"category", categories},
         {"kind", {{"type", "string"}, {"enum", domain::product_kinds()}}},
         {"charge", {{"type", "string"}, {"enum", domain::charge_kinds()}}},
         {"unit", str},
         {"description", nullable("string")},
         {"cost_fen", {{"type", "integer"}, {"minimum", 0}}},
         {"max_discount_pct", {{"type", "number"}, {"minimum", 0}, {"maximum", 100}}},
         {"valid_from", nullable("string")},
         {"valid_to", nullable("string")},
         {"active", boolean},
         {"prices",
          {{"type", "array"}, {"items", obj({{"region_code", str}, {"price_fen", integer}})}}},
         {"subsidies", {{"type", "array"}, {"items", subsidy}}},
         {"components",
          {{"type", "array"}, {"items", obj({{"product_id", integer}, {"quantity", integer}})}}},
         {"note", {{"type", "string"}, {"description", "why this version"}}},
         {"version", {{"type", "integer"}, {"description", "on update: the version you read"}}}}}});
  json amounts = obj({{"list_fen", integer},
                      {"subsidy_fen", integer},
                      {"discount_fen", integer},
                      {"net_fen", integer},
                      {"cost_fen", integer},
                      {"margin_fen", integer}});
  json option = obj({{"id", integer},
                     {"name", str},
                     {"description", nullable("string")},
                     {"version", integer},
                     {"lines", {{"type", "array"}, {"items", object}}},
                     {"monthly", amounts},
                     {"one_time", amounts},
                     {"term", amounts},
                     {"margin_pct",
                      {{"type", json::array({"number", "null"})},
                       {"description", "margin after discount over the term"}}},
                     {"max_discount_pct", number},
                     {"authority", obj({{"within_limit", boolean},
                                        {"over", {{"type", "array"}, {"items", object}}},
                                        {"approver_role", nullable("string")}})}});
  r.add_schema("OrderOption", option);
  json step = obj({{"name", str},
                   {"owner_id", nullable("integer")},
                   {"owner_name", nullable("string")},
                   {"started_at", str},
                   {"due_at", nullable("string")},
                   {"elapsed_hours", number},
                   {"overdue", boolean}});
  step["type"] = json::array({"object", "null"});  // null once the order is in service or cancelled
  json order_props = {{"id", integer},
                      {"number", str},
                      {"customer_id", integer},
                      {"customer_name", str},
                      {"title", str},
                      {"requirement", str},
                      {"consultation", nullable("string")},
                      {"region_code", str},
                      {"region_name", nullable("string")},
                      {"term_months", integer},
                      {"state", states},
                      {"owner_id", integer},
                      {"owner_name", nullable("string")},
                      {"created_by", integer},
                      {"creator_role", str},
                      {"step", step},
                      {"overdue", boolean},
                      {"chosen_option_id", nullable("integer")},
                      {"confirmation", nullable("object")},
                      {"billing_account", nullable("string")},
                      {"billing_start", nullable("string")},
                      {"survey_id", nullable("integer")},
                      {"cancel_reason", nullable("string")},
                      {"cycle_hours", number},
                      {"value_fen", nullable("integer")},
                      {"created_at", str},
                      {"updated_at", str},
                      {"completed_at", nullable("string")},
                      {"cancelled_at", nullable("string")},
                      {"version", integer}};
  r.add_schema("Order", obj(order_props));
  json detail_props = order_props;
  detail_props["options"] = {{"type", "array"},
                             {"items", {{"$ref", "#/components/schemas/OrderOption"}}}};
  detail_props["steps"] = {{"type", "array"},
                           {"items", obj({{"step", str},
                                          {"owner_name", nullable("string")},
                                          {"entered_at", str},
                                          {"left_at", nullable("string")},
                                          {"action", nullable("string")},
                                          {"hours", number},
                                          {"target_hours", integer},
                                          {"overdue", boolean}})}};
  detail_props["hours_per_step"] = object;
  detail_props["approvals"] = {{"type", "array"}, {"items", object}};
  detail_props["documents"] = {{"type", "array"}, {"items", object}};
  detail_props["actions"] = {
      {"type", "array"}, {"items", str}, {"description", "actions the caller may take now"}};
  r.add_schema("OrderDetail", obj(detail_props));
  r.add_schema(
      "OrderInput",
      {{"type", "object"},
       {"required", {"customer_id", "title", "requirement"}},
       {"properties",
        {{"customer_id", integer},
         {"title", {{"type", "string"}, {"maxLength", 100}}},
         {"requirement", {{"type", "string"}, {"maxLength", 4000}}},
         {"region_code", {{"type", "string"}, {"description", "default: the customer's city"}}},
         {"term_months", {{"type", "integer"}, {"minimum", 1}, {"maximum", 120}}}}}});
  r.add_schema("OrderPatch", {{"type", "object"},
                              {"required", {"version"}},
                              {"properties",
                               {{"title", str},
                                {"requirement", str},
                                {"consultation", str},
                                {"term_months", integer},
                                {"version", integer}}}});
  r.add_schema(
      "OrderAction",
      {{"type", "object"},
       {"required", {"version"}},
       {"properties",
        {{"version", {{"type", "integer"}, {"description", "the order version you read"}}},
         {"note", str},
         {"reason",
          {{"type", "string"}, {"description", "required to refuse, revise, rework and cancel"}}},
         {"consultation", {{"type", "string"}, {"description", "consult: what was advised"}}},
         {"option_id", {{"type", "integer"}, {"description", "choose: the customer's option"}}},
         {"step_owner_id",
          {{"type", "integer"}, {"description", "start-construction: the engineer"}}},
         {"confirmation",
          {{"type", "string"},
           {"description", "confirm: a recorded confirmation (else the last uploaded document)"}}},
         {"billing_account",
          {{"type", "string"}, {"description", "start-billing: the billing account"}}},
         {"billing_start", {{"type", "string"}, {"format", "date"}}}}}});
  r.add_schema(
      "OrderOptionInput",
      {{"type", "object"},
       {"properties",
        {{"name", str},
         {"description", str},
         {"lines",
          {{"type", "array"},
           {"items",
            obj({{"product_id", integer},
                 {"quantity", integer},
                 {"discount_pct", {{"type", "number"}, {"minimum", 0}, {"maximum", 100}}}})}}},
         {"version",
          {{"type", "integer"}, {"description", "on update: the option version you read"}}}}}});
  r.add_schema(
      "OrderBoard",
      obj({{"columns",
            {{"type", "array"},
             {"items",
              obj({{"state", states},
                   {"total", integer},
                   {"overdue", integer},
                   {"items",
                    {{"type", "array"}, {"items", {{"$ref", "#/components/schemas/Order"}}}}}})}}},
           {"total", integer}}));
  r.add_schema("OrderDocument", obj({{"id", integer},
                                     {"order_id", integer},
                                     {"file_name", str},
                                     {"content_type", str},
                                     {"size_bytes", integer},
                                     {"sha256", str},
                                     {"uploaded_at", str}}));
  r.add_schema(
      "OrderApproval",
      obj({{"id", integer},
           {"order_id", integer},
           {"order_number", str},
           {"order_title", str},
           {"order_version", integer},
           {"customer_name", str},
           {"option", {{"$ref", "#/components/schemas/OrderOption"}}},
           {"requested_by_name", nullable("string")},
           {"requester_role", str},
           {"required_role", str},
           {"requested_at", str},
           {"detail", object},
           {"status",
            {{"type", "string"}, {"enum", {"pending", "approved", "refused", "withdrawn"}}}},
           {"decided_by_name", nullable("string")},
           {"decided_at", nullable("string")},
           {"reason", nullable("string")},
           {"can_decide", boolean}}));
  r.add_schema("OrderSetting", obj({{"config", object},
                                    {"version", integer},
                                    {"updated_at", nullable("string")},
                                    {"defaults", object}}));
  r.add_schema("OrderSettingInput", {{"type", "object"},
                                     {"required", {"config", "version"}},
                                     {"properties", {{"config", object}, {"version", integer}}}});
  json dur = obj({{"count", integer},
                  {"mean_hours", number},
                  {"p50_hours", number},
                  {"p90_hours", number},
                  {"max_hours", number}});
  r.add_schema("OrderMetrics", obj({{"overall", dur},
                                    {"by_state", object},
                                    {"steps", {{"type", "array"}, {"items", object}}},
                                    {"managers", {{"type", "array"}, {"items", object}}},
                                    {"products", {{"type", "array"}, {"items", object}}},
                                    {"months", {{"type", "array"}, {"items", object}}}}));
}

}  // namespace

// Long by design: a table of routes, one `router_.add` entry per route with its OpenAPI
// description; nothing in it branches.
void add_order_routes(Router& router) {
  router.add_tag(
      "products",
      "product catalogue: regional unified prices, bundles, subsidies, versions (SPEC §5)");
  router.add_tag("orders",
                 "one-stop acceptance: orders from requirement to billing, discount approvals, "
                 "cycle times (SPEC §5)");
  add_schemas(router);

  // --- Products ---
  router.add("GET", "/api/v1/products",
             {.summary = "The product catalogue",
              .tag = "products",
              .query = {{"category", "string", "voice, data, line, circuit, cloud or ict"},
                        {"kind", "string", "product, package or bundle"},
                        {"active", "boolean", "switched on or off"},
                        {"q", "string", "name or code"},
                        {"region", "string", "a region code: adds the price that applies there"},
                        {"limit", "integer", "1-200 (default 50)"},
                        {"cursor", "string", "next_cursor from the previous page"}},
              .response_schema = "Product",
              .list = true},
             [](Context& c) {
               services::ProductQuery q;
               q.category = c.query("category");
               q.kind = c.query("kind");
               q.q = c.query("q");
               q.region = c.query("region");
               if (auto a = c.query("active"); !a.empty()) {
                 if (a != "true" && a != "false")
                   return Response::error(Error::invalid("active", "must be true or false"));
                 q.active = a == "true";
               }
               auto limit = c.query_int("limit", 50, 1, 200);
               if (!limit) return Response::error(limit.error());
               q.limit = *limit;
               auto offset = c.query_offset();
               if (!offset) return Response::error(offset.error());
               q.offset = *offset;
               return reply(c.s.catalogue.list(c.actor, q));
             });
  router.add("POST", "/api/v1/products",
             {.summary = "Add a product, package or bundle with its regional prices",
              .tag = "products",
              .request_schema = "ProductInput",
              .response_schema = "Product",
              .success_status = 201},
             with_body([](Context& c, json& body) {
               return reply(c.s.catalogue.create(c.actor, body), 201);
             }));
  router.add(
      "GET", "/api/v1/products/{id}",
      {.summary = "One product (current version)", .tag = "products", .response_schema = "Product"},
      with_id([](Context& c, int64_t id) { return reply(c.s.catalogue.get(c.actor, id)); }));
  router.add("PATCH", "/api/v1/products/{id}",
             {.summary = "Change a product: a new version (orders keep the version they were "
                         "priced with); send the version you read",
              .tag = "products",
              .request_schema = "ProductInput",
              .response_schema = "Product"},
             with_id_body([](Context& c, int64_t id, json& body) {
               return reply(c.s.catalogue.update(c.actor, id, body));
             }));
  router.add(
      "DELETE", "/api/v1/products/{id}",
      {.summary = "Delete a product no order used (others are switched off)",
       .tag = "products",
       .success_status = 204},
      with_id([](Context& c, int64_t id) { return reply(c.s.catalogue.remove(c.actor, id)); }));
  router.add(
      "GET", "/api/v1/products/{id}/versions",
      {.summary = "Every version of a product with its prices",
       .tag = "products",
       .response_schema = "Product",
       .list = true},
      with_id([](Context& c, int64_t id) { return reply(c.s.catalogue.versions(c.actor, id)); }));
  router.add(
      "GET", "/api/v1/products/{id}/versions/{version}",
      {.summary = "One version of a product", .tag = "products", .response_schema = "Product"},
      with_id([](Context& c, int64_t id) {
        auto v = c.id("version");
        if (!v) return Response::error(v.error());
        return reply(c.s.catalogue.version(c.actor, id, *v));
      }));

  // --- Orders ---
  router.add("GET", "/api/v1/orders",
             {.summary = "Orders of your customers (and those whose step you own)",
              .tag = "orders",
              .query = order_filters(),
              .response_schema = "Order",
              .list = true},
             [](Context& c) {
               auto q = order_query(c);
               if (!q) return Response::error(q.error());
               return reply(c.s.orders.list(c.actor, *q));
             });
  router.add(
      "GET", "/api/v1/orders/board",
      {.summary =
           "The order board: one column per step with counts, overdue counts and the first cards",
       .tag = "orders",
       .query = {{"owner", "string", "me or an owner's user id"},
                 {"customer_id", "integer", "one customer's orders"},
                 {"overdue", "boolean", "only overdue orders"},
                 {"q", "string", "order number, title or customer name"},
                 {"per_column", "integer", "cards per column, 1-100 (default 20)"}},
       .response_schema = "OrderBoard"},
      [](Context& c) {
        auto q = order_query(c);
        if (!q) return Response::error(q.error());
        int per = 20;
        if (auto v = c.query("per_column"); !v.empty()) {
          if (v.size() > 3 || v.find_first_not_of("0123456789") != std::string::npos) {
            return Response::error(Error::invalid("per_column", "must be between 1 and 100"));
          }
          per = std::stoi(v);
        }
        return reply(c.s.orders.board(c.actor, *q, per));
      });
  router.add("POST", "/api/v1/orders",
             {.summary = "Take a customer's requirement: a new order",
              .tag = "orders",
              .request_schema = "OrderInput",
              .response_schema = "OrderDetail",
              .success_status = 201},
             with_body([](Context& c, json& body) {
               return reply(c.s.orders.create(c.actor, body), 201);
             }));
  router.add(
      "GET", "/api/v1/orders/approvals",
      {.summary = "The discount approval inbox: requests you may decide (pending), or the history",
       .tag = "orders",
       .query = {{"status", "string", "pending (default), approved, refused, withdrawn or all"},
                 {"mine", "boolean", "your own requests"},
                 {"limit", "integer", "1-200 (default 50)"},
                 {"cursor", "string", "next_cursor from the previous page"}},
       .response_schema = "OrderApproval",
       .list = true},
      [](Context& c) {
        auto limit = c.query_int("limit", 50, 1, 200);
        if (!limit) return Response::error(limit.error());
        auto offset = c.query_offset();
        if (!offset) return Response::error(offset.error());
        std::string mine = c.query("mine");
        if (!mine.empty() && mine != "true" && mine != "false") {
          return Response::error(Error::invalid("mine", "must be true or false"));
        }
        return reply(
            c.s.orders.approvals(c.actor, c.query("status"), mine == "true", *limit, *offset));
      });
  router.add("GET", "/api/v1/orders/config/discount-limits",
             {.summary = "Discount limits per role and product line (basis points)",
              .tag = "orders",
              .response_schema = "OrderSetting"},
             [](Context& c) { return reply(c.s.orders.discount_limits(c.actor)); });
  router.add("PUT", "/api/v1/orders/config/discount-limits",
             {.summary = "Change the discount limits (send the version you read)",
              .tag = "orders",
              .request_schema = "OrderSettingInput",
              .response_schema = "OrderSetting"},
             with_body([](Context& c, json& body) {
               return reply(c.s.orders.put_discount_limits(c.actor, body));
             }));
  router.add("GET", "/api/v1/orders/config/steps",
             {.summary = "Target hours per step and the satisfaction callback delay",
              .tag = "orders",
              .response_schema = "OrderSetting"},
             [](Context& c) { return reply(c.s.orders.step_settings(c.actor)); });
  router.add("PUT", "/api/v1/orders/config/steps",
             {.summary = "Change the step targets (send the version you read)",
              .tag = "orders",
              .request_schema = "OrderSettingInput",
              .response_schema = "OrderSetting"},
             with_body([](Context& c, json& body) {
               return reply(c.s.orders.put_step_settings(c.actor, body));
             }));
  router.add("GET", "/api/v1/orders/stats/cycle-time",
             {.summary = "Cycle times: per step (with targets and overdue counts), per manager, "
                         "per product, per month",
              .tag = "orders",
              .query = {{"from", "string", "orders created on or after this date"},
                        {"to", "string", "orders created before this date"}},
              .response_schema = "OrderMetrics"},
             [](Context& c) {
               services::MetricsQuery q;
               for (const char* k : {"from", "to"}) {
                 std::string v = c.query(k);
                 if (v.empty()) continue;
                 if (!is_date(v))
                   return Response::error(Error::invalid(k, "must be a date YYYY-MM-DD"));
                 auto t = parse_iso8601(v + "T00:00:00+08:00");
                 if (!t) return Response::error(Error::invalid(k, "must be a date YYYY-MM-DD"));
                 (std::string(k) == "from" ? q.from : q.to) = *t;
               }
               return reply(c.s.orders.metrics(c.actor, q));
             });
  router.add("GET", "/api/v1/orders/{id}",
             {.summary = "One order with its options side by side, steps, approvals, documents and "
                         "the actions you may take",
              .tag = "orders",
              .response_schema = "OrderDetail"},
             with_id([](Context& c, int64_t id) { return reply(c.s.orders.get(c.actor, id)); }));
  router.add("PATCH", "/api/v1/orders/{id}",
             {.summary = "Change an order's title, requirement, consultation notes or term; send "
                         "the version you read",
              .tag = "orders",
              .request_schema = "OrderPatch",
              .response_schema = "OrderDetail"},
             with_id_body([](Context& c, int64_t id, json& body) {
               return reply(c.s.orders.update(c.actor, id, body));
             }));
  router.add("POST", "/api/v1/orders/{id}/actions/{action}",
             {.summary = "Move an order: consult, design, propose, choose, revise, approve, "
                         "refuse, start-construction, "
                         "finish-construction, rework, confirm, start-billing, cancel (409 names "
                         "the allowed ones)",
              .tag = "orders",
              .request_schema = "OrderAction",
              .response_schema = "OrderDetail"},
             with_id([](Context& c, int64_t id) {
               auto body = c.body();
               if (!body) return Response::error(body.error());
               auto it = c.req.path_params.find("action");
               return reply(c.s.orders.transition(
                   c.actor, id, it == c.req.path_params.end() ? "" : it->second, *body));
             }));
  router.add("POST", "/api/v1/orders/{id}/options",
             {.summary = "Add a solution option priced from the catalogue (while in design)",
              .tag = "orders",
              .request_schema = "OrderOptionInput",
              .response_schema = "OrderDetail",
              .success_status = 201},
             with_id_body([](Context& c, int64_t id, json& body) {
               return reply(c.s.orders.add_option(c.actor, id, body), 201);
             }));
  router.add("PATCH", "/api/v1/orders/{id}/options/{option_id}",
             {.summary = "Change an option (lines are repriced from the current catalogue); send "
                         "the option version",
              .tag = "orders",
              .request_schema = "OrderOptionInput",
              .response_schema = "OrderDetail"},
             with_id([](Context& c, int64_t id) {
               auto oid = c.id("option_id");
               if (!oid) return Response::error(oid.error());
               auto body = c.body();
               if (!body) return Response::error(body.error());
               return reply(c.s.orders.update_option(c.actor, id, *oid, *body));
             }));
  router.add(
      "DELETE", "/api/v1/orders/{id}/options/{option_id}",
      {.summary = "Remove an option (while in design)", .tag = "orders", .success_status = 204},
      with_id([](Context& c, int64_t id) {
        auto oid = c.id("option_id");
        if (!oid) return Response::error(oid.error());
        return reply(c.s.orders.remove_option(c.actor, id, *oid));
      }));
  router.add(
      "POST", "/api/v1/orders/{id}/documents",
      {.summary = "Upload the customer's written confirmation (PDF, PNG or JPEG, at most 10 MB)",
       .tag = "orders",
       .query = {{"file_name", "string", "the file's name"}},
       .response_schema = "OrderDocument",
       .success_status = 201,
       .upload_content_type = "application/octet-stream",
       .perm = domain::Perm::kOrderWrite,
       .max_body_bytes = 10 * 1024 * 1024},
      with_id([](Context& c, int64_t id) {
        // The service checks the order's scope before it looks at the (possibly absent) file.
        std::string name = c.query("file_name").empty() ? "confirmation" : c.query("file_name");
        return reply(c.s.orders.add_document(c.actor, id, name, c.req.body_file), 201);
      }));
  router.add(
      "GET", "/api/v1/orders/{id}/documents/{document_id}",
      {.summary = "Download a confirmation document",
       .tag = "orders",
       .response_schema = "Binary",
       .content_type = "application/octet-stream"},
      with_id([](Context& c, int64_t id) {
        auto did = c.id("document_id");
        if (!did) return Response::error(did.error());
        auto d = c.s.orders.document(c.actor, id, *did);
        if (!d) return Response::error(d.error());
        Response r;
        r.content_type = d->content_type;
        r.body = std::move(d->data);
        std::string safe;
        for (char ch : d->file_name)
          safe += (ch == '"' || ch == '\\' || static_cast<unsigned char>(ch) < 0x20) ? '_' : ch;
        r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + safe + "\"");
        return r;
      }));
}

}  // namespace kam::http
