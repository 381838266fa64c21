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

class Builder {
 public:
  Builder(const std::string& name, Diagnostics& warnings) : name_(name), warnings_(warnings) {}

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

  std::vector<Frame> stack_;
  std::optional<YamlNode> root_;

 private:
  const std::string& name_;
  Diagnostics& warnings_;
};

}  // namespace

Result<YamlNode> parse_yaml(std::string_view text, const std::string& name, Diagnostics& warnings,
                            const YamlLimits& limits) {
  // libyaml refuses ill-formed UTF-8 and control characters outright; repair them first so one bad
  // byte costs a warning, not the file. Line breaks are untouched, so lines stay right.
  utf8::Cleaned cleaned = utf8::clean(text);
  if (cleaned.replaced + cleaned.removed > 0) {
    const auto mism = std::mismatch(text.begin(), text.end(), cleaned.text.begin(), cleaned.text.end());
    const auto line = 1 + static_cast<std::size_t>(std::count(text.begin(), mism.first, '\n'));
    warnings.push_back({name + ":" + std::to_string(line),
                        "repaired: " + std::to_string(cleaned.replaced) + " invalid UTF-8 sequence(s) replaced, " +
                            std::to_string(cleaned.removed) + " control character(s) removed (first on this line)"});
  }
  // A UTF-8 byte order mark: libyaml only skips it when it detects the encoding itself.
  std::string_view input = cleaned.text;
  if (input.substr(0, 3) == "\xEF\xBB\xBF") input.remove_prefix(3);

  Parser parser;
  yaml_parser_set_input_string(&parser.p, reinterpret_cast<const unsigned char*>(input.data()), input.size());
  yaml_parser_set_encoding(&parser.p, YAML_UTF8_ENCODING);

  Builder b(name, warnings);
  std::size_t nodes = 0;
  std::size_t documents = 0;
  while (true) {
    Event ev;
    if (!yaml_parser_parse(&parser.p, &ev.e)) {
      const yaml_parser_t& p = parser.p;
      if (p.error == YAML_MEMORY_ERROR) return Status::Corruption(name + ": YAML parser out of memory");
      std::string msg = at(name, p.problem_mark.line + 1, p.problem_mark.column + 1) + ": YAML syntax error: ";
      msg += p.problem != nullptr ? p.problem : "unknown problem";
      if (p.context != nullptr)
        msg += std::string(" (") + p.context + " at line " + std::to_string(p.context_mark.line + 1) + ")";
      return Status::InvalidArgument(msg);
    }
    ev.live = true;
    const yaml_event_t& e = ev.e;
    const std::size_t line = e.start_mark.line + 1;
    const std::size_t column = e.start_mark.column + 1;
    auto count_node = [&]() -> std::optional<Status> {
      if (++nodes > limits.max_nodes)
        return Status::InvalidArgument(at(name, line, column) + ": more than " + std::to_string(limits.max_nodes) +
                                       " YAML nodes: refused");
      return std::nullopt;
    };
    switch (e.type) {
      case YAML_STREAM_START_EVENT:
      case YAML_NO_EVENT:
        break;
      case YAML_STREAM_END_EVENT:
        if (!b.root_) return Status::InvalidArgument(name + ": empty file, no YAML document");
        return std::move(*b.root_);
      case YAML_DOCUMENT_START_EVENT:
        if (++documents > 1) {
          warnings.push_back({name + ":" + std::to_string(line), "only the first YAML document is read"});
          return std::move(*b.root_);
        }
        break;
      case YAML_DOCUMENT_END_EVENT:
        break;
      case YAML_ALIAS_EVENT:
        return Status::InvalidArgument(at(name, line, column) + ": aliases are not supported (*" +
                                       std::string(utf8::truncate(reinterpret_cast<const char*>(e.data.alias.anchor), 80)) +
                                       ")");
      case YAML_SCALAR_EVENT: {
        if (auto st = count_node()) return *st;
        YamlNode n;
        n.line = line;
        n.column = column;
        n.value.assign(reinterpret_cast<const char*>(e.data.scalar.value), e.data.scalar.length);
        n.plain = e.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
        b.attach(std::move(n));
        break;
      }
      case YAML_SEQUENCE_START_EVENT:
      case YAML_MAPPING_START_EVENT: {
        const auto kind =
            e.type == YAML_SEQUENCE_START_EVENT ? YamlNode::Kind::kSequence : YamlNode::Kind::kMapping;
        if (auto st = count_node()) return *st;
        if (b.stack_.size() >= limits.max_depth)
          return Status::InvalidArgument(at(name, line, column) + ": nesting deeper than " +
                                         std::to_string(limits.max_depth) + " levels: refused");
        Frame f;
        f.node.kind = kind;
        f.node.line = line;
        f.node.column = column;
        b.stack_.push_back(std::move(f));
        break;
      }
      case YAML_SEQUENCE_END_EVENT:
      case YAML_MAPPING_END_EVENT: {
        if (b.stack_.empty()) return Status::Internal(at(name, line, column) + ": unbalanced YAML events");
        YamlNode done = std::move(b.stack_.back().node);
        b.stack_.pop_back();
        b.attach(std::move(done));
        break;
      }
    }
  }
}

}  // namespace riskatlas::load
