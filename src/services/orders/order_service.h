#pragma once
// One-stop business acceptance (一站式受理, SPEC §5): orders of a customer from the requirement
// through consultation, solution design with options priced from the catalogue, the
// customer's choice (and a discount approval when it is beyond the creator's limit),
// acceptance, construction and testing, the customer's written confirmation, the start of
// billing, to service. Every step has an owner, timestamps and a target; overdue steps remind
// their owner; cycle times are reported per step, manager and product. Completing an order
// schedules the satisfaction callback through a hook (the service desk's survey).
//
// Access: orders of the customers in the caller's scope (and those whose step the caller
// owns); order.write works them, order.approve decides discounts up to the role's limits.

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "domain/orders.h"
#include "services/core/records.h"
#include "services/orders/catalogue_service.h"

namespace kam::services {

struct OrderQuery {
  std::string state;  // one state, "open" (not final) or empty
  std::string owner;  // "me" (owner or step owner) or a user id
  int64_t customer_id = 0;
  bool overdue = false;
  std::string q;  // order number, title or customer name
  std::string sort = "-updated";
  int limit = 50;
  int64_t offset = 0;
};

struct MetricsQuery {
  std::optional<int64_t> from, to;  // orders created in [from, to), epoch seconds
};

// A stored confirmation document.
struct OrderDocument {
  std::string file_name, content_type, data;
};

// Schedules the satisfaction callback of a completed order inside the completing transaction;
// answers the survey's id (wired in services.h to ServiceDeskService::schedule_order_callback).
using SurveyHook = std::function<Result<int64_t>(db::Connection&, int64_t customer_id,
                                                 const std::string& source_type, int64_t source_id,
                                                 int64_t due_at)>;

// One order changed in one transaction: the pooled connection, its transaction and the order's
// row as read within the actor's scope. Held by pointer (the transaction points into the lease).
struct OrderWrite {
  db::Lease lease;
  std::optional<db::Transaction> tx;
  std::optional<db::Row> row;
};

class OrderService {
 public:
  explicit OrderService(Records& records) : records_(records) {}

  // Orders.
  Result<json> list(const Actor& a, const OrderQuery& q);
  // Columns of the order board: every state but cancelled, counts and the first cards.
  Result<json> board(const Actor& a, const OrderQuery& filters, int per_column);
  Result<json> get(const Actor& a, int64_t id);
  Result<json> create(const Actor& a, const json& body);
  // Title, requirement, term, region (before options are priced) and owner; send the version.
  Result<json> update(const Actor& a, int64_t id, const json& body);
  // One action of the flow (domain::order_actions()) with the version read; an action not
  // allowed now answers 409 naming the allowed ones.
  Result<json> transition(const Actor& a, int64_t id, const std::string& action, const json& body);

  // Solution options, while the solution is designed.
  Result<json> add_option(const Actor& a, int64_t order_id, const json& body);
  Result<json> update_option(const Actor& a, int64_t order_id, int64_t option_id, const json& body);
  Status remove_option(const Actor& a, int64_t order_id, int64_t option_id);

  // The customer's written confirmation: a PDF, PNG or JPEG kept in the store.
  Result<json> add_document(const Actor& a, int64_t order_id, const std::string& file_name,
                            const std::string& path);
  Result<OrderDocument> document(const Actor& a, int64_t order_id, int64_t document_id);

  // The approval inbox: pending requests the caller may decide ("pending"), or the history
  // ("approved", "refused", "all"); `mine` lists the caller's own requests.
  Result<json> approvals(const Actor& a, const std::string& status, bool mine, int limit,
                         int64_t offset);

  // Versioned settings.
  Result<json> discount_limits(const Actor& a);
  Result<json> put_discount_limits(const Actor& a, const json& body);
  Result<json> step_settings(const Actor& a);
  Result<json> put_step_settings(const Actor& a, const json& body);

  // Cycle times per step, manager and product, and the monthly trend.
  Result<json> metrics(const Actor& a, const MetricsQuery& q);
  // The 360 view's list (the caller's access to the customer is checked by the overview).
  Result<json> customer_orders(db::Connection& c, const Actor& a, int64_t customer_id);

  // Steps past their target remind their owner (or the approvers) once; answers the count.
  Result<json> tick(int64_t now);

  // Set from services.h: the service desk's satisfaction callback.
  void on_completed(SurveyHook hook) { on_completed_ = std::move(hook); }

 private:
  friend struct OrderFlow;  // order_flow.cc: one handler per action of the flow

  // The order row (order_sql::kColumns) when the actor may see it.
  Result<std::optional<db::Row>> load_row(db::Connection& c, const Actor& a, int64_t id);
  // Opens a transaction on the order, in scope first: 404 when the actor may not see it.
  Result<std::unique_ptr<OrderWrite>> begin_write(const Actor& a, int64_t id);
  Result<domain::DiscountLimits> load_limits(db::Connection& c);
  Result<domain::StepSettings> load_steps(db::Connection& c);
  json order_json(const db::Row& r, int64_t now) const;
  // Options with their priced lines, totals and the creator's authority; `where` is over the
  // alias `op` (order_options) with its parameters.
  Result<std::vector<json>> load_options(db::Connection& c, const Actor& a,
                                         const std::string& where, const db::Params& p,
                                         int64_t term_months, const std::string& creator_role,
                                         const domain::DiscountLimits& limits);
  // The discount of every line of an option (for the authority).
  Result<std::vector<domain::DiscountLine>> discount_lines(db::Connection& c, int64_t option_id);
  // The chosen option's value per order: net over the term and per month.
  Result<std::map<int64_t, std::pair<int64_t, int64_t>>> chosen_values(db::Connection& c,
                                                                       const db::Rows& rows);
  Result<json> detail(db::Connection& c, const Actor& a, const db::Row& r);
  Result<json> reread(db::Connection& c, const Actor& a, int64_t id);
  Result<std::vector<std::string>> allowed_actions(db::Connection& c, const Actor& a,
                                                   const db::Row& r,
                                                   const domain::DiscountLimits& limits);
  // Whether the actor may decide the pending approval of an order.
  Result<bool> may_decide(db::Connection& c, const Actor& a, int64_t order_id,
                          const domain::DiscountLimits& limits);
  Result<json> save_option(const Actor& a, int64_t order_id, std::optional<int64_t> option_id,
                           const json& body);
  Status notify(db::Connection& c, int64_t user_id, const std::string& kind,
                const std::string& title, const std::string& body, int64_t order_id);
  // Who decides an approval needing `role`: the supervisor of the owner's team, or the admins.
  Result<std::vector<int64_t>> approvers_for(db::Connection& c, int64_t owner_id,
                                             const std::string& role);

  Records& records_;
  SurveyHook on_completed_;
};

}  // namespace kam::services
