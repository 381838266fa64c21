// Where riskatlas-serve looks for its web UI without --web: beside an installed binary, else the
// source tree when it runs from its build directory, else nowhere.
#include <catch2/catch.hpp>

#include <fstream>

#include "test_support.h"
#include "web_location.h"

using namespace riskatlas::server;
using riskatlas::testing::ScratchDir;
namespace fs = std::filesystem;

namespace {

// An installed tree: PREFIX/bin/riskatlas-serve and PREFIX/share/riskatlas/web/index.html.
fs::path make_installed_tree(const fs::path& prefix) {
  fs::create_directories(prefix / "bin");
  fs::create_directories(prefix / "share" / "riskatlas" / "web");
  std::ofstream(prefix / "bin" / "riskatlas-serve") << "";
  std::ofstream(prefix / "share" / "riskatlas" / "web" / "index.html") << "<!doctype html>";
  return prefix / "bin" / "riskatlas-serve";
}

}  // namespace

TEST_CASE("an installed or moved tree finds its UI relative to the binary", "[http]") {
  ScratchDir dir("web-location-installed");
  const fs::path exe = make_installed_tree(dir.path() / "moved" / "usr");
  const fs::path web = default_web_dir({exe, "../share/riskatlas/web", dir.path() / "build", "/src/server/web"});
  CHECK(web == dir.path() / "moved" / "usr" / "share" / "riskatlas" / "web");
}

TEST_CASE("a binary in its build directory falls back to the source tree's UI", "[http]") {
  ScratchDir dir("web-location-build");
  const fs::path build = dir.path() / "build";
  fs::create_directories(build);
  const WebLocations where{build / "riskatlas-serve", "../share/riskatlas/web", build, "/src/server/web"};
  CHECK(default_web_dir(where) == "/src/server/web");
  // Built elsewhere, or copied out of the build directory: no UI rather than the source tree's.
  CHECK(default_web_dir({dir.path() / "riskatlas-serve", "../share/riskatlas/web", build, "/src/server/web"}).empty());
  CHECK(default_web_dir({build / "riskatlas-serve", "../share/riskatlas/web", dir.path() / "gone", "/src"}).empty());
}

TEST_CASE("a share folder without the UI's index.html is not taken for the UI", "[http]") {
  ScratchDir dir("web-location-empty");
  const fs::path exe = make_installed_tree(dir.path() / "usr");
  fs::remove(dir.path() / "usr" / "share" / "riskatlas" / "web" / "index.html");
  CHECK(default_web_dir({exe, "../share/riskatlas/web", dir.path() / "build", "/src/server/web"}).empty());
}

TEST_CASE("the running executable is read from /proc", "[http]") {
  const fs::path exe = current_executable();
  CHECK(exe.is_absolute());
  CHECK(fs::equivalent(exe.parent_path(), riskatlas::testing::binary_dir()));
}
