// Store administration: `kam migrate`, `kam recover`, `kam user add`, `kam demo-data`,
// `kam openapi`.

#include <chrono>
#include <iostream>
#include <thread>

#include "cli/cli.h"
#include "demo/demo_care.h"
#include "demo/demo_data.h"
#include "demo/demo_orders.h"
#include "demo/demo_service_desk.h"
#include "domain/usage_fields.h"
#include "http/api.h"
#include "services/services.h"
#include "storage/migrations/migrations.h"

namespace kam::cli {
namespace {

struct UserOptions {
  std::string name, role, display;
  int64_t team = 0, customer = 0, merchant = 0;
  bool password_stdin = false, senior = false;
};

int add_user(const Cli& cli, const UserOptions& o) {
  std::string password;
  std::getline(std::cin, password);
  while (!password.empty() && (password.back() == '\n' || password.back() == '\r'))
    password.pop_back();
  auto database = cli.open_store(2);
  if (!database) return fail(database.error());
  services::Services s(**database, cli.clock());
  nlohmann::json body = {{"username", o.name},
                         {"display_name", o.display.empty() ? o.name : o.display},
                         {"role", o.role},
                         {"password", password},
                         {"senior", o.senior}};
  if (o.team) body["team_id"] = o.team;
  if (o.customer) body["customer_id"] = o.customer;
  if (o.merchant) body["merchant_id"] = o.merchant;
  auto created = s.records.create(services::Actor::system("cli"), domain::user_spec(),
                                  s.admin.user_hooks(), body);
  if (!created) return fail(created.error());
  std::cout << "user " << o.name << " (" << o.role << ") created with id " << (*created)["id"]
            << "\n";
  return 0;
}

int demo_data(const Cli& cli, const demo::DemoOptions& o, int usage_months, bool print_logins) {
  if (print_logins) {
    std::cout << demo::demo_logins(o);
    return 0;
  }
  auto database = cli.open_store(4);
  if (!database) return fail(database.error());
  auto t0 = std::chrono::steady_clock::now();
  auto summary = demo::load_demo(**database, cli.clock(), o);
  if (!summary) return fail(summary.error());
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  auto t1 = std::chrono::steady_clock::now();
  int last_month = 0;
  if (usage_months > 0) {
    auto usage = demo::write_demo_usage(**database, cli.clock(), o.seed, usage_months);
    if (!usage) return fail(usage.error());
    services::Services s(**database, cli.clock());
    auto value = s.usage.run_value(services::Actor::system("demo-data"), 0, 0);
    if (!value) return fail(value.error());
    last_month = usage->last_month;
    double usecs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
    std::cout << "demo usage: " << usage->rows << " member-months ("
              << domain::month_text(usage->first_month) << " to "
              << domain::month_text(usage->last_month) << "), value computed, in " << usecs
              << " s\n";
  }
  auto care = demo::load_demo_care(**database, cli.clock(), o.seed);
  if (!care) return fail(care.error());
  std::cout << "demo care: " << care->packages << " tariff packages, " << care->cdr_rows
            << " call records (" << care->candidates << " family-plan candidates), "
            << care->care_tasks << " care tasks\n";
  auto desk = demo::load_demo_service_desk(**database, cli.clock(), o.seed);
  if (!desk) return fail(desk.error());
  std::cout << "demo service desk: " << desk->articles << " articles, " << desk->work_orders
            << " work orders, " << desk->surveys_completed << " callbacks answered ("
            << desk->followups << " dissatisfied, followed up)\n";
  auto orders = demo::load_demo_orders(**database, cli.clock(), o.seed);
  if (!orders) return fail(orders.error());
  std::cout << "demo orders: " << orders->products << " products, " << orders->orders
            << " orders in every step (" << orders->approvals << " discount approvals)\n";
  if (last_month) {
    // The warning engine for the last three months (after the call records: family-plan
    // candidates are a rule field); the older two worked through already.
    services::Services s(**database, cli.clock());
    // Churn: a model from the demo history (who left in the months after each cutoff), and
    // the scores of the months before the engine's three (the engine scores its own months).
    {
      auto ct = std::chrono::steady_clock::now();
      s.churn.set_threads(std::max(1, static_cast<int>(std::thread::hardware_concurrency())));
      auto model = s.churn.train_from_history(services::Actor::system("demo-data"), {});
      if (model) {
        for (int k = 5; k >= 3 && k < usage_months; --k) {
          auto scored = s.churn.score_month(services::Actor::system("demo-data"),
                                            domain::month_add(last_month, -k));
          if (!scored) return fail(scored.error());
        }
        const auto& e = (*model)["evaluation"];
        std::cout << "demo churn: model from " << e["dataset"]["rows"] << " customer-months ("
                  << e["dataset"]["churned"] << " churned within 3 months), cross-validated AUC "
                  << e.value("auc", 0.0) << ", in "
                  << std::chrono::duration<double>(std::chrono::steady_clock::now() - ct).count()
                  << " s\n";
      } else {
        std::cout << "demo churn: no model (" << model.error().message << ")\n";
      }
    }
    int64_t tasks = 0;
    for (int k = std::min(usage_months, 3) - 1; k >= 0; --k) {
      int month = domain::month_add(last_month, -k);
      auto run = s.alerts.run(services::Actor::system("demo-data"), month);
      if (!run) return fail(run.error());
      tasks += (*run)["tasks_created"].get<int64_t>();
      if (k > 0) {
        auto worked = demo::simulate_alert_work(**database, cli.clock(), month, o.seed);
        if (!worked) return fail(worked.error());
      }
    }
    (void)s.alerts.tick(cli.clock().now());
    std::cout << "demo warnings: " << tasks << " alert tasks over " << std::min(usage_months, 3)
              << " months\n";
  }
  std::cout << "demo data loaded in " << secs << " s: " << summary->groups << " groups, "
            << summary->individuals << " individual subscribers, " << summary->members
            << " members, " << summary->key_persons << " key persons, " << summary->contacts
            << " contact records, " << summary->users << " users\n\n"
            << demo::demo_logins(o);
  return 0;
}

}  // namespace

void register_admin(Cli& cli) {
  auto* migrate = cli.app.add_subcommand("migrate", "Apply schema migrations and exit");
  cli.add_db_option(migrate);
  cli.on_run(migrate, [&cli] {
    auto database = db::Database::open(cli.db_url);
    if (!database) return fail(database.error());
    auto applied = db::migrate(**database, cli.clock().now());
    if (!applied) return fail(applied.error());
    std::cout << "store " << (*database)->describe() << ": " << applied->size()
              << " migrations applied\n";
    return 0;
  });

  auto* recover = cli.app.add_subcommand(
      "recover",
      "Take over background jobs left by processes that died: fail the imports and trainings "
      "they had not stored, finish a stored usage import's value computation and engine run");
  cli.add_db_option(recover);
  cli.on_run(recover, [&cli] {
    auto database = cli.open_store(4);
    if (!database) return fail(database.error());
    services::Services s(**database, cli.clock());
    auto r = s.recover_interrupted();
    if (!r) return fail(r.error());
    size_t n = 0;
    for (const auto& [kind, jobs] : r->items()) {
      for (const auto& j : jobs) {
        std::cout << kind << " job " << j["id"] << ": " << j["outcome"].get<std::string>() << "\n";
        ++n;
      }
    }
    std::cout << n << " interrupted job(s) taken over\n";
    return 0;
  });

  auto* user = cli.app.add_subcommand("user", "Manage users");
  user->require_subcommand(1);
  auto* user_add = user->add_subcommand("add", "Create a user");
  auto uo = std::make_shared<UserOptions>();
  cli.add_db_option(user_add);
  user_add->add_option("--name", uo->name, "login name")->required();
  user_add
      ->add_option("--role", uo->role,
                   "admin, supervisor, account_manager, phone_manager, service_agent, analyst, "
                   "merchant_staff, portal_user")
      ->required();
  user_add->add_option("--display-name", uo->display,
                       "name shown in the UI (default: the login name)");
  user_add->add_option("--team", uo->team, "team id");
  user_add->add_option("--customer", uo->customer, "portal users: the group they administer");
  user_add->add_option("--merchant", uo->merchant, "merchant staff: their merchant id");
  user_add->add_flag("--senior", uo->senior, "a senior manager (owns senior key persons)");
  user_add
      ->add_flag("--password-stdin", uo->password_stdin, "read the password from standard input")
      ->required();
  cli.on_run(user_add, [&cli, uo] { return add_user(cli, *uo); });

  auto* demo_cmd =
      cli.app.add_subcommand("demo-data", "Load deterministic demo data for one province");
  auto dopts = std::make_shared<demo::DemoOptions>();
  auto print_logins = std::make_shared<bool>(false);
  auto usage_months = std::make_shared<int>(24);
  cli.add_db_option(demo_cmd);
  demo_cmd->add_option("--groups", dopts->groups, "group customers")->capture_default_str();
  demo_cmd->add_option("--members", dopts->members, "members (lines) in all")
      ->capture_default_str();
  demo_cmd->add_option("--individuals", dopts->individuals, "high-value individual subscribers")
      ->capture_default_str();
  demo_cmd->add_option("--seed", dopts->seed, "random seed (same seed, same data)")
      ->capture_default_str();
  demo_cmd
      ->add_option("--usage-months", *usage_months,
                   "months of usage to generate, ending last month")
      ->capture_default_str()
      ->check(CLI::Range(0, 60));
  demo_cmd->add_flag("--print-logins", *print_logins, "only print the demo accounts");
  cli.on_run(demo_cmd, [&cli, dopts, usage_months, print_logins] {
    return demo_data(cli, *dopts, *usage_months, *print_logins);
  });

  auto* openapi =
      cli.app.add_subcommand("openapi", "Print the OpenAPI description of the HTTP API");
  cli.on_run(openapi, [&cli] {
    // The description comes from the route table; an in-memory store satisfies the wiring.
    auto database = db::Database::open("sqlite::memory:");
    if (!database) return fail(database.error());
    services::Services s(**database, cli.clock());
    http::Api api(s, {});
    std::cout << api.openapi().dump(2) << "\n";
    return 0;
  });
}

}  // namespace kam::cli
