// The workbench's open and overdue items from every area (see workbench.h).

#include "services/views/workbench.h"

#include <algorithm>
#include <limits>
#include <map>
#include <set>

namespace kam::services {
namespace {

// How far ahead a contact's next step counts as due.
constexpr int64_t kNextStepHorizonDays = 14;

// One kind of item as SQL: every query selects, in order, id, title, state, customer id,
// customer name, owner, second owner (or NULL), due time (epoch or NULL), due date (or NULL),
// order id (or NULL); the overdue flag is appended.
struct KindSql {
  std::string kind;
  std::string owner_cols;  // one or two columns (assignee, escalated to); no placeholders
  std::string overdue;     // a condition
  db::Params overdue_params;
  std::string from_where;  // " FROM … WHERE …"
  db::Params where_params;
  std::string item_cols;
  std::string order;
};

struct Count {
  int64_t open = 0, overdue = 0;
};

json count_json(const Count& c) {
  return json{{"open", c.open}, {"overdue", c.overdue}};
}

bool has_migration(db::Connection& c, int version) {
  auto r = c.query_one("SELECT 1 FROM schema_migrations WHERE version = ?",
                       {static_cast<int64_t>(version)});
  return r && r->has_value();
}

// The end of a Shanghai day in epoch seconds: a date-only item is overdue from the next day.
int64_t end_of_day(const std::string& date) {
  auto d = days_from_date(date);
  return d ? (*d + 1) * 86400 - 8 * 3600 - 1 : std::numeric_limits<int64_t>::max();
}

// The people whose items are counted: the caller, or the members of the teams a supervisor
// leads (and the supervisor), or for an admin everyone who works customers.
struct Owners {
  std::vector<int64_t> ids;
  std::map<int64_t, json> people;  // {user_id, name, role}
  std::set<int64_t> set;
  std::string in_sql;  // "(?,?,…)"
  db::Params params;
};

db::Params cat(db::Params a, const db::Params& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

Result<Owners> owners_of(db::Connection& c, const Actor& a, bool team) {
  using domain::Role;
  std::string people_sql = "SELECT id, display_name, role FROM users WHERE ";
  db::Params people_params;
  if (!team) {
    people_sql += "id = ?";
    people_params.push_back(a.user_id);
  } else if (a.role == Role::kAdmin) {
    people_sql +=
        "active = 1 AND role IN ('supervisor','account_manager','phone_manager','service_agent')";
  } else {
    people_sql += "id = ?";
    people_params.push_back(a.user_id);
    if (!a.supervised_team_ids.empty()) {
      people_sql +=
          " OR (active = 1 AND team_id IN " + db::placeholders(a.supervised_team_ids.size()) + ")";
      for (auto t : a.supervised_team_ids) people_params.push_back(t);
    }
  }
  KAM_TRY(people_rows, c.query(people_sql + " ORDER BY id", people_params));
  Owners o;
  for (const auto& r : people_rows) {
    o.ids.push_back(r.i64(0));
    o.people[r.i64(0)] = {{"user_id", r.i64(0)}, {"name", r.text(1)}, {"role", r.text(2)}};
  }
  o.set = std::set<int64_t>(o.ids.begin(), o.ids.end());
  o.in_sql = o.ids.empty() ? std::string("(NULL)") : db::placeholders(o.ids.size());
  o.params = db::Params(o.ids.begin(), o.ids.end());
  return o;
}

// Each kind of item the role has, as SQL over the owners and the caller's customer scope. Long by
// design: a table, one entry per kind of item.
std::vector<KindSql> kind_queries(db::Connection& c, const Actor& a, const Owners& o, int64_t now,
                                  const std::string& today) {
  using domain::Perm;
  const std::string& in_owners = o.in_sql;
  const db::Params& owner_params = o.params;
  int64_t today_days = *days_from_date(today);
  auto scope = customer_scope_sql(a, "c");
  std::vector<KindSql> kinds;
  // Alert tasks: what the inbox lists for "mine" (assigned or escalated to the person, not closed).
  kinds.push_back(
      {.kind = "alert_task",
       .owner_cols = "t.assignee_id, t.escalated_to",
       .overdue = "t.deadline_at < ?",
       .overdue_params = {now},
       .from_where =
           " FROM alert_tasks t JOIN alert_rules r ON r.id = t.rule_id JOIN customers c ON c.id = "
           "t.customer_id WHERE t.state <> 'closed' AND (t.assignee_id IN " +
           in_owners + " OR t.escalated_to IN " + in_owners + ") AND " + scope.sql,
       .where_params = cat(cat(owner_params, owner_params), scope.params),
       .item_cols = "t.id, r.name, t.state, t.customer_id, c.name, t.assignee_id, t.escalated_to, "
                    "t.deadline_at, NULL, NULL",
       .order = "t.deadline_at, t.id"});
  if (a.can(Perm::kCareWork) || a.can(Perm::kCareManage)) {
    // Care tasks assigned to the person and still open (the care page's rule of visibility).
    KindSql k{.kind = "care_task",
              .owner_cols = "t.assignee_id",
              .overdue = "t.due_date < ?",
              .overdue_params = {today},
              .from_where =
                  " FROM care_tasks t JOIN customers c ON c.id = t.customer_id WHERE t.state = "
                  "'open' AND "
                  "t.assignee_id IN " +
                  in_owners,
              .where_params = owner_params,
              .item_cols =
                  "t.id, t.title, t.state, t.customer_id, c.name, t.assignee_id, NULL, NULL, "
                  "CAST(t.due_date AS TEXT), NULL",
              .order = "t.due_date, t.id"};
    if (!scope.all) {
      k.from_where += " AND (" + scope.sql + " OR t.assignee_id = ?)";
      k.where_params = cat(k.where_params, scope.params);
      k.where_params.push_back(a.user_id);
    }
    kinds.push_back(std::move(k));
  }
  // Next steps: the customer's latest contact record's next step, by whoever recorded it, due
  // within the horizon; a newer contact record with the customer settles it.
  kinds.push_back(
      {.kind = "next_step",
       .owner_cols = "t.user_id",
       .overdue = "t.next_step_date < ?",
       .overdue_params = {today},
       .from_where =
           " FROM contacts t JOIN customers c ON c.id = t.customer_id WHERE t.user_id IN " +
           in_owners +
           " AND t.next_step_date IS NOT NULL AND t.next_step IS NOT NULL AND t.next_step <> '' "
           "AND t.next_step_date <= ? AND NOT EXISTS (SELECT 1 FROM contacts l WHERE "
           "l.customer_id = t.customer_id AND (l.occurred_at > t.occurred_at OR "
           "(l.occurred_at = t.occurred_at AND l.id > t.id))) AND " +
           scope.sql,
       .where_params = cat(cat(owner_params, {date_from_days(today_days + kNextStepHorizonDays)}),
                           scope.params),
       .item_cols = "t.id, t.next_step, 'open', t.customer_id, c.name, t.user_id, NULL, NULL, "
                    "CAST(t.next_step_date AS TEXT), NULL",
       .order = "t.next_step_date, t.id"});
  if (a.can(Perm::kWorkOrderWork) && has_migration(c, 4)) {
    // Work orders assigned to the person and not finished; overdue past the response deadline
    // (not yet answered) or the resolution deadline, except while waiting for the customer
    // (the SLA clock is paused then).
    kinds.push_back(
        {.kind = "work_order",
         .owner_cols = "t.assignee_id",
         .overdue = "t.state <> 'waiting_customer' AND ((t.resolution_due_at IS NOT NULL AND "
                    "t.resolution_due_at < ?) OR (t.responded_at IS NULL AND t.response_due_at IS "
                    "NOT NULL "
                    "AND t.response_due_at < ?))",
         .overdue_params = {now, now},
         .from_where =
             " FROM work_orders t JOIN customers c ON c.id = t.customer_id WHERE t.state IN "
             "('new','assigned','accepted','in_progress','waiting_customer') AND t.assignee_id "
             "IN " +
             in_owners + " AND " + scope.sql,
         .where_params = cat(owner_params, scope.params),
         .item_cols = "t.id, t.title, t.state, t.customer_id, c.name, t.assignee_id, NULL, "
                      "COALESCE(CASE WHEN t.responded_at IS NULL THEN t.response_due_at END, "
                      "t.resolution_due_at), NULL, NULL",
         .order =
             "CASE WHEN t.resolution_due_at IS NULL THEN 1 ELSE 0 END, t.resolution_due_at, t.id"});
  }
  if ((a.can(Perm::kOrderWrite) || a.can(Perm::kOrderApprove)) && has_migration(c, 5)) {
    // One-stop orders whose current step the person owns; overdue past the step's target.
    kinds.push_back(
        {.kind = "order_step",
         .owner_cols = "t.step_owner_id",
         .overdue = "t.step_due_at IS NOT NULL AND t.step_due_at < ?",
         .overdue_params = {now},
         .from_where =
             " FROM orders t JOIN customers c ON c.id = t.customer_id WHERE t.state NOT IN "
             "('in_service','cancelled') AND t.step_owner_id IN " +
             in_owners + " AND " + scope.sql,
         .where_params = cat(owner_params, scope.params),
         .item_cols =
             "t.id, t.title, t.state, t.customer_id, c.name, t.step_owner_id, NULL, t.step_due_at, "
             "NULL, t.id",
         .order = "CASE WHEN t.step_due_at IS NULL THEN 1 ELSE 0 END, t.step_due_at, t.id"});
  }

  return kinds;
}

// Counts every kind per owner and lists the items, soonest due first.
class Tally {
 public:
  Tally(const Owners& o, const WorkItemsQuery& q) : o_(o), q_(q) {}

  // Counts the kind's items (all of them) and lists them (when the query asks for this kind).
  Status add(db::Connection& c, const KindSql& k) {
    kind_names_.push_back(k.kind);
    by_kind_[k.kind];
    bool two = k.owner_cols.find(',') != std::string::npos;
    db::Params p = cat(k.overdue_params, k.where_params);
    KAM_TRY(counts, c.query("SELECT " + k.owner_cols + ", COUNT(*), SUM(CASE WHEN " + k.overdue +
                                " THEN 1 ELSE 0 END)" + k.from_where + " GROUP BY " + k.owner_cols,
                            p));
    for (const auto& r : counts) {
      size_t n = two ? 2 : 1;
      count(k.kind, two ? owner_of(r, 0, 1) : r.i64(0), r.i64(n), r.i64(n + 1));
    }
    if (!q_.kind.empty() && k.kind != q_.kind) return {};  // counted, not listed
    db::Params lp = p;
    lp.push_back(static_cast<int64_t>(q_.limit));
    KAM_TRY(rows,
            c.query("SELECT " + k.item_cols + ", CASE WHEN " + k.overdue + " THEN 1 ELSE 0 END" +
                        k.from_where + " ORDER BY " + k.order + " LIMIT ?",
                    lp));
    for (const auto& r : rows) {
      int64_t owner = owner_of(r, 5, 6);
      int64_t key = !r.is_null(7)   ? r.i64(7)
                    : !r.is_null(8) ? end_of_day(r.text(8))
                                    : std::numeric_limits<int64_t>::max();
      items_.push_back({key,
                        {{"kind", k.kind},
                         {"id", r.i64(0)},
                         {"title", r.text(1)},
                         {"state", r.text(2)},
                         {"customer_id", r.i64(3)},
                         {"customer_name", r.text(4)},
                         {"owner_id", owner},
                         {"owner_name", name_of(owner, nullptr)},
                         {"due_at", r.is_null(7) ? json(nullptr) : json(iso8601(r.i64(7)))},
                         {"due_date", r.is_null(8) ? json(nullptr) : json(r.text(8))},
                         {"overdue", r.i64(10) != 0},
                         {"order_id", r.is_null(9) ? json(nullptr) : json(r.i64(9))}}});
    }
    return {};
  }

  // Discount approvals waiting for the caller (as the order service listed them); the approval
  // step's target (the order's step deadline) makes a waiting approval overdue.
  Status add_approvals(db::Connection& c, const Actor& a, const json& approvals, int64_t now) {
    kind_names_.push_back("approval");
    by_kind_["approval"];
    for (const auto& ap : approvals["items"]) {
      int64_t order_id = ap["order_id"].get<int64_t>();
      KAM_TRY(o, c.query_one("SELECT step_due_at FROM orders WHERE id = ? AND state = 'approval'",
                             {order_id}));
      std::optional<int64_t> due =
          o && !o->is_null(0) ? std::optional<int64_t>(o->i64(0)) : std::nullopt;
      bool overdue = due && *due < now;
      count("approval", a.user_id, 0, overdue ? 1 : 0);
      if (!q_.kind.empty() && q_.kind != "approval") continue;  // counted, not listed
      items_.push_back({due.value_or(std::numeric_limits<int64_t>::max()),
                        {{"kind", "approval"},
                         {"id", ap["id"]},
                         {"title", ap["order_title"]},
                         {"state", "pending"},
                         {"customer_id", ap["customer_id"]},
                         {"customer_name", ap["customer_name"]},
                         {"owner_id", a.user_id},
                         {"owner_name", name_of(a.user_id, json(a.display_name))},
                         {"due_at", due ? json(iso8601(*due)) : json(nullptr)},
                         {"due_date", nullptr},
                         {"overdue", overdue},
                         {"order_id", order_id}}});
    }
    count("approval", a.user_id, approvals["total"].get<int64_t>(), 0);
    return {};
  }

  const json& kind_names() const { return kind_names_; }

  // {kinds, counts: {open, overdue, by_kind}, items, total, by_owner (team only)}
  json result(bool team) {
    // Soonest due first (overdue ones are the earliest), then by kind and id for a stable order.
    std::stable_sort(items_.begin(), items_.end(), [](const Item& x, const Item& y) {
      if (x.key != y.key) return x.key < y.key;
      if (x.j["kind"] != y.j["kind"])
        return x.j["kind"].get<std::string>() < y.j["kind"].get<std::string>();
      return x.j["id"].get<int64_t>() < y.j["id"].get<int64_t>();
    });
    json list = json::array();
    for (size_t i = 0; i < items_.size() && i < static_cast<size_t>(q_.limit); ++i)
      list.push_back(std::move(items_[i].j));
    Count total;
    json kinds_json = json::object();
    for (const auto& [k, n] : by_kind_) {
      total.open += n.open;
      total.overdue += n.overdue;
      kinds_json[k] = count_json(n);
    }
    return json{
        {"kinds", kind_names_},
        {"counts", {{"open", total.open}, {"overdue", total.overdue}, {"by_kind", kinds_json}}},
        {"items", list},
        {"total", total.open},
        {"by_owner", team ? owners_json() : json::array()}};
  }

 private:
  struct Item {
    int64_t key;
    json j;
  };

  void count(const std::string& kind, int64_t owner, int64_t open, int64_t overdue) {
    auto& kc = by_kind_[kind];
    auto& oc = by_owner_[owner][kind];
    kc.open += open;
    kc.overdue += overdue;
    oc.open += open;
    oc.overdue += overdue;
  }

  // The owner a row counts for: the first owner column when it is one of ours, else the second.
  int64_t owner_of(const db::Row& r, size_t first, size_t second) const {
    if (o_.set.count(r.i64(first))) return r.i64(first);
    if (!r.is_null(second) && o_.set.count(r.i64(second))) return r.i64(second);
    return r.i64(first);
  }

  json name_of(int64_t owner, json fallback) const {
    auto who = o_.people.find(owner);
    return who == o_.people.end() ? fallback : who->second["name"];
  }

  // Per person {user_id, name, role, open, overdue, by_kind}, most overdue first.
  json owners_json() {
    json out = json::array();
    for (const auto& id : o_.ids) {
      json o = o_.people.at(id);
      Count sum;
      json per = json::object();
      for (const auto& k : kind_names_) {
        Count n = by_owner_[id][k.get<std::string>()];
        sum.open += n.open;
        sum.overdue += n.overdue;
        per[k.get<std::string>()] = count_json(n);
      }
      o["open"] = sum.open;
      o["overdue"] = sum.overdue;
      o["by_kind"] = per;
      out.push_back(std::move(o));
    }
    std::stable_sort(out.begin(), out.end(), [](const json& x, const json& y) {
      if (x["overdue"] != y["overdue"])
        return x["overdue"].get<int64_t>() > y["overdue"].get<int64_t>();
      return x["open"].get<int64_t>() > y["open"].get<int64_t>();
    });
    return out;
  }

  const Owners& o_;
  const WorkItemsQuery& q_;
  std::map<std::string, Count> by_kind_;
  std::map<int64_t, std::map<std::string, Count>> by_owner_;
  std::vector<Item> items_;
  json kind_names_ = json::array();
};

}  // namespace

Result<json> workbench_items(Services& s, const Actor& a, const WorkItemsQuery& q) {
  using domain::Perm;
  using domain::Role;
  if (!a.can(Perm::kArchiveRead)) return Error::forbidden("your role has no workbench");
  if (q.scope != "me" && q.scope != "team") return Error::invalid("scope", "must be me or team");
  if (q.limit < 1 || q.limit > 200) return Error::invalid("limit", "must be between 1 and 200");
  bool team = q.scope == "team";
  if (team && a.role != Role::kSupervisor && a.role != Role::kAdmin) {
    return Error::forbidden("only supervisors and admins see a team's items");
  }
  int64_t now = s.clock.now();
  std::string today = shanghai_date(now);

  // Discount approvals waiting for the caller's decision: the order service decides who may
  // decide (role, limits, scope). Read before this request takes its own connection.
  json approvals = nullptr;
  if (a.can(Perm::kOrderApprove)) {
    KAM_TRY(ap, s.orders.approvals(a, "pending", false, 200, 0));
    approvals = std::move(ap);
  }

  KAM_TRY(lease, s.db.acquire());
  auto& c = *lease;
  KAM_TRY(owners, owners_of(c, a, team));
  std::vector<KindSql> kinds = kind_queries(c, a, owners, now, today);
  if (!q.kind.empty() && !(q.kind == "approval" && approvals.is_object()) &&
      std::none_of(kinds.begin(), kinds.end(),
                   [&](const KindSql& k) { return k.kind == q.kind; })) {
    std::string names;
    for (const auto& k : kinds) names += (names.empty() ? "" : ", ") + k.kind;
    if (approvals.is_object()) names += ", approval";
    return Error::invalid("kind", "must be one of the kinds of your role: " + names);
  }
  Tally tally(owners, q);
  for (const auto& k : kinds) KAM_CHECK(tally.add(c, k));
  if (approvals.is_object()) KAM_CHECK(tally.add_approvals(c, a, approvals, now));
  json out = tally.result(team);
  out["scope"] = q.scope;
  out["now"] = iso8601(now);
  out["today"] = today;
  return out;
}

}  // namespace kam::services
