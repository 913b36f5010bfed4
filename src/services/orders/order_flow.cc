// The order flow (一站式受理, SPEC §5, seed 002): one handler per action. `transition` checks the
// action, access, the state machine and the version; the action's handler reads its own fields
// and says what changes with the step; then the order moves to its next step, the step history
// and the audit record are written, all in one transaction.

#include <map>

#include "services/orders/order_common.h"

namespace kam::services {

// What an action changes besides the state: order columns, who owns the next step, whether the
// order waits for a discount approval, and what the history says of it.
struct StepChange {
  std::string sets;  // ", column = ?" for each changed column of `orders`
  db::Params params;
  bool needs_approval = false;
  std::optional<int64_t> step_owner;  // empty: nobody owns the next step (approvers decide)
  json event;
};

// What a handler reads: the locked order row and the request.
struct StepInput {
  OrderService& svc;
  db::Connection& c;
  const Actor& a;
  const db::Row& r;
  const json& body;
  int64_t id;
  int64_t now;
  const domain::DiscountLimits& limits;
  const std::optional<std::string>& reason;
  const std::string& action;
};

// The handlers, friends of OrderService (they notify and read options through it).
struct OrderFlow {
  using Handler = Status (*)(const StepInput&, StepChange&);
  static const std::map<std::string, Handler>& handlers();

  static Status consult(const StepInput& x, StepChange& ch) {
    KAM_TRY(cons, in::text(x.body, "consultation", 4000, false, true));
    if (cons) {
      ch.sets += ", consultation = ?";
      ch.params.push_back(*cons);
    }
    return {};
  }

  static Status propose(const StepInput& x, StepChange&) {
    KAM_TRY(n, x.c.query_one("SELECT COUNT(*), SUM(CASE WHEN (SELECT COUNT(*) FROM order_lines l "
                             "WHERE l.option_id = op.id) = 0 "
                             "THEN 1 ELSE 0 END) FROM order_options op WHERE op.order_id = ?",
                             {x.id}));
    if (!n || n->i64(0) == 0)
      return Error::conflict("design at least one priced option before proposing", "options");
    if (n->i64(1) > 0)
      return Error::conflict("every option needs at least one priced line", "options");
    return {};
  }

  // The customer's choice; beyond the creator's discount authority it waits for an approver.
  static Status choose(const StepInput& x, StepChange& ch) {
    KAM_TRY(opt, in::integer(x.body, "option_id", 1, INT64_MAX / 2, true, "an option id"));
    KAM_TRY(o, x.c.query_one("SELECT id, name FROM order_options WHERE id = ? AND order_id = ?",
                             {*opt, x.id}));
    if (!o) return Error::invalid("option_id", "is not an option of this order");
    KAM_TRY(lines, x.svc.discount_lines(x.c, *opt));
    auto creator_role =
        domain::parse_role(x.r.text(sql::kCreatorRole)).value_or(domain::Role::kAccountManager);
    auto au = domain::check_authority(x.limits, creator_role, lines);
    ch.sets += ", chosen_option_id = ?";
    ch.params.push_back(*opt);
    ch.event["option_id"] = *opt;
    if (au.within_limit) return {};
    if (!au.approver) {
      return Error::invalid("option_id",
                            "the discount of this option is beyond every role's limit: lower it");
    }
    ch.needs_approval = true;
    KAM_TRY(opts, x.svc.load_options(x.c, Actor::system(), "op.id = ?", {*opt}, x.r.i64(sql::kTerm),
                                     x.r.text(sql::kCreatorRole), x.limits));
    const json& oj = opts.at(0);
    json detail = {{"option_name", o->text(1)},
                   {"over", oj["authority"]["over"]},
                   {"term", oj["term"]},
                   {"monthly", oj["monthly"]},
                   {"margin_pct", oj["margin_pct"]},
                   {"max_discount_pct", oj["max_discount_pct"]},
                   {"term_months", x.r.i64(sql::kTerm)}};
    std::string required = std::string(domain::role_name(*au.approver));
    db::Value requester =
        x.a.user_id ? db::Value(x.a.user_id) : db::Value(x.r.i64(sql::kCreatedBy));
    KAM_CHECK(x.c.exec(
        "INSERT INTO order_approvals(order_id, option_id, requested_by, requester_role, "
        "required_role, requested_at, detail, status) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, 'pending')",
        {x.id, *opt, requester, x.r.text(sql::kCreatorRole), required, x.now, detail.dump()}));
    KAM_TRY(who, x.svc.approvers_for(x.c, x.r.i64(sql::kOwner), required));
    for (auto u : who) {
      KAM_CHECK(x.svc.notify(x.c, u, "order_approval",
                             "折扣待审批 " + domain::order_number(x.id, x.r.i64(sql::kCreatedAt)),
                             x.r.text(sql::kCustomerName) + " · " + x.r.text(sql::kTitle), x.id));
    }
    ch.step_owner.reset();
    ch.event["approval"] = required;
    return {};
  }

  // approve / refuse: one decision counts (the pending approval is updated once).
  static Status decide(const StepInput& x, StepChange& ch) {
    bool approve = x.action == "approve";
    if (!approve && !x.reason)
      return Error::invalid("reason", "is required: say why the discount is refused");
    KAM_TRY(n, x.c.exec("UPDATE order_approvals SET status = ?, decided_by = ?, decided_at = ?, "
                        "reason = ? WHERE order_id = ? AND status = 'pending'",
                        {approve ? "approved" : "refused", in::user_value(x.a), x.now,
                         in::opt_value(x.reason), x.id}));
    if (n != 1)
      return Error::conflict("this approval was decided by someone else; reload", "version");
    KAM_TRY(requester, x.c.query_one("SELECT requested_by FROM order_approvals WHERE order_id = ? "
                                     "ORDER BY id DESC LIMIT 1",
                                     {x.id}));
    if (requester) {
      KAM_CHECK(x.svc.notify(x.c, requester->i64(0), "order_approval_decided",
                             std::string(approve ? "折扣已批准 " : "折扣被驳回 ") +
                                 domain::order_number(x.id, x.r.i64(sql::kCreatedAt)),
                             x.reason.value_or(""), x.id));
    }
    if (!approve) ch.sets += ", chosen_option_id = NULL";
    ch.event["reason"] = x.reason ? json(*x.reason) : json(nullptr);
    return {};
  }

  // revise / rework / cancel: each says why; a cancel withdraws a pending approval.
  static Status with_reason(const StepInput& x, StepChange& ch) {
    if (!x.reason) return Error::invalid("reason", "is required: say why");
    if (x.action == "cancel") {
      ch.sets += ", cancel_reason = ?, cancelled_at = ?";
      ch.params.push_back(*x.reason);
      ch.params.push_back(x.now);
      KAM_CHECK(
          x.c.exec("UPDATE order_approvals SET status = 'withdrawn', decided_at = ?, reason = ? "
                   "WHERE order_id = ? AND status = 'pending'",
                   {x.now, *x.reason, x.id}));
    }
    if (x.action == "revise") ch.sets += ", chosen_option_id = NULL";
    ch.event["reason"] = *x.reason;
    return {};
  }

  static Status start_construction(const StepInput& x, StepChange& ch) {
    KAM_TRY(eng, in::integer(x.body, "step_owner_id", 1, INT64_MAX / 2, false, "a user id"));
    if (!eng) return {};
    KAM_TRY(u, x.c.query_one("SELECT id FROM users WHERE id = ? AND active = 1", {*eng}));
    if (!u) return Error::invalid("step_owner_id", "is not an active user");
    ch.step_owner = *eng;
    return {};
  }

  // The customer's confirmation: recorded in words, or the latest uploaded document.
  static Status confirm(const StepInput& x, StepChange& ch) {
    KAM_TRY(text, in::text(x.body, "confirmation", 1000, false, true));
    json conf;
    if (text) {
      conf = {{"kind", "recorded"},
              {"text", *text},
              {"recorded_by", x.a.display_name},
              {"recorded_at", iso8601(x.now)}};
    } else {
      KAM_TRY(doc, x.c.query_one("SELECT id, file_name FROM order_documents WHERE order_id = ? "
                                 "ORDER BY id DESC LIMIT 1",
                                 {x.id}));
      if (!doc) {
        return Error::invalid("confirmation",
                              "is required: upload the customer's signed confirmation or record "
                              "how the customer confirmed");
      }
      conf = {{"kind", "document"}, {"document_id", doc->i64(0)}, {"file_name", doc->text(1)}};
    }
    ch.sets += ", confirmation = ?";
    ch.params.push_back(conf.dump());
    ch.event["confirmation"] = conf;
    return {};
  }

  static Status start_billing(const StepInput& x, StepChange& ch) {
    KAM_TRY(account, in::text(x.body, "billing_account", 40, true));
    KAM_TRY(start, in::date(x.body, "billing_start"));
    std::string day = start ? *start : shanghai_date(x.now);
    ch.sets += ", billing_account = ?, billing_start = ?, completed_at = ?";
    ch.params.push_back(*account);
    ch.params.push_back(day);
    ch.params.push_back(x.now);
    ch.event["billing_account"] = *account;
    ch.event["billing_start"] = day;
    return {};
  }

  static Status nothing(const StepInput&, StepChange&) { return {}; }

  // Moves the order to the step the action leads to: its target and owner, the satisfaction
  // callback when it goes into service, the step history; a version changed in between is a 409.
  static Status move(OrderService& svc, const StepInput& x, StepChange& ch, int64_t version,
                     const std::optional<std::string>& note) {
    auto to = domain::next_state(x.r.text(sql::kState), x.action, ch.needs_approval);
    if (!to)
      return Error::conflict("a " + x.r.text(sql::kState) + " order cannot " + x.action, "action");
    bool final = domain::is_final_state(*to);
    KAM_TRY(steps_cfg, svc.load_steps(x.c));
    int64_t target = steps_cfg.target_seconds(*to);
    db::Value due = !final && target ? db::Value(x.now + target) : db::Value(nullptr);
    db::Value step_owner_v =
        final || !ch.step_owner ? db::Value(nullptr) : db::Value(*ch.step_owner);

    // Completing an order schedules the satisfaction callback in the same transaction.
    if (*to == "in_service" && svc.on_completed_) {
      KAM_TRY(survey, svc.on_completed_(x.c, x.r.i64(sql::kCustomerId), "order", x.id,
                                        x.now + steps_cfg.survey_delay_days * 86400));
      ch.sets += ", survey_id = ?";
      ch.params.push_back(survey);
      ch.event["survey_id"] = survey;
    }

    db::Params p = {*to, step_owner_v, x.now, due};
    p.insert(p.end(), ch.params.begin(), ch.params.end());
    p.push_back(x.now);
    p.push_back(x.id);
    p.push_back(version);
    KAM_TRY(n, x.c.exec("UPDATE orders SET state = ?, step_owner_id = ?, step_started_at = ?, "
                        "step_due_at = ?, step_reminded_at = NULL" +
                            ch.sets +
                            ", updated_at = ?, version = version + 1 WHERE id = ? AND version = ?",
                        p));
    if (n != 1) return in::conflict_version(version + 1).error();
    KAM_CHECK(x.c.exec(
        "UPDATE order_steps SET left_at = ?, action = ?, actor_id = ?, note = ? WHERE order_id = ? "
        "AND left_at IS NULL",
        {x.now, x.action, in::user_value(x.a), note ? db::Value(*note) : in::opt_value(x.reason),
         x.id}));
    if (!final) {
      KAM_CHECK(
          x.c.exec("INSERT INTO order_steps(order_id, step, owner_id, entered_at, due_at) "
                   "VALUES (?, ?, ?, ?, ?)",
                   {x.id, *to, step_owner_v, x.now, due}));
    }
    return {};
  }
};

const std::map<std::string, OrderFlow::Handler>& OrderFlow::handlers() {
  static const std::map<std::string, Handler> table = {
      {"consult", &OrderFlow::consult},
      {"design", &OrderFlow::nothing},
      {"propose", &OrderFlow::propose},
      {"choose", &OrderFlow::choose},
      {"revise", &OrderFlow::with_reason},
      {"approve", &OrderFlow::decide},
      {"refuse", &OrderFlow::decide},
      {"start-construction", &OrderFlow::start_construction},
      {"finish-construction", &OrderFlow::nothing},
      {"rework", &OrderFlow::with_reason},
      {"confirm", &OrderFlow::confirm},
      {"start-billing", &OrderFlow::start_billing},
      {"cancel", &OrderFlow::with_reason}};
  return table;
}

Result<json> OrderService::transition(const Actor& a, int64_t id, const std::string& action,
                                      const json& body) {
  auto handler = OrderFlow::handlers().find(action);
  if (handler == OrderFlow::handlers().end()) {
    return Error::invalid("action", "must be one of " + in::join(domain::order_actions()));
  }
  bool deciding = action == "approve" || action == "refuse";
  if (deciding ? !a.can(domain::Perm::kOrderApprove) : !a.can(domain::Perm::kOrderWrite)) {
    return Error::forbidden(deciding ? "your role cannot decide discount approvals"
                                     : "your role cannot work orders");
  }
  // Scope before the body: an order outside it answers 404 whatever the body holds.
  const Clock& clock = records_.clock();
  int64_t now = clock.now();
  KAM_TRY(w, begin_write(a, id));
  auto& tx = *w->tx;
  auto& c = tx.conn();
  auto& row = w->row;
  KAM_CHECK(
      in::object_with(body, {"version", "note", "reason", "consultation", "option_id",
                             "step_owner_id", "confirmation", "billing_account", "billing_start"}));
  KAM_TRY(version, in::version(body));
  KAM_TRY(note, in::text(body, "note", 2000, false, true));
  KAM_TRY(reason, in::text(body, "reason", 1000, false, true));
  const db::Row& r = *row;
  std::string from = r.text(sql::kState);
  KAM_TRY(limits, load_limits(c));
  KAM_TRY(allowed, allowed_actions(c, a, r, limits));
  if (!domain::is_one_of(allowed, action)) {
    std::string may = allowed.empty() ? std::string("none") : in::join(allowed);
    if (deciding && from == "approval") {
      return Error::conflict(
          "you may not decide this approval (it needs a higher limit than yours, or it is your "
          "own request); allowed: " +
              may,
          "action");
    }
    return Error::conflict("a " + from + " order cannot " + action + "; allowed: " + may, "action");
  }
  if (r.i64(sql::kVersion) != version) return in::conflict_version(r.i64(sql::kVersion)).error();
  json before = order_json(r, now);

  StepChange ch;
  ch.step_owner = r.i64(sql::kOwner);
  ch.event = {{"action", action}};
  KAM_CHECK(handler->second({*this, c, a, r, body, id, now, limits, reason, action}, ch));

  KAM_CHECK(OrderFlow::move(*this, {*this, c, a, r, body, id, now, limits, reason, action}, ch,
                            version, note));
  KAM_TRY(r2, load_row(c, Actor::system(), id));
  json after = order_json(*r2, now);
  after["event"] = ch.event;
  KAM_CHECK(write_audit(c, clock, a, action, "order", id, before, after));
  KAM_CHECK(tx.commit());
  return reread(*w->lease, a, id);
}

}  // namespace kam::services
