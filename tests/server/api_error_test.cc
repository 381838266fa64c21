#include <catch2/catch.hpp>

#include "api_error.h"

using namespace riskatlas;
using riskatlas::server::api_error_from_status;

TEST_CASE("a too broad request is a 400 too_broad by its code, not by its message", "[http]") {
  const auto broad = api_error_from_status(Status::TooBroad("q: a wildcard matches too many words"));
  CHECK(broad.http_status == 400);
  CHECK(broad.code == "too_broad");
  CHECK(broad.message == "q: a wildcard matches too many words");
  // An invalid argument that mentions a wildcard is still an invalid parameter.
  const auto invalid = api_error_from_status(Status::InvalidArgument("q: a wildcard needs a letter before *"));
  CHECK(invalid.http_status == 400);
  CHECK(invalid.code == "invalid_parameter");
}

TEST_CASE("library errors that may name files get a generic 500 message", "[http]") {
  for (const Status& s : {Status::Corruption("/srv/index: bad"), Status::IOError("/srv: disk full"),
                          Status::Internal("bug"), Status::Aborted("guard")}) {
    const auto e = api_error_from_status(s);
    CHECK(e.http_status == 500);
    CHECK(e.code == "internal_error");
    CHECK(e.message.find("/srv") == std::string::npos);
  }
  CHECK(api_error_from_status(Status::NotFound("no record with id X")).http_status == 404);
  CHECK(api_error_from_status(Status::Unavailable("later")).http_status == 503);
}
