// `kam serve`: the HTTP server (API and web front end) on one store.

#include <spdlog/spdlog.h>

#include <filesystem>
#include <iostream>
#include <thread>

#include "cli/cli.h"
#include "http/api.h"
#include "http/server.h"
#include "services/core/scheduler.h"
#include "services/services.h"

#include <unistd.h>

namespace kam::cli {
namespace {

std::filesystem::path default_web_dir(const std::string& argv0) {
  namespace fs = std::filesystem;
  std::error_code ec;
  for (fs::path p :
       {fs::path("web/dist"),
        fs::weakly_canonical(fs::path(argv0), ec).parent_path().parent_path() / "web/dist"}) {
    if (fs::exists(p / "index.html", ec)) return p;
  }
  return {};
}

struct ServeOptions {
  std::string listen = "127.0.0.1:8080", web_dir;
  int io_threads = 0, workers = 0;
  bool secure_cookie = false;
  bool no_scheduler = false;
  std::vector<std::string> trusted_proxies;
  size_t max_connections = 4096;
};

int serve(const Cli& cli, const ServeOptions& o) {
  auto colon = o.listen.rfind(':');
  if (colon == std::string::npos) return fail(Error::invalid("listen", "must be HOST:PORT"));
  http::ServerOptions so;
  so.host = o.listen.substr(0, colon);
  try {
    int port = std::stoi(o.listen.substr(colon + 1));
    if (port < 0 || port > 65535) throw std::out_of_range("port");
    so.port = static_cast<unsigned short>(port);
  } catch (...) {
    return fail(Error::invalid("listen", "port must be 0-65535"));
  }
  so.io_threads = o.io_threads;
  so.worker_threads = o.workers;
  unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  int pool = o.workers > 0 ? o.workers : static_cast<int>(cores * 4);
  auto database = cli.open_store(pool);
  if (!database) return fail(database.error());
  services::Services s(**database, cli.clock());
  http::ApiOptions ao;
  ao.web_dir = o.web_dir.empty() ? default_web_dir(cli.argv0) : std::filesystem::path(o.web_dir);
  ao.secure_cookie = o.secure_cookie;
  ao.trusted_proxies = o.trusted_proxies;
  so.max_connections = o.max_connections;
  http::Api api(s, ao);
  so.preflight = [&api](const http::Request& head) { return api.preflight(head); };
  http::Server server(so, [&api](http::Request& r) { return api.handle(r); });
  auto started = server.start();
  if (!started) return fail(started.error());
  services::Scheduler scheduler(
      s, so.host + ":" + std::to_string(server.port()) + "/" + std::to_string(::getpid()));
  if (!o.no_scheduler) scheduler.start();
  spdlog::info("KAM serving on http://{}:{} (store {}, web {})", so.host, server.port(),
               (*database)->describe(), ao.web_dir.empty() ? "not built" : ao.web_dir.string());
  std::cout << "KAM listening on http://" << so.host << ":" << server.port() << std::endl;
  server.run_until_signal();
  scheduler.stop();
  spdlog::info("KAM stopped");
  return 0;
}

}  // namespace

void register_serve(Cli& cli) {
  auto opts = std::make_shared<ServeOptions>();
  auto* serve_cmd = cli.app.add_subcommand("serve", "Run the HTTP server (API and web front end)");
  cli.add_db_option(serve_cmd);
  serve_cmd->add_option("--listen", opts->listen, "HOST:PORT")->capture_default_str();
  serve_cmd->add_option("--web", opts->web_dir,
                        "directory of the built front end (default: web/dist)");
  serve_cmd->add_option("--io-threads", opts->io_threads, "socket threads (default: one per core)");
  serve_cmd->add_option("--workers", opts->workers, "request worker threads (default: 4 per core)");
  serve_cmd->add_flag("--secure-cookie", opts->secure_cookie,
                      "mark the session cookie Secure (behind TLS)");
  serve_cmd->add_option("--trusted-proxy", opts->trusted_proxies,
                        "address of a reverse proxy of ours (repeatable): X-Forwarded-For is "
                        "believed from it alone");
  serve_cmd->add_option("--max-connections", opts->max_connections,
                        "connections at once; more are answered 503 (default 4096)");
  serve_cmd->add_flag("--no-scheduler", opts->no_scheduler,
                      "do not run reminders, the care calendar and engine catch-up here");
  cli.on_run(serve_cmd, [&cli, opts] { return serve(cli, *opts); });
}

}  // namespace kam::cli
