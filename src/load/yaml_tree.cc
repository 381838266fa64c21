#include "load/yaml_tree.h"

#include <yaml.h>

#include <algorithm>
#include <optional>
#include <unordered_map>

#include "util/utf8.h"

namespace riskatlas::load {

bool YamlNode::is_null() const {
  return kind == Kind::kScalar && plain &&
         (value.empty() || value == "~" || value == "null" || value == "Null" || value == "NULL");
}

const YamlNode* YamlNode::find(std::string_view key) const {
  if (kind != Kind::kMapping) return nullptr;
  for (const auto& [k, v] : entries)
    if (k == key) return &v;
  return nullptr;
}

const char* YamlNode::kind_name() const {
  switch (kind) {
    case Kind::kScalar: return "text";
    case Kind::kSequence: return "list";
    case Kind::kMapping: return "mapping";
  }
  return "?";
}

namespace {

std::string at(const std::string& name, std::size_t line, std::size_t column) {
  return name + ":" + std::to_string(line) + ":" + std::to_string(column);
}

struct Parser {
  yaml_parser_t p;
  Parser() { yaml_parser_initialize(&p); }
  ~Parser() { yaml_parser_delete(&p); }
  Parser(const Parser&) = delete;
  Parser& operator=(const Parser&) = delete;
};

struct Event {
  yaml_event_t e{};
  bool live = false;
  ~Event() {
    if (live) yaml_event_delete(&e);
  }
};

// An open collection while building.
struct Frame {
  YamlNode node;
  bool expecting_key = true;  // mappings only
  bool key_ok = false;
  std::string key;
  std::size_t key_line = 0;
  std::unordered_map<std::string, std::size_t> key_lines;  // key -> line of its first occurrence
};

// Builds the tree from libyaml's events, enforcing the limits.
class Builder {
 public:
  Builder(const std::string& name, Diagnostics& warnings, const YamlLimits& limits)
      : name_(name), warnings_(warnings), limits_(limits) {}

  // Takes one event; returns the result when the parse is over (the first document's root, or why
  // the file is refused), nullopt while more events are needed.
  std::optional<Result<YamlNode>> on_event(const yaml_event_t& e) {
    const std::size_t line = e.start_mark.line + 1;
    const std::size_t column = e.start_mark.column + 1;
    switch (e.type) {
      case YAML_STREAM_START_EVENT:
      case YAML_NO_EVENT:
      case YAML_DOCUMENT_END_EVENT:
        return std::nullopt;
      case YAML_STREAM_END_EVENT:
        if (!root_) return Status::InvalidArgument(name_ + ": empty file, no YAML document");
        return std::move(*root_);
      case YAML_DOCUMENT_START_EVENT:
        if (++documents_ > 1) {
          warnings_.push_back({name_ + ":" + std::to_string(line), "only the first YAML document is read"});
          return std::move(*root_);
        }
        return std::nullopt;
      case YAML_ALIAS_EVENT:
        return Status::InvalidArgument(at(name_, line, column) + ": aliases are not supported (*" +
                                       std::string(utf8::truncate(reinterpret_cast<const char*>(e.data.alias.anchor), 80)) +
                                       ")");
      case YAML_SCALAR_EVENT:
        return on_scalar(e, line, column);
      case YAML_SEQUENCE_START_EVENT:
      case YAML_MAPPING_START_EVENT:
        return open_collection(e, line, column);
      case YAML_SEQUENCE_END_EVENT:
      case YAML_MAPPING_END_EVENT:
        return close_collection(line, column);
    }
    return std::nullopt;
  }

 private:
  std::optional<Result<YamlNode>> on_scalar(const yaml_event_t& e, std::size_t line, std::size_t column) {
    if (auto st = count_node(line, column)) return *st;
    YamlNode n;
    n.line = line;
    n.column = column;
    n.value.assign(reinterpret_cast<const char*>(e.data.scalar.value), e.data.scalar.length);
    n.plain = e.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
    attach(std::move(n));
    return std::nullopt;
  }

  std::optional<Result<YamlNode>> open_collection(const yaml_event_t& e, std::size_t line, std::size_t column) {
    const auto kind = e.type == YAML_SEQUENCE_START_EVENT ? YamlNode::Kind::kSequence : YamlNode::Kind::kMapping;
    if (auto st = count_node(line, column)) return *st;
    if (stack_.size() >= limits_.max_depth)
      return Status::InvalidArgument(at(name_, line, column) + ": nesting deeper than " +
                                     std::to_string(limits_.max_depth) + " levels: refused");
    Frame f;
    f.node.kind = kind;
    f.node.line = line;
    f.node.column = column;
    stack_.push_back(std::move(f));
    return std::nullopt;
  }

  std::optional<Result<YamlNode>> close_collection(std::size_t line, std::size_t column) {
    if (stack_.empty()) return Status::Internal(at(name_, line, column) + ": unbalanced YAML events");
    YamlNode done = std::move(stack_.back().node);
    stack_.pop_back();
    attach(std::move(done));
    return std::nullopt;
  }

  // InvalidArgument once the file holds more than limits_.max_nodes nodes.
  std::optional<Status> count_node(std::size_t line, std::size_t column) {
    if (++nodes_ > limits_.max_nodes)
      return Status::InvalidArgument(at(name_, line, column) + ": more than " + std::to_string(limits_.max_nodes) +
                                     " YAML nodes: refused");
    return std::nullopt;
  }

  // Adds a finished node to the open collection, or makes it the root.
  void attach(YamlNode node) {
    if (stack_.empty()) {
      root_ = std::move(node);
      return;
    }
    Frame& top = stack_.back();
    if (top.node.is_sequence()) {
      top.node.items.push_back(std::move(node));
      return;
    }
    if (top.expecting_key) {
      top.expecting_key = false;
      top.key_line = node.line;
      top.key_ok = node.is_scalar();
      if (top.key_ok) {
        top.key = std::move(node.value);
      } else {
        warnings_.push_back({name_ + ":" + std::to_string(node.line), "a " + std::string(node.kind_name()) +
                                                                          " used as a mapping key: entry ignored"});
      }
      return;
    }
    top.expecting_key = true;
    if (!top.key_ok) return;
    const auto [it, fresh] = top.key_lines.emplace(top.key, top.key_line);
    if (!fresh) {
      warnings_.push_back({name_ + ":" + std::to_string(top.key_line),
                           "duplicate key '" + std::string(utf8::truncate(top.key, 80)) + "' (first on line " +
                               std::to_string(it->second) + "): kept the first value"});
      return;
    }
    top.node.entries.emplace_back(std::move(top.key), std::move(node));
  }

  const std::string& name_;
  Diagnostics& warnings_;
  const YamlLimits& limits_;
  std::vector<Frame> stack_;
  std::optional<YamlNode> root_;
  std::size_t nodes_ = 0;
  std::size_t documents_ = 0;
};

// libyaml refuses ill-formed UTF-8 and control characters outright; they are repaired first so one
// bad byte costs a warning, not the file. Line breaks are untouched, so lines stay right.
std::string repaired_input(std::string_view text, const std::string& name, Diagnostics& warnings) {
  utf8::Cleaned cleaned = utf8::clean(text);
  if (cleaned.replaced + cleaned.removed > 0) {
    const auto mism = std::mismatch(text.begin(), text.end(), cleaned.text.begin(), cleaned.text.end());
    const auto line = 1 + static_cast<std::size_t>(std::count(text.begin(), mism.first, '\n'));
    warnings.push_back({name + ":" + std::to_string(line),
                        "repaired: " + std::to_string(cleaned.replaced) + " invalid UTF-8 sequence(s) replaced, " +
                            std::to_string(cleaned.removed) + " control character(s) removed (first on this line)"});
  }
  // A UTF-8 byte order mark: libyaml only skips it when it detects the encoding itself.
  if (std::string_view(cleaned.text).substr(0, 3) == "\xEF\xBB\xBF") cleaned.text.erase(0, 3);
  return std::move(cleaned.text);
}

Status syntax_error(const yaml_parser_t& p, const std::string& name) {
  if (p.error == YAML_MEMORY_ERROR) return Status::Corruption(name + ": YAML parser out of memory");
  std::string msg = at(name, p.problem_mark.line + 1, p.problem_mark.column + 1) + ": YAML syntax error: ";
  msg += p.problem != nullptr ? p.problem : "unknown problem";
  if (p.context != nullptr)
    msg += std::string(" (") + p.context + " at line " + std::to_string(p.context_mark.line + 1) + ")";
  return Status::InvalidArgument(msg);
}

}  // namespace

Result<YamlNode> parse_yaml(std::string_view text, const std::string& name, Diagnostics& warnings,
                            const YamlLimits& limits) {
  const std::string input = repaired_input(text, name, warnings);
  Parser parser;
  yaml_parser_set_input_string(&parser.p, reinterpret_cast<const unsigned char*>(input.data()), input.size());
  yaml_parser_set_encoding(&parser.p, YAML_UTF8_ENCODING);
  Builder builder(name, warnings, limits);
  while (true) {
    Event ev;
    if (!yaml_parser_parse(&parser.p, &ev.e)) return syntax_error(parser.p, name);
    ev.live = true;
    if (auto done = builder.on_event(ev.e)) return std::move(*done);
  }
}

Result<YamlNode> parse_yaml(const detail::SourceText& source, Diagnostics& warnings) {
  Diagnostics yaml_warnings;
  auto parsed = parse_yaml(source.text, source.path, yaml_warnings);
  for (auto& w : yaml_warnings) {
    if (w.where.rfind(source.path, 0) == 0) w.where = source.name + w.where.substr(source.path.size());
    warnings.push_back(std::move(w));
  }
  return parsed;
}

}  // namespace riskatlas::load
