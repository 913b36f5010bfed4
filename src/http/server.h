#pragma once
// The HTTP server: Boost.Beast, asynchronous, one io_context thread per core for the sockets
// and a separate worker pool for request handling (store calls block). Keep-alive, header and
// body limits, read and idle timeouts, and a graceful stop that lets in-flight requests finish.

#include <functional>
#include <memory>
#include <string>

#include "http/message.h"

namespace kam::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  unsigned short port = 8080;
  int io_threads = 0;      // 0: one per core
  int worker_threads = 0;  // 0: 4 per core
  size_t header_limit = 16 * 1024;
  size_t body_limit = 1024 * 1024;
  int read_timeout_seconds = 30;   // to receive a whole request once it started
  int idle_timeout_seconds = 75;   // keep-alive connection with no request
  int drain_timeout_seconds = 20;  // longest wait for in-flight requests at stop
  // Uploads: a request whose method and path this accepts has its body streamed to a
  // temporary file in upload_dir (Request::body_file), up to upload_limit bytes.
  std::function<bool(std::string_view method, std::string_view path)> is_upload;
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
