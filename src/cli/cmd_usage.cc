// `kam usage import` and `kam value run`: usage files into the store, and the value
// computation on demand.

#include <fstream>
#include <iostream>

#include "cli/cli.h"
#include "domain/usage_fields.h"
#include "services/services.h"

namespace kam::cli {
namespace {

struct ImportOptions {
  std::vector<std::string> files;
  bool allow_unknown = false, no_compute = false;
};

int import_files(const Cli& cli, const ImportOptions& o) {
  auto database = cli.open_store(4);
  if (!database) return fail(database.error());
  services::Services s(**database, cli.clock());
  auto actor = services::Actor::system("cli");
  int rc = 0;
  for (const auto& path : o.files) {
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in) {
      std::cerr << path << ": cannot read the file\n";
      rc = 1;
      continue;
    }
    std::string bytes(static_cast<size_t>(in.tellg()), '\0');
    in.seekg(0);
    in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    services::ImportRequest r;
    r.file_name = path;
    r.allow_unknown_numbers = o.allow_unknown;
    r.compute = !o.no_compute;
    std::string last_phase;
    auto progress = [&](const std::string& phase, size_t done, size_t total) {
      if (phase != last_phase) {
        std::cerr << path << ": " << phase << "\n";
        last_phase = phase;
      } else if (total > 0 && isatty(2)) {
        std::cerr << "\r  " << (done * 100 / total) << "%" << std::flush;
      }
    };
    auto result = s.usage.import_file(actor, std::move(bytes), r, progress);
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

int run_value(const Cli& cli, const std::string& month, const std::string& from,
              const std::string& to) {
  int f = 0, t = 0;
  for (auto [text, out, name] : {std::tuple{&month, &f, "month"}, std::tuple{&from, &f, "from"},
                                 std::tuple{&to, &t, "to"}}) {
    if (text->empty()) continue;
    auto m = domain::parse_month(*text);
    if (!m) return fail(Error::invalid(name, "must be a month YYYY-MM"));
    *out = *m;
  }
  if (!month.empty()) t = f;
  auto database = cli.open_store(4);
  if (!database) return fail(database.error());
  services::Services s(**database, cli.clock());
  auto r = s.usage.run_value(services::Actor::system("cli"), f, t);
  if (!r) return fail(r.error());
  std::cout << "value computed for " << (*r)["months"].size() << " month(s)";
  if (r->contains("seconds")) std::cout << " in " << (*r)["seconds"].get<double>() << " s";
  std::cout << "\n";
  return 0;
}

}  // namespace

void register_usage(Cli& cli) {
  auto* usage =
      cli.app.add_subcommand("usage", "Usage data from the billing and analytics systems");
  usage->require_subcommand(1);
  auto* imp = usage->add_subcommand(
      "import", "Import usage files (CSV, UTF-8 or GBK); each file all rows or none");
  auto io = std::make_shared<ImportOptions>();
  cli.add_db_option(imp);
  imp->add_option("files", io->files, "usage files")->required()->check(CLI::ExistingFile);
  imp->add_flag("--allow-unknown", io->allow_unknown,
                "skip (and report) rows whose number is not in the archive");
  imp->add_flag("--no-compute", io->no_compute, "do not run the value computation afterwards");
  cli.on_run(imp, [&cli, io] { return import_files(cli, *io); });

  auto* value = cli.app.add_subcommand("value", "Value, grading and lifecycle");
  value->require_subcommand(1);
  auto* run =
      value->add_subcommand("run", "Recompute value, grading and lifecycle for stored months");
  auto month = std::make_shared<std::string>(), from = std::make_shared<std::string>(),
       to = std::make_shared<std::string>();
  cli.add_db_option(run);
  run->add_option("--month", *month, "one month YYYY-MM");
  run->add_option("--from", *from, "first month (default: the first stored)");
  run->add_option("--to", *to, "last month (default: the last stored)");
  cli.on_run(run, [&cli, month, from, to] { return run_value(cli, *month, *from, *to); });
}

}  // namespace kam::cli
