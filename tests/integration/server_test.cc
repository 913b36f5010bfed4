// The HTTP server's edges with a stand-in handler: draining on stop, limits, keep-alive.

#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <chrono>
#include <future>
#include <thread>

#include "http/server.h"

namespace kam::http {
namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;

std::string roundtrip(unsigned short port, const std::string& request) {
  net::io_context ioc;
  tcp::socket s(ioc);
  s.connect({net::ip::make_address("127.0.0.1"), port});
  net::write(s, net::buffer(request));
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

}  // namespace
}  // namespace kam::http
