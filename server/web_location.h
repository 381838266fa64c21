// Where riskatlas-serve finds its web UI when --web is not given, so that an installed or relocated
// tree works wherever it is unpacked.
#pragma once

#include <filesystem>

namespace riskatlas::server {

struct WebLocations {
  std::filesystem::path executable;   // the running binary, symlinks resolved (/proc/self/exe)
  std::filesystem::path from_binary;  // the installed UI relative to the binary's folder: "../share/riskatlas/web"
  std::filesystem::path build_dir;    // the build directory the binary was compiled in
  std::filesystem::path source_web;   // server/web of the source tree it was compiled from
};

// The installed UI (the binary's folder / from_binary) when it holds index.html; otherwise, only when
// the binary runs from the build directory it was compiled in, the source tree's UI; otherwise empty
// (the server then runs without a UI and says so).
std::filesystem::path default_web_dir(const WebLocations& where);

// The running executable, from /proc/self/exe; empty if it cannot be read.
std::filesystem::path current_executable();

}  // namespace riskatlas::server
