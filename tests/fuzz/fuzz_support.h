// Helpers shared by the libFuzzer targets of tests/fuzz (built with -DRISKATLAS_FUZZ=ON).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include <unistd.h>

#include "load/corpus.h"
#include "util/utf8.h"

namespace riskatlas::fuzz {

// The input as text.
inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// A broken invariant is a finding: abort, so libFuzzer saves the input that broke it.
inline void check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "fuzz invariant broken: %s\n", what);
  std::abort();
}

// The loaders read files (load/source_file.h: size and change checks, byte-order mark, empty file),
// so each input is written to a file of this process and loaded from there, through the very path
// the indexer takes. On tmpfs (/dev/shm) when there is one, to keep a run cheap.
class InputFile {
 public:
  explicit InputFile(const std::string& name) {
    const std::filesystem::path base = std::filesystem::exists("/dev/shm") ? "/dev/shm" : std::filesystem::temp_directory_path();
    dir_ = base / ("riskatlas-fuzz-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    path_ = dir_ / name;
  }
  ~InputFile() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;

  // Replaces the file's contents with the input; returns its path.
  const std::filesystem::path& write(std::string_view bytes) {
    std::ofstream out(path_, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.close();
    check(out.good(), "the input file could be written");
    return path_;
  }

 private:
  std::filesystem::path dir_;
  std::filesystem::path path_;
};

// What a load that succeeded must hand the indexer: every record named by a non-empty id, and the
// texts it indexes valid UTF-8 (the loaders clean every field they read).
inline void check_report(const load::LoadReport& report) {
  auto text_ok = [](const std::string& s) { return utf8::is_valid(s); };
  auto id_ok = [&](const std::string& id) { return !id.empty() && text_ok(id); };
  for (const auto& r : report.atlas.risks) {
    check(id_ok(r.id), "a risk has an id");
    check(text_ok(r.category) && text_ok(r.subcategory) && text_ok(r.description), "risk texts are UTF-8");
    for (const auto& e : r.evidence) check(text_ok(e.text), "evidence is UTF-8");
  }
  for (const auto& t : report.atlas.techniques) {
    check(id_ok(t.id), "a technique has an id");
    check(text_ok(t.name) && text_ok(t.description), "technique texts are UTF-8");
  }
  for (const auto& m : report.atlas.mitigations) {
    check(id_ok(m.id), "a mitigation has an id");
    check(text_ok(m.name) && text_ok(m.description), "mitigation texts are UTF-8");
  }
  for (const auto& t : report.atlas.tactics) check(id_ok(t.id), "a tactic has an id");
  for (const auto& l : report.atlas.links) check(id_ok(l.risk_id) && id_ok(l.technique_id), "a link joins two ids");
  for (const auto& g : report.atlas.synonyms)
    for (const auto& e : g.expressions) check(id_ok(e), "a synonym is non-empty UTF-8");
}

// One run of a loader on the input, written to `file`; a report that succeeded is checked.
using Loader = Status (*)(const std::filesystem::path&, load::LoadReport&);
inline void run_loader(Loader loader, InputFile& file, std::string_view input, load::LoadReport report = {}) {
  const Status status = loader(file.write(input), report);
  if (status.ok()) check_report(report);
}

}  // namespace riskatlas::fuzz
