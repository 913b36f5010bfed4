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

// Found by fuzzing (fuzz/crashes/json_body_number_overflow.json): a number beyond a double threw
// an exception the parser did not catch (a 500); it is a 400 like any malformed body.
TEST(HttpErrors, NumbersOutOfRangeAreMalformedBodies) {
  for (const char* body : {"1e309", "{\"a\": -1e400}", "[1E99999]"}) {
    auto r = parse_json_body(body);
    ASSERT_FALSE(r.ok()) << body;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalid) << body;
  }
}

TEST(HttpErrors, OtherErrorsNameTheirField) {
  Response r = Response::error(Error::invalid("title", "is required"));
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("\"field\":\"title\""), std::string::npos) << r.body;
  EXPECT_TRUE(r.internal_detail.empty());
}

}  // namespace
}  // namespace kam::http
