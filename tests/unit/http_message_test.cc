// What the HTTP layer sends back for errors: internals stay on the server.

#include <gtest/gtest.h>

#include "http/message.h"

namespace kam::http {
namespace {

TEST(HttpErrors, InternalErrorsKeepTheirDetailOnTheServer) {
  Response r = Response::error(
      Error::internal("sqlite: no such column: x in: SELECT password_hash FROM users"));
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body.find("SELECT"), std::string::npos) << r.body;
  EXPECT_EQ(r.body.find("sqlite"), std::string::npos) << r.body;
  EXPECT_NE(r.internal_detail.find("SELECT password_hash"), std::string::npos)
      << "kept for the log";
  Response quoted = internal_error("rid-42");
  EXPECT_NE(quoted.body.find("rid-42"), std::string::npos);
  EXPECT_TRUE(quoted.internal_detail.empty());
}

TEST(HttpErrors, OtherErrorsNameTheirField) {
  Response r = Response::error(Error::invalid("title", "is required"));
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("\"field\":\"title\""), std::string::npos) << r.body;
  EXPECT_TRUE(r.internal_detail.empty());
}

}  // namespace
}  // namespace kam::http
