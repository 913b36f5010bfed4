#pragma once
// The `kam` command line: one binary, one subcommand per job. Each area registers its
// subcommands in its own file (cmd_<area>.cc) through a `register_*` function listed below;
// main.cc parses, sets up logging and runs the one subcommand that was given.

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "storage/db.h"

namespace kam::cli {

struct Cli {
  CLI::App app{"KAM — key account management and retention for a telecom operator"};
  std::string db_url = "sqlite:var/kam.db";  // --db, shared by every subcommand that has one
  std::string log_level = "info";
  std::string now;  // --now / KAM_NOW: the instant the clock starts at (empty: real time)
  std::string argv0;

  // The one clock of this process: every "now" and "today" of every subcommand reads it.
  const Clock& clock() const { return fixed_clock_ ? *fixed_clock_ : Clock::system(); }
  // Sets the clock from `now`; false (after printing why) for a bad value.
  bool set_clock();

  // Registers what runs when `sub` (a leaf subcommand) was given; answers the exit code.
  void on_run(CLI::App* sub, std::function<int()> run) {
    commands_.push_back({sub, std::move(run)});
  }
  // Adds the common --db option to a subcommand.
  void add_db_option(CLI::App* sub) {
    sub->add_option("--db", db_url, "store URL: sqlite:PATH or postgresql://...")
        ->capture_default_str();
  }
  int run_parsed() const;
  // Opens the store at --db with a pool of `pool` connections and applies pending migrations.
  Result<std::unique_ptr<db::Database>> open_store(int pool) const;

 private:
  struct Command {
    CLI::App* sub;
    std::function<int()> run;
  };
  std::vector<Command> commands_;
  std::unique_ptr<Clock> fixed_clock_;
};

// Prints an error (with its field) to stderr; answers 2 for bad input, 1 otherwise.
int fail(const Error& e);

void register_serve(Cli& cli);   // serve
void register_admin(Cli& cli);   // migrate, user add, demo-data, openapi
void register_churn(Cli& cli);   // churn evaluate, churn train, churn score
void register_usage(Cli& cli);   // usage import, value run
void register_engine(Cli& cli);  // engine run, engine tick
void register_care(Cli& cli);    // care run, cdr import, family-plan candidates

}  // namespace kam::cli
