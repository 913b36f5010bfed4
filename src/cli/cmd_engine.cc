// `kam engine run`: the warning engine for a month (zones, rules, alert tasks);
// `kam engine tick`: reminders and escalations now.

#include <iostream>

#include "cli/cli.h"
#include "domain/usage_fields.h"
#include "services/services.h"

namespace kam::cli {

void register_engine(Cli& cli) {
  auto* engine = cli.app.add_subcommand("engine", "The early-warning engine");
  engine->require_subcommand(1);
  auto* run =
      engine->add_subcommand("run", "Zones and alert rules for a month; creates the alert tasks");
  auto month = std::make_shared<std::string>();
  cli.add_db_option(run);
  run->add_option("--month", *month, "YYYY-MM (default: the latest imported month)");
  cli.on_run(run, [&cli, month] {
    int m = 0;
    if (!month->empty()) {
      auto parsed = domain::parse_month(*month);
      if (!parsed) return fail(Error::invalid("month", "must be a month YYYY-MM"));
      m = *parsed;
    }
    auto database = cli.open_store(4);
    if (!database) return fail(database.error());
    services::Services s(**database, cli.clock());
    auto r = s.alerts.run(services::Actor::system("cli"), m);
    if (!r) return fail(r.error());
    std::cout << "month " << (*r)["month"].get<std::string>() << ": " << (*r)["members"]
              << " members, " << (*r)["rules"] << " rules, " << (*r)["matches"] << " matches, "
              << (*r)["tasks_created"] << " tasks created, " << (*r)["tasks_updated"]
              << " still open and seen again, in " << (*r)["seconds"].get<double>() << " s\n";
    for (const auto& e : (*r)["rule_errors"]) {
      std::cout << "  rule " << e["rule_id"] << " (" << e["name"].get<std::string>()
                << ") failed: " << e["message"].get<std::string>() << "\n";
    }
    return (*r)["rule_errors"].empty() ? 0 : 2;
  });
  auto* tick = engine->add_subcommand(
      "tick", "Send reminders before task deadlines and escalate overdue tasks");
  cli.add_db_option(tick);
  cli.on_run(tick, [&cli] {
    auto database = cli.open_store(2);
    if (!database) return fail(database.error());
    services::Services s(**database, cli.clock());
    auto r = s.alerts.tick(cli.clock().now());
    if (!r) return fail(r.error());
    std::cout << (*r)["reminded"] << " reminded, " << (*r)["escalated"] << " escalated\n";
    return 0;
  });
}

}  // namespace kam::cli
