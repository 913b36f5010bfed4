// `kam`: one binary, one subcommand per job. Each subcommand is a thin call into the library.

#include <spdlog/async.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>
#include <thread>

#include "demo/demo_data.h"
#include "http/api.h"
#include "http/server.h"
#include "services/services.h"
#include "storage/migrations/migrations.h"

namespace {

using namespace kam;

int fail(const Error& e) {
  std::cerr << "error: " << e.message;
  if (!e.field.empty()) std::cerr << " (" << e.field << ")";
  std::cerr << "\n";
  return e.code == ErrorCode::kInvalid ? 2 : 1;
}

Result<std::unique_ptr<db::Database>> open_store(const std::string& url, int pool) {
  db::Options o;
  o.pool_size = pool;
  KAM_TRY(database, db::Database::open(url, o));
  KAM_TRY(applied, db::migrate(*database));
  for (int v : applied) spdlog::info("applied migration {}", v);
  return database;
}

std::filesystem::path default_web_dir(const char* argv0) {
  namespace fs = std::filesystem;
  std::error_code ec;
  for (fs::path p : {fs::path("web/dist"), fs::weakly_canonical(fs::path(argv0), ec).parent_path().parent_path() / "web/dist"}) {
    if (fs::exists(p / "index.html", ec)) return p;
  }
  return {};
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"KAM — key account management and retention for a telecom operator"};
  app.require_subcommand(1);
  app.fallthrough();  // global options (--log-level) may follow the subcommand
  std::string db_url = "sqlite:var/kam.db";
  std::string log_level = "info";
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error")->capture_default_str();

  auto* serve = app.add_subcommand("serve", "Run the HTTP server (API and web front end)");
  std::string listen = "127.0.0.1:8080", web_dir;
  int io_threads = 0, workers = 0;
  bool secure_cookie = false;
  serve->add_option("--db", db_url, "store URL: sqlite:PATH or postgresql://...")->capture_default_str();
  serve->add_option("--listen", listen, "HOST:PORT")->capture_default_str();
  serve->add_option("--web", web_dir, "directory of the built front end (default: web/dist)");
  serve->add_option("--io-threads", io_threads, "socket threads (default: one per core)");
  serve->add_option("--workers", workers, "request worker threads (default: 4 per core)");
  serve->add_flag("--secure-cookie", secure_cookie, "mark the session cookie Secure (behind TLS)");

  auto* migrate = app.add_subcommand("migrate", "Apply schema migrations and exit");
  migrate->add_option("--db", db_url, "store URL")->capture_default_str();

  auto* user = app.add_subcommand("user", "Manage users");
  user->require_subcommand(1);
  auto* user_add = user->add_subcommand("add", "Create a user");
  std::string name, role, display;
  int64_t team = 0, customer = 0, merchant = 0;
  bool password_stdin = false, senior = false;
  user_add->add_option("--db", db_url, "store URL")->capture_default_str();
  user_add->add_option("--name", name, "login name")->required();
  user_add->add_option("--role", role, "admin, supervisor, account_manager, phone_manager, service_agent, analyst, merchant_staff, portal_user")->required();
  user_add->add_option("--display-name", display, "name shown in the UI (default: the login name)");
  user_add->add_option("--team", team, "team id");
  user_add->add_option("--customer", customer, "portal users: the group they administer");
  user_add->add_option("--merchant", merchant, "merchant staff: their merchant id");
  user_add->add_flag("--senior", senior, "a senior manager (owns senior key persons)");
  user_add->add_flag("--password-stdin", password_stdin, "read the password from standard input")->required();

  auto* demo = app.add_subcommand("demo-data", "Load deterministic demo data for one province");
  demo::DemoOptions demo_opts;
  bool print_logins = false;
  demo->add_option("--db", db_url, "store URL")->capture_default_str();
  demo->add_option("--groups", demo_opts.groups, "group customers")->capture_default_str();
  demo->add_option("--members", demo_opts.members, "members (lines) in all")->capture_default_str();
  demo->add_option("--individuals", demo_opts.individuals, "high-value individual subscribers")->capture_default_str();
  demo->add_option("--seed", demo_opts.seed, "random seed (same seed, same data)")->capture_default_str();
  demo->add_flag("--print-logins", print_logins, "only print the demo accounts");

  auto* openapi = app.add_subcommand("openapi", "Print the OpenAPI description of the HTTP API");

  CLI11_PARSE(app, argc, argv);
  spdlog::init_thread_pool(8192, 1);
  auto logger = spdlog::create_async<spdlog::sinks::stderr_sink_mt>("kam");
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(log_level));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ %v", spdlog::pattern_time_type::utc);

  if (*openapi) {
    // The description comes from the route table; an in-memory store satisfies the wiring.
    auto database = db::Database::open("sqlite::memory:");
    if (!database) return fail(database.error());
    services::Services s(**database, Clock::system());
    http::Api api(s, {});
    std::cout << api.openapi().dump(2) << "\n";
    return 0;
  }
  if (*migrate) {
    auto database = db::Database::open(db_url);
    if (!database) return fail(database.error());
    auto applied = db::migrate(**database);
    if (!applied) return fail(applied.error());
    std::cout << "store " << (*database)->describe() << ": " << applied->size() << " migrations applied\n";
    return 0;
  }
  if (*user_add) {
    std::string password;
    std::getline(std::cin, password);
    while (!password.empty() && (password.back() == '\n' || password.back() == '\r')) password.pop_back();
    auto database = open_store(db_url, 2);
    if (!database) return fail(database.error());
    services::Services s(**database, Clock::system());
    nlohmann::json body = {{"username", name}, {"display_name", display.empty() ? name : display},
                           {"role", role}, {"password", password}, {"senior", senior}};
    if (team) body["team_id"] = team;
    if (customer) body["customer_id"] = customer;
    if (merchant) body["merchant_id"] = merchant;
    auto created = s.records.create(services::Actor::system("cli"), domain::user_spec(), s.admin.user_hooks(), body);
    if (!created) return fail(created.error());
    std::cout << "user " << name << " (" << role << ") created with id " << (*created)["id"] << "\n";
    return 0;
  }
  if (*demo) {
    if (print_logins) {
      std::cout << demo::demo_logins(demo_opts);
      return 0;
    }
    auto database = open_store(db_url, 2);
    if (!database) return fail(database.error());
    auto t0 = std::chrono::steady_clock::now();
    auto summary = demo::load_demo(**database, Clock::system(), demo_opts);
    if (!summary) return fail(summary.error());
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::cout << "demo data loaded in " << secs << " s: " << summary->groups << " groups, " << summary->individuals
              << " individual subscribers, " << summary->members << " members, " << summary->key_persons << " key persons, "
              << summary->contacts << " contact records, " << summary->users << " users\n\n"
              << demo::demo_logins(demo_opts);
    return 0;
  }
  if (*serve) {
    auto colon = listen.rfind(':');
    if (colon == std::string::npos) return fail(Error::invalid("listen", "must be HOST:PORT"));
    http::ServerOptions so;
    so.host = listen.substr(0, colon);
    try {
      int port = std::stoi(listen.substr(colon + 1));
      if (port < 0 || port > 65535) throw std::out_of_range("port");
      so.port = static_cast<unsigned short>(port);
    } catch (...) {
      return fail(Error::invalid("listen", "port must be 0-65535"));
    }
    so.io_threads = io_threads;
    so.worker_threads = workers;
    unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    int pool = workers > 0 ? workers : static_cast<int>(cores * 4);
    auto database = open_store(db_url, pool);
    if (!database) return fail(database.error());
    services::Services s(**database, Clock::system());
    http::ApiOptions ao;
    ao.web_dir = web_dir.empty() ? default_web_dir(argv[0]) : std::filesystem::path(web_dir);
    ao.secure_cookie = secure_cookie;
    http::Api api(s, ao);
    http::Server server(so, [&api](http::Request& r) { return api.handle(r); });
    auto started = server.start();
    if (!started) return fail(started.error());
    spdlog::info("KAM serving on http://{}:{} (store {}, web {})", so.host, server.port(), (*database)->describe(),
                 ao.web_dir.empty() ? "not built" : ao.web_dir.string());
    std::cout << "KAM listening on http://" << so.host << ":" << server.port() << std::endl;
    server.run_until_signal();
    spdlog::info("KAM stopped");
    spdlog::shutdown();
    return 0;
  }
  return 0;
}
