// `kam`: parses the command line, sets up logging, runs the one subcommand given.

#include <spdlog/async.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <iostream>

#include "cli/cli.h"
#include "storage/migrations/migrations.h"

namespace kam::cli {

int fail(const Error& e) {
  std::cerr << "error: " << e.message;
  if (!e.field.empty()) std::cerr << " (" << e.field << ")";
  std::cerr << "\n";
  return e.code == ErrorCode::kInvalid ? 2 : 1;
}

Result<std::unique_ptr<db::Database>> Cli::open_store(int pool) const {
  db::Options o;
  o.pool_size = pool;
  KAM_TRY(database, db::Database::open(db_url, o));
  KAM_TRY(applied, db::migrate(*database, clock().now()));
  for (int v : applied) spdlog::info("applied migration {}", v);
  return database;
}

bool Cli::set_clock() {
  if (now.empty()) return true;
  std::string why;
  fixed_clock_ = clock_from_spec(now, &why);
  if (!fixed_clock_) {
    std::cerr << "error: --now / KAM_NOW " << why << "\n";
    return false;
  }
  return true;
}

int Cli::run_parsed() const {
  for (const auto& c : commands_) {
    if (c.sub->parsed()) return c.run();
  }
  std::cerr << app.help();
  return 2;
}

}  // namespace kam::cli

int main(int argc, char** argv) {
  kam::cli::Cli cli;
  cli.argv0 = argv[0];
  cli.app.require_subcommand(1);
  cli.app.fallthrough();  // global options (--log-level) may follow the subcommand
  cli.app.add_option("--log-level", cli.log_level, "trace, debug, info, warn, error")
      ->capture_default_str();
  cli.app
      .add_option("--now", cli.now,
                  "run as if it were this instant (ISO 8601, e.g. 2026-11-24T08:00:00+08:00); "
                  "the clock starts there and advances in real time")
      ->envname("KAM_NOW");
  kam::cli::register_serve(cli);
  kam::cli::register_admin(cli);
  kam::cli::register_churn(cli);
  kam::cli::register_usage(cli);
  kam::cli::register_engine(cli);
  kam::cli::register_care(cli);

  CLI11_PARSE(cli.app, argc, argv);
  if (!cli.set_clock()) return 2;
  spdlog::init_thread_pool(8192, 1);
  auto logger = spdlog::create_async<spdlog::sinks::stderr_sink_mt>("kam");
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(cli.log_level));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ %v", spdlog::pattern_time_type::utc);
  int rc = cli.run_parsed();
  spdlog::shutdown();
  return rc;
}
