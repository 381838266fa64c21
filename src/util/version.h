// The riskatlas version, as --version, /healthz and the metrics report it.
#pragma once

#include <string_view>

namespace riskatlas {

// CMake's project(VERSION), plus the commit when built from a git checkout ("0.1.0+git69.g46f5924").
// Defined in a source file generated at build time (cmake/version.cmake).
std::string_view version();

}  // namespace riskatlas
