// `kam care run`, `kam cdr import` and `kam family-plan candidates`: the care calendar on
// demand, call-detail records into the store, and the family-plan candidates of a month.

#include <unistd.h>

#include <iostream>

#include "cli/cli.h"
#include "domain/usage_fields.h"
#include "services/services.h"

namespace kam::cli {
namespace {

int care_run(const Cli& cli, const std::string& date) {
  if (!date.empty() && !is_date(date))
    return fail(Error::invalid("date", "must be a date YYYY-MM-DD"));
  auto database = cli.open_store(2);
  if (!database) return fail(database.error());
  services::Services s(**database, cli.clock());
  auto r = s.care.generate(services::Actor::system("cli"), date);
  if (!r) return fail(r.error());
  std::cout << "care tasks for " << (*r)["date"].get<std::string>() << ": " << (*r)["created_total"]
            << " new, " << (*r)["existing"] << " already there\n";
  for (const auto& [kind, n] : (*r)["created"].items()) {
    if (n.get<int64_t>() > 0) std::cout << "  " << kind << ": " << n << "\n";
  }
  return 0;
}

int cdr_import(const Cli& cli, const std::vector<std::string>& files) {
  auto database = cli.open_store(4);
  if (!database) return fail(database.error());
  services::Services s(**database, cli.clock());
  auto actor = services::Actor::system("cli");
  int rc = 0;
  for (const auto& path : files) {
    std::string last_phase;
    auto progress = [&](const std::string& phase, size_t done, size_t total) {
      if (phase != last_phase) {
        std::cerr << path << ": " << phase << "\n";
        last_phase = phase;
      } else if (total > 0 && isatty(2)) {
        std::cerr << "\r  " << (done * 100 / total) << "%" << std::flush;
      }
    };
    auto result = s.family_plan.import_file(actor, path, path, progress);
    if (!result) {
      rc = fail(result.error());
      continue;
    }
    const auto& j = *result;
    std::cout << path << ": " << j["status"].get<std::string>() << " — "
              << j["message"].get<std::string>() << "\n";
    for (const auto& i : j["issues"]) {
      std::cout << "  line " << i["line"].get<size_t>();
      if (!i["column"].get<std::string>().empty())
        std::cout << ", column " << i["column"].get<std::string>();
      std::cout << ": " << i["reason"].get<std::string>() << "\n";
    }
    if (j["issue_count"].get<int64_t>() > static_cast<int64_t>(j["issues"].size())) {
      std::cout << "  … and "
                << (j["issue_count"].get<int64_t>() - static_cast<int64_t>(j["issues"].size()))
                << " more\n";
    }
    if (j["status"] != "succeeded") rc = 2;
  }
  return rc;
}

int candidates(const Cli& cli, const std::string& month_text, int min_calls, int limit) {
  services::CandidateQuery q;
  if (!month_text.empty()) {
    auto m = domain::parse_month(month_text);
    if (!m) return fail(Error::invalid("month", "must be a month YYYY-MM"));
    q.month = *m;
  }
  if (min_calls > 0) q.min_calls = min_calls;
  q.limit = std::max(1, std::min(limit, 200));
  auto database = cli.open_store(2);
  if (!database) return fail(database.error());
  services::Services s(**database, cli.clock());
  auto r = s.family_plan.candidates(services::Actor::system("cli"), q);
  if (!r) return fail(r.error());
  const auto& j = *r;
  std::cout << "family-plan candidates "
            << (j["month"].is_null() ? std::string("(no call records)")
                                     : j["month"].get<std::string>())
            << ": " << j["members"] << " members, " << j["total"]
            << " member–number pairs (at least " << j["min_calls"] << " calls, tenure "
            << j["min_tenure_months"] << " months)\n";
  if (limit > 0) {
    for (const auto& c : j["items"]) {
      std::cout << "  " << c["number"].get<std::string>() << " → " << c["callee"].get<std::string>()
                << " (" << c["callee_operator_name"].get<std::string>() << "): " << c["calls"]
                << " calls, " << c["minutes"] << " min — " << c["customer_name"].get<std::string>()
                << "\n";
    }
  }
  return 0;
}

}  // namespace

void register_care(Cli& cli) {
  auto* care = cli.app.add_subcommand("care", "Care calendar (客户关怀)");
  care->require_subcommand(1);
  auto* run = care->add_subcommand(
      "run", "Generate the care tasks due around a date (rerunning adds only what is new)");
  auto date = std::make_shared<std::string>();
  cli.add_db_option(run);
  run->add_option("--date", *date, "YYYY-MM-DD (default: today in Asia/Shanghai)");
  cli.on_run(run, [&cli, date] { return care_run(cli, *date); });

  auto* cdr = cli.app.add_subcommand("cdr", "Call-detail records (for the family plan)");
  cdr->require_subcommand(1);
  auto* imp = cdr->add_subcommand(
      "import", "Import CDR files (CSV, UTF-8 or GBK); each file all rows or none");
  auto files = std::make_shared<std::vector<std::string>>();
  cli.add_db_option(imp);
  imp->add_option("files", *files, "CDR files")->required()->check(CLI::ExistingFile);
  cli.on_run(imp, [&cli, files] { return cdr_import(cli, *files); });

  auto* fp = cli.app.add_subcommand("family-plan", "Family-plan detection (家庭计划)");
  fp->require_subcommand(1);
  auto* cand =
      fp->add_subcommand("candidates", "Members calling the same other-operator number often");
  auto month = std::make_shared<std::string>();
  auto min_calls = std::make_shared<int>(0);
  auto limit = std::make_shared<int>(20);
  cli.add_db_option(cand);
  cand->add_option("--month", *month, "YYYY-MM (default: the latest imported month)");
  cand->add_option("--min-calls", *min_calls,
                   "calls in the month (default: the configured threshold)");
  cand->add_option("--limit", *limit, "candidates to list, 0 for the counts only")
      ->capture_default_str();
  cli.on_run(cand, [&cli, month, min_calls, limit] {
    return candidates(cli, *month, *min_calls, *limit);
  });
}

}  // namespace kam::cli
