// The HTTP server's edges with a stand-in handler: draining on stop, limits, keep-alive.

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio.hpp>
#include <chrono>
#include <filesystem>
#include <future>
#include <thread>

#include "http/server.h"

namespace kam::http {
namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;

// A client that sends the request head, then the body as the test says, and reads the answer.
struct SlowClient {
  net::io_context ioc;
  tcp::socket s{ioc};
  explicit SlowClient(unsigned short port) {
    s.connect({net::ip::make_address("127.0.0.1"), port});
  }
  void send(const std::string& bytes) {
    boost::system::error_code ec;
    net::write(s, net::buffer(bytes), ec);
  }
  std::string read_all() {
    std::string out;
    boost::system::error_code ec;
    std::array<char, 4096> buf{};
    for (;;) {
      size_t n = s.read_some(net::buffer(buf), ec);
      out.append(buf.data(), n);
      if (ec) break;
    }
    return out;
  }
};

std::string roundtrip(unsigned short port, const std::string& request) {
  SlowClient c(port);
  c.send(request);
  return c.read_all();
}

TEST(Server, StopLetsAnInFlightRequestFinish) {
  std::promise<void> entered;
  auto entered_f = entered.get_future();
  Server server({.port = 0, .io_threads = 1, .worker_threads = 2}, [&](Request&) {
    entered.set_value();
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    Response r;
    r.body = "{\"slow\":true}";
    return r;
  });
  ASSERT_TRUE(server.start().ok());
  unsigned short port = server.port();
  auto reply = std::async(std::launch::async, [port] {
    return roundtrip(port, "GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
  });
  entered_f.wait();
  server.stop();  // arrives while the handler sleeps
  std::string r = reply.get();
  EXPECT_NE(r.find("HTTP/1.1 200"), std::string::npos) << r;
  EXPECT_NE(r.find("{\"slow\":true}"), std::string::npos);
  EXPECT_NE(r.find("Connection: close"), std::string::npos) << "no keep-alive once stopping";
  // New connections are refused after stop.
  net::io_context ioc;
  tcp::socket s(ioc);
  boost::system::error_code ec;
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  s.connect({net::ip::make_address("127.0.0.1"), port}, ec);
  EXPECT_TRUE(ec) << "still accepting after stop";
}

TEST(Server, BodyAndHeaderLimits) {
  Server server(
      {.port = 0, .io_threads = 1, .worker_threads = 1, .header_limit = 1024, .body_limit = 64},
      [](Request& req) {
        Response r;
        r.body = std::to_string(req.body.size());
        return r;
      });
  ASSERT_TRUE(server.start().ok());
  std::string ok = roundtrip(
      server.port(),
      "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\nConnection: close\r\n\r\n0123456789");
  EXPECT_NE(ok.find("HTTP/1.1 200"), std::string::npos) << ok;
  std::string big =
      roundtrip(server.port(), "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n" +
                                   std::string(100, 'x'));
  EXPECT_NE(big.find("HTTP/1.1 413"), std::string::npos) << big;
  std::string hdr = roundtrip(
      server.port(), "GET / HTTP/1.1\r\nHost: x\r\nX-A: " + std::string(2000, 'a') + "\r\n\r\n");
  EXPECT_NE(hdr.find("HTTP/1.1 431"), std::string::npos) << hdr;
  server.stop();
}

// Authentication comes from the headers before any of the body is read: a refused upload of a
// gigabyte is answered at once, with nothing but its head sent.
TEST(Server, PreflightRefusesBeforeReadingTheBody) {
  std::atomic<int> handled{0};
  ServerOptions o{.port = 0, .io_threads = 1, .worker_threads = 2};
  o.preflight = [](const Request& head) {
    Preflight pf;
    pf.upload = true;
    pf.body_limit = 1000;
    if (head.header("authorization").empty()) {
      Response r = Response::error({ErrorCode::kUnauthenticated, "sign in first", {}});
      pf.refuse = r;
    }
    return pf;
  };
  Server server(o, [&](Request&) {
    ++handled;
    return Response{};
  });
  ASSERT_TRUE(server.start().ok());
  SlowClient anon(server.port());
  anon.send("POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000000\r\n\r\n");
  auto t0 = std::chrono::steady_clock::now();
  std::string r = anon.read_all();
  EXPECT_NE(r.find("HTTP/1.1 401"), std::string::npos) << r;
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5));
  // Signed in but over the route's own limit: 413 from the declared length, body unread.
  SlowClient big(server.port());
  big.send(
      "POST /up HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\nContent-Length: 1001\r\n\r\n");
  EXPECT_NE(big.read_all().find("HTTP/1.1 413"), std::string::npos);
  EXPECT_EQ(handled.load(), 0);
  server.stop();
}

// A body trickled one byte at a time does not hold the connection (or its temporary file)
// past the request's absolute deadline; the private upload directory goes at shutdown.
TEST(Server, UploadDeadlineIsAbsoluteAndFilesGo) {
  std::atomic<int> handled{0};
  ServerOptions o{.port = 0, .io_threads = 1, .worker_threads = 2};
  o.upload_timeout_seconds = 1;
  o.preflight = [](const Request&) {
    Preflight pf;
    pf.upload = true;
    return pf;
  };
  std::string file_seen;
  Server server(o, [&](Request& req) {
    ++handled;
    file_seen = req.body_file;
    Response r;
    r.body = std::to_string(std::filesystem::file_size(req.body_file));
    return r;
  });
  ASSERT_TRUE(server.start().ok());
  std::string dir = server.upload_dir();
  ASSERT_FALSE(dir.empty());
  EXPECT_EQ(std::filesystem::status(dir).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_all)
      << "the upload directory is private";
  {
    SlowClient slow(server.port());
    slow.send("POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n");
    auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < 15; ++i) {  // one byte every 200 ms: 3 s, past the 1 s deadline
      slow.send("x");
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    std::string r = slow.read_all();
    EXPECT_EQ(r.find("HTTP/1.1 200"), std::string::npos) << r;
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(6));
  }
  EXPECT_EQ(handled.load(), 0);
  EXPECT_TRUE(std::filesystem::is_empty(dir)) << "the trickled upload's file was removed";
  std::string ok = roundtrip(server.port(),
                             "POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nConnection: "
                             "close\r\n\r\nhello");
  EXPECT_NE(ok.find("HTTP/1.1 200"), std::string::npos) << ok;
  EXPECT_EQ(file_seen.rfind(dir, 0), 0u) << "uploads land in the private directory";
  EXPECT_TRUE(std::filesystem::is_empty(dir)) << "removed after the handler ran";
  server.stop();
  server.run_until_signal();  // drains and shuts down
  EXPECT_FALSE(std::filesystem::exists(dir)) << "the directory goes at shutdown";
}

// Past the connection limit a new connection gets a clear 503 and is closed.
TEST(Server, ConnectionLimitAnswers503) {
  ServerOptions o{.port = 0, .io_threads = 1, .worker_threads = 1};
  o.max_connections = 2;
  Server server(o, [](Request&) { return Response{}; });
  ASSERT_TRUE(server.start().ok());
  SlowClient a(server.port()), b(server.port());
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  SlowClient c(server.port());
  std::string r = c.read_all();
  EXPECT_NE(r.find("HTTP/1.1 503"), std::string::npos) << r;
  EXPECT_NE(r.find("too many connections"), std::string::npos);
  server.stop();
}

}  // namespace
}  // namespace kam::http
