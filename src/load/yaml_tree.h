// A small YAML document tree built from libyaml's event API, with the safety limits a loader of
// untrusted files needs: aliases are refused (no alias bombs), nesting depth and node count are
// bounded, duplicate mapping keys keep the first value with a warning, and nothing recurses on the
// input's structure while building. Scalars are kept as their text (no type resolution: a date stays
// "2022-01-24", `no` stays "no").
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "load/source_file.h"
#include "util/diagnostic.h"
#include "util/status.h"

namespace riskatlas::load {

struct YamlNode {
  enum class Kind { kScalar, kSequence, kMapping };

  // User-provided: clang (libstdc++ 12) rejects the defaulted one, whose checks need the
  // std::pair<std::string, YamlNode> of `entries` complete before YamlNode is.
  YamlNode() {}

  Kind kind = Kind::kScalar;
  std::size_t line = 0;    // 1-based
  std::size_t column = 0;  // 1-based
  std::string value;       // scalar text
  bool plain = false;      // an unquoted scalar
  std::vector<YamlNode> items;                            // sequence items, in order
  std::vector<std::pair<std::string, YamlNode>> entries;  // mapping entries, in order; keys unique

  bool is_scalar() const { return kind == Kind::kScalar; }
  bool is_sequence() const { return kind == Kind::kSequence; }
  bool is_mapping() const { return kind == Kind::kMapping; }
  // A plain scalar spelling null: empty, "~", "null", "Null", "NULL".
  bool is_null() const;
  // The entry for `key` in a mapping, else nullptr (also for non-mappings).
  const YamlNode* find(std::string_view key) const;
  // "text", "list" or "mapping", for messages.
  const char* kind_name() const;
};

struct YamlLimits {
  std::size_t max_depth = 64;
  std::size_t max_nodes = 2'000'000;
};

// Parses the first document of `text`. `name` prefixes messages ("name:line:column: ..."). Fatal
// (non-OK): syntax errors (with libyaml's problem text), aliases, too deep, too many nodes, no
// document at all. Warnings: duplicate keys, non-text keys, repaired UTF-8 or control characters,
// further documents ignored.
Result<YamlNode> parse_yaml(std::string_view text, const std::string& name, Diagnostics& warnings,
                            const YamlLimits& limits = {});

// parse_yaml() of a corpus file: errors name its path, warnings (added to `warnings`) its display
// name, like every other diagnostic of a load.
Result<YamlNode> parse_yaml(const detail::SourceText& source, Diagnostics& warnings);

}  // namespace riskatlas::load
