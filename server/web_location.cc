#include "web_location.h"

namespace riskatlas::server {

namespace fs = std::filesystem;

fs::path default_web_dir(const WebLocations& where) {
  if (where.executable.empty()) return {};
  const fs::path folder = where.executable.parent_path();
  std::error_code ec;
  const fs::path installed = (folder / where.from_binary).lexically_normal();
  if (fs::is_regular_file(installed / "index.html", ec)) return installed;
  // A build directory has no share/ beside the binary; its UI is still in the source tree.
  if (!where.build_dir.empty() && fs::equivalent(folder, where.build_dir, ec)) return where.source_web;
  return {};
}

fs::path current_executable() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path() : exe;
}

}  // namespace riskatlas::server
