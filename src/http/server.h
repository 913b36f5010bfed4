#pragma once
// The HTTP server: Boost.Beast, asynchronous, one io_context thread per core for the sockets
// and a separate worker pool for request handling (store calls block). Keep-alive, header and
// body limits, read and idle timeouts, and a graceful stop that lets in-flight requests finish.

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "http/message.h"

namespace kam::http {

// What the application says of a request from its headers alone, before any body is read.
struct Preflight {
  // Set: answered at once (401, 403, 404, 413 …) and the body is never read.
  std::optional<Response> refuse;
  bool upload = false;    // stream the body to a temporary file (Request::body_file)
  size_t body_limit = 0;  // the route's own limit in bytes; 0: the server's default
};

struct ServerOptions {
  std::string host = "127.0.0.1";
  unsigned short port = 8080;
  int io_threads = 0;      // 0: one per core
  int worker_threads = 0;  // 0: 4 per core
  size_t header_limit = 16 * 1024;
  size_t body_limit = 1024 * 1024;
  int read_timeout_seconds = 30;     // absolute: the whole request, headers and body
  int idle_timeout_seconds = 75;     // keep-alive connection with no request
  int upload_timeout_seconds = 900;  // absolute: a whole upload, however slowly it trickles
  int drain_timeout_seconds = 20;    // longest wait for in-flight requests at stop
  size_t max_connections = 4096;     // more at once are answered 503 and closed
  // Asked (on the worker pool) for every request with a body, from its headers alone: it
  // authenticates and authorises, and says whether the body is an upload and its limit.
  std::function<Preflight(const Request& head)> preflight;
  // Uploads are streamed to a temporary file, up to upload_limit bytes (or the route's limit),
  // created with O_EXCL in a private directory (0700) below upload_dir, removed on every path
  // (the directory at shutdown).
  size_t upload_limit = 2ULL * 1024 * 1024 * 1024;
  std::string upload_dir;  // default: the system temp directory
};

class Server {
 public:
  using Handler = std::function<Response(Request&)>;
  Server(ServerOptions options, Handler handler);
  ~Server();
  // Binds the port; answers an error if it cannot.
  Status start();
  // The port actually bound (useful with port 0).
  unsigned short port() const;
  // The private directory uploads are streamed into (removed at shutdown).
  std::string upload_dir() const;
  // Blocks until SIGINT/SIGTERM (or stop()), then drains and returns.
  void run_until_signal();
  // Stops accepting and closes idle connections; never blocks.
  void stop();

 private:
  // Waits for in-flight requests (bounded), then stops the threads. Idempotent.
  void shutdown();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kam::http
