#include "http/server.h"

#include <spdlog/spdlog.h>

#include <fcntl.h>
#include <unistd.h>
#include <array>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <condition_variable>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <set>
#include <thread>

namespace kam::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

class Session;

// Shared state between the listener, the sessions and stop().
struct Shared {
  ServerOptions options;
  Server::Handler handler;
  net::thread_pool* workers = nullptr;
  std::atomic<bool> stopping{false};
  std::mutex mu;
  std::condition_variable drained;
  std::set<std::shared_ptr<Session>> sessions;  // guarded by mu
  int busy = 0;                                 // requests in flight; guarded by mu
  std::string upload_dir;  // private (0700), made at start, removed at shutdown
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, std::shared_ptr<Shared> shared)
      : stream_(std::move(socket)), shared_(std::move(shared)) {
    beast::error_code ec;
    auto ep = stream_.socket().remote_endpoint(ec);
    if (!ec) remote_ = ep.address().to_string();
  }

  ~Session() { remove_upload(); }

  void start() {
    net::dispatch(stream_.get_executor(),
                  beast::bind_front_handler(&Session::read, shared_from_this()));
  }

  // At stop: an idle connection closes now; a busy one closes after its response.
  void close_if_idle() {
    net::post(stream_.get_executor(), [self = shared_from_this()] {
      if (!self->busy_) {
        beast::error_code ec;
        self->stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
        self->stream_.close();
      }
    });
  }

 private:
  void read() {
    parser_.emplace();
    file_parser_.reset();
    parser_->header_limit(static_cast<std::uint32_t>(shared_->options.header_limit));
    // The header phase accepts any declared length: the route's own limit is applied once the
    // preflight has named the route (a Content-Length above it is answered 413 unread).
    parser_->body_limit(std::max(shared_->options.upload_limit, shared_->options.body_limit));
    stream_.expires_after(std::chrono::seconds(first_ ? shared_->options.read_timeout_seconds
                                                      : shared_->options.idle_timeout_seconds));
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             beast::bind_front_handler(&Session::on_header, shared_from_this()));
  }

  void on_header(beast::error_code ec, std::size_t) {
    if (ec) return on_read(ec, 0);
    // One absolute deadline for the rest of the request: a trickle does not extend it.
    started_ = std::chrono::steady_clock::now();
    stream_.expires_at(started_ + std::chrono::seconds(shared_->options.read_timeout_seconds));
    bool has_body = parser_->chunked() || parser_->content_length().value_or(0) > 0;
    if (!has_body || !shared_->options.preflight) return read_body(Preflight{});
    // Authenticate and authorise from the headers before reading any of the body. The
    // application may call the store: on the worker pool, not the io thread.
    Request head = head_of(parser_->get());
    busy_ = true;
    net::post(*shared_->workers, [self = shared_from_this(), head = std::move(head)]() {
      Preflight pf;
      try {
        pf = self->shared_->options.preflight(head);
      } catch (const std::exception& e) {
        spdlog::error("preflight of {} {} failed: {}", head.method, head.path, e.what());
        pf.refuse = Response::error(Error::internal("preflight failed"));
      }
      net::post(self->stream_.get_executor(), [self, pf = std::move(pf)]() mutable {
        self->busy_ = false;
        self->read_body(std::move(pf));
      });
    });
  }

  // The request line and headers, as the preflight sees them.
  Request head_of(const bhttp::request<bhttp::string_body>& h) const {
    Request r;
    r.method = std::string(h.method_string());
    r.target = std::string(h.target());
    auto qpos = r.target.find('?');
    if (!url_decode(r.target.substr(0, qpos), r.path, false)) r.path.clear();
    if (qpos != std::string::npos) parse_query(r.target.substr(qpos + 1), r.query);
    for (const auto& f : h) {
      std::string name(f.name_string());
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      r.headers[name] = std::string(f.value());
    }
    r.remote_ip = remote_;
    return r;
  }

  void read_body(Preflight pf) {
    unsigned version = parser_->get().version();
    if (pf.refuse) return refuse(std::move(*pf.refuse), version);
    size_t limit = pf.body_limit ? pf.body_limit
                   : pf.upload   ? shared_->options.upload_limit
                                 : shared_->options.body_limit;
    if (parser_->content_length().value_or(0) > limit) return too_large(limit, version);
    if (pf.upload) {
      // Stream the body to a temporary file instead of memory.
      file_parser_.emplace(std::move(*parser_));
      file_parser_->body_limit(limit);
      upload_path_ = new_upload_file();
      beast::error_code fec;
      if (!upload_path_.empty())
        file_parser_->get().body().open(upload_path_.c_str(), beast::file_mode::write, fec);
      if (upload_path_.empty() || fec) {
        spdlog::error("cannot create an upload file in {}: {}", upload_dir(), fec.message());
        remove_upload();
        return refuse(Response::error({ErrorCode::kUnavailable, "cannot take uploads now", {}}),
                      version);
      }
      stream_.expires_at(started_ + std::chrono::seconds(shared_->options.upload_timeout_seconds));
      return read_upload();
    }
    parser_->body_limit(limit);
    bhttp::async_read(stream_, buffer_, *parser_,
                      beast::bind_front_handler(&Session::on_read, shared_from_this()));
  }

  void read_upload() {
    bhttp::async_read_some(stream_, buffer_, *file_parser_,
                           [self = shared_from_this()](beast::error_code ec, std::size_t) {
                             if (ec) return self->on_read(ec, 0);
                             if (self->file_parser_->is_done()) return self->on_read({}, 0);
                             self->read_upload();  // the deadline stays where it was set
                           });
  }

  const std::string& upload_dir() const { return shared_->upload_dir; }

  // A new file in the server's private upload directory, created exclusively (O_EXCL, 0600).
  std::string new_upload_file() const {
    static std::atomic<uint64_t> counter{0};
    for (int attempt = 0; attempt < 8; ++attempt) {
      std::string path = upload_dir() + "/upload-" + std::to_string(counter.fetch_add(1));
      int fd = ::open(path.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
      if (fd >= 0) {
        ::close(fd);
        return path;
      }
      if (errno != EEXIST) return {};
    }
    return {};
  }

  void remove_upload() {
    if (upload_path_.empty()) return;
    std::error_code ec;
    std::filesystem::remove(upload_path_, ec);
    upload_path_.clear();
  }

  // Answers without reading the body; what the client still sends is drained and dropped.
  void refuse(Response r, unsigned version) {
    linger_ = true;
    write(std::move(r), false, version);
  }

  void too_large(size_t limit, unsigned version) {
    Response r =
        Response::error({ErrorCode::kTooLarge,
                         "the request body is larger than " + std::to_string(limit) + " bytes",
                         {}});
    refuse(std::move(r), version);
  }

  void on_read(beast::error_code ec, std::size_t) {
    first_ = false;
    if (ec) remove_upload();
    if (ec == bhttp::error::end_of_stream || ec == net::error::operation_aborted ||
        ec == beast::error::timeout || ec == net::error::connection_reset ||
        ec == net::error::bad_descriptor) {
      return finish();
    }
    if (ec) {
      int status = 400;
      std::string code = "invalid", msg = "malformed HTTP request: " + ec.message();
      if (ec == bhttp::error::body_limit) {
        status = 413;
        code = "too_large";
        msg = "the request body is larger than the route allows";
      } else if (ec == bhttp::error::header_limit) {
        status = 431;
        msg = "the request headers are too large";
      }
      Response r;
      r.status = status;
      r.body =
          nlohmann::json{{"error", {{"code", code}, {"message", msg}, {"field", nullptr}}}}.dump();
      linger_ = true;
      return write(std::move(r), false, 11);
    }
    Request req;
    bhttp::request<bhttp::string_body> msg;
    if (file_parser_) {
      auto fmsg = file_parser_->release();
      fmsg.body().close();
      msg.base() = std::move(fmsg.base());
      req.body_file = upload_path_;
      upload_path_.clear();  // the handler's now; removed after it ran unless taken over
    } else {
      msg = parser_->release();
    }
    req.method = std::string(msg.method_string());
    req.target = std::string(msg.target());
    auto qpos = req.target.find('?');
    std::string raw_path = req.target.substr(0, qpos);
    bool bad = !url_decode(raw_path, req.path, false);
    if (qpos != std::string::npos && !parse_query(req.target.substr(qpos + 1), req.query))
      bad = true;
    for (const auto& f : msg) {
      std::string name(f.name_string());
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      req.headers[name] = std::string(f.value());
    }
    req.body = std::move(msg.body());
    req.remote_ip = remote_;
    bool keep_alive = msg.keep_alive();
    unsigned version = msg.version();
    if (bad) {
      Response r = Response::error(Error::invalid("", "malformed URL encoding"));
      return write(std::move(r), false, version);
    }
    busy_ = true;
    {
      std::lock_guard lock(shared_->mu);
      ++shared_->busy;
    }
    stream_.expires_never();
    // Handlers call the store, which blocks: run them on the worker pool, not the io threads.
    net::post(*shared_->workers,
              [self = shared_from_this(), req = std::move(req), keep_alive, version]() mutable {
                Response res = self->shared_->handler(req);
                if (!req.body_file.empty()) {
                  std::error_code fec;
                  std::filesystem::remove(req.body_file, fec);
                }
                net::post(self->stream_.get_executor(),
                          [self, res = std::move(res), keep_alive, version]() mutable {
                            self->write(std::move(res), keep_alive, version);
                          });
              });
  }

  void write(Response r, bool keep_alive, unsigned version) {
    auto res = std::make_shared<bhttp::response<bhttp::string_body>>(
        static_cast<bhttp::status>(r.status), version);
    res->set(bhttp::field::server, "kam");
    if (!r.content_type.empty()) res->set(bhttp::field::content_type, r.content_type);
    for (auto& [k, v] : r.headers) res->insert(k, v);
    res->body() = std::move(r.body);
    res->keep_alive(keep_alive && !shared_->stopping);
    res->prepare_payload();
    stream_.expires_after(std::chrono::seconds(shared_->options.read_timeout_seconds));
    bhttp::async_write(stream_, *res,
                       [self = shared_from_this(), res](beast::error_code ec, std::size_t) {
                         self->on_write(ec, res->keep_alive());
                       });
  }

  void on_write(beast::error_code ec, bool keep_alive) {
    if (busy_) {
      busy_ = false;
      std::lock_guard lock(shared_->mu);
      --shared_->busy;
      shared_->drained.notify_all();
    }
    if (ec || !keep_alive || shared_->stopping) {
      beast::error_code ignored;
      stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
      if (linger_ && !ec) return drain_rest(0);
      return finish();
    }
    read();
  }

  // After refusing a request mid-body, read and drop what the client is still sending (bounded
  // in bytes and time) so it sees our answer instead of a connection reset.
  void drain_rest(size_t seen) {
    if (seen > 8 * 1024 * 1024) return finish();
    stream_.expires_after(std::chrono::seconds(2));
    stream_.async_read_some(net::buffer(scratch_),
                            [self = shared_from_this(), seen](beast::error_code ec, std::size_t n) {
                              if (ec) return self->finish();
                              self->drain_rest(seen + n);
                            });
  }

  void finish() {
    beast::error_code ignored;
    stream_.socket().close(ignored);
    std::lock_guard lock(shared_->mu);
    shared_->sessions.erase(shared_from_this());
    shared_->drained.notify_all();
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::optional<bhttp::request_parser<bhttp::file_body>> file_parser_;
  std::string upload_path_;
  std::shared_ptr<Shared> shared_;
  std::string remote_;
  bool busy_ = false;
  bool first_ = true;
  std::chrono::steady_clock::time_point started_;
  bool linger_ = false;
  std::array<char, 16384> scratch_{};
};

}  // namespace

// Over the connection limit: a short 503 and the connection closed, without a session. The
// answer is small enough to fit the fresh socket's send buffer, so writing it does not block.
void refuse_connection(tcp::socket& socket) {
  static const std::string kBusy = [] {
    std::string body =
        R"({"error":{"code":"unavailable","message":"too many connections; try again shortly",)"
        R"("field":null}})";
    return "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
           "Retry-After: 1\r\nConnection: close\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\n\r\n" + body;
  }();
  beast::error_code ec;
  socket.non_blocking(true, ec);
  if (!ec) socket.write_some(net::buffer(kBusy), ec);
  socket.shutdown(tcp::socket::shutdown_both, ec);
  socket.close(ec);
}

struct Server::Impl {
  std::shared_ptr<Shared> shared = std::make_shared<Shared>();
  net::io_context ioc;
  // Keeps the io threads alive while a request runs on the worker pool with no socket
  // operation pending (otherwise run() returns and the response is never written).
  net::executor_work_guard<net::io_context::executor_type> keep_running = net::make_work_guard(ioc);
  tcp::acceptor acceptor{ioc};
  std::unique_ptr<net::thread_pool> workers;
  std::vector<std::thread> threads;
  net::signal_set signals{ioc, SIGINT, SIGTERM};
  std::mutex shutdown_mu;
  bool shut_down = false;  // guarded by shutdown_mu

  void accept() {
    acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
      if (ec) {
        if (ec == net::error::operation_aborted || shared->stopping) return;
        spdlog::warn("accept failed: {}", ec.message());
      } else if (shared->stopping) {
        beast::error_code ignored;
        socket.close(ignored);  // raced with stop(): no new work
      } else {
        bool full = false;
        {
          std::lock_guard lock(shared->mu);
          full = shared->sessions.size() >= shared->options.max_connections;
        }
        if (full) {
          refuse_connection(socket);
        } else {
          auto s = std::make_shared<Session>(std::move(socket), shared);
          {
            std::lock_guard lock(shared->mu);
            shared->sessions.insert(s);
          }
          s->start();
        }
      }
      if (!shared->stopping) accept();
    });
  }
};

Server::Server(ServerOptions options, Handler handler) : impl_(std::make_unique<Impl>()) {
  impl_->shared->options = options;
  impl_->shared->handler = std::move(handler);
}

Server::~Server() {
  stop();
  shutdown();
}

Status Server::start() {
  auto& o = impl_->shared->options;
  beast::error_code ec;
  auto addr = net::ip::make_address(o.host, ec);
  if (ec) return Error::invalid("listen", "not an IP address: " + o.host);
  tcp::endpoint ep{addr, o.port};
  impl_->acceptor.open(ep.protocol(), ec);
  if (!ec) impl_->acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) impl_->acceptor.bind(ep, ec);
  if (!ec) impl_->acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec)
    return Error{ErrorCode::kUnavailable,
                 "cannot listen on " + o.host + ":" + std::to_string(o.port) + ": " + ec.message(),
                 "listen"};
  {
    // The private upload directory: only this process writes (and can list) it.
    std::error_code fec;
    std::filesystem::path base = o.upload_dir.empty() ? std::filesystem::temp_directory_path(fec)
                                                      : std::filesystem::path(o.upload_dir);
    std::string tmpl = (base / "kam-uploads-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) {
      return Error{
          ErrorCode::kUnavailable,
          "cannot make an upload directory in " + base.string() + ": " + std::strerror(errno),
          "upload_dir"};
    }
    impl_->shared->upload_dir = tmpl;
  }
  unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  int io = o.io_threads > 0 ? o.io_threads : static_cast<int>(cores);
  int workers = o.worker_threads > 0 ? o.worker_threads : static_cast<int>(cores * 4);
  impl_->workers = std::make_unique<net::thread_pool>(workers);
  impl_->shared->workers = impl_->workers.get();
  impl_->accept();
  impl_->signals.async_wait([this](beast::error_code ec, int sig) {
    if (!ec) {
      spdlog::info("signal {} received: finishing in-flight requests", sig);
      stop();
    }
  });
  for (int i = 0; i < io; ++i) impl_->threads.emplace_back([this] { impl_->ioc.run(); });
  return {};
}

unsigned short Server::port() const {
  beast::error_code ec;
  auto ep = impl_->acceptor.local_endpoint(ec);
  return ec ? 0 : ep.port();
}

void Server::run_until_signal() {
  {
    std::unique_lock lock(impl_->shared->mu);
    impl_->shared->drained.wait(lock, [&] { return impl_->shared->stopping.load(); });
  }
  shutdown();
}

void Server::stop() {
  // Never blocks: it may run on an io thread (signal handler). The drain happens in shutdown().
  auto& sh = *impl_->shared;
  if (sh.stopping.exchange(true)) return;
  net::post(impl_->ioc, [this] {
    beast::error_code ec;
    impl_->acceptor.close(ec);
    impl_->signals.clear(ec);  // a second signal kills the process the default way
  });
  std::lock_guard lock(sh.mu);
  for (const auto& s : sh.sessions) s->close_if_idle();
  sh.drained.notify_all();
}

void Server::shutdown() {
  std::lock_guard once(impl_->shutdown_mu);
  if (impl_->shut_down) return;
  impl_->shut_down = true;
  auto& sh = *impl_->shared;
  {
    std::unique_lock lock(sh.mu);
    sh.drained.wait_for(lock, std::chrono::seconds(sh.options.drain_timeout_seconds),
                        [&] { return sh.busy == 0 && sh.sessions.empty(); });
    if (sh.busy > 0) spdlog::warn("stopping with {} requests still in flight", sh.busy);
  }
  impl_->keep_running.reset();
  impl_->ioc.stop();
  for (auto& t : impl_->threads) {
    if (t.joinable()) t.join();
  }
  if (impl_->workers) impl_->workers->join();
  // Sessions still registered (drain timed out) hold the shared state: break the cycle.
  {
    std::lock_guard lock(sh.mu);
    sh.sessions.clear();
  }
  // No upload outlives the server, whatever path its request took.
  if (!sh.upload_dir.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(sh.upload_dir, ec);
  }
}

std::string Server::upload_dir() const {
  return impl_->shared->upload_dir;
}

}  // namespace kam::http
