#include "index/stored_record.h"

#include <array>
#include <string_view>

namespace riskatlas::index {
namespace {

using nlohmann::json;

// The keys under which a record (or a case study's procedure step) lists records it links to.
bool is_link_key(std::string_view key) {
  static constexpr std::array<std::string_view, 9> kKeys{"parent",  "subtechniques", "techniques",
                                                          "mitigations", "case_studies", "tactics",
                                                          "tactic",  "technique",     "procedure"};
  for (std::string_view k : kKeys)
    if (k == key) return true;
  return false;
}

// Calls `fn` on every object listed under a link key of `node`, and on those listed in turn under
// theirs (a case study's techniques, a step's technique).
template <typename Fn>
void each_link(json& node, const Fn& fn) {
  for (auto& [key, value] : node.items()) {
    if (!is_link_key(key)) continue;
    auto visit = [&](json& item) {
      if (!item.is_object()) return;
      fn(item);
      each_link(item, fn);
    };
    if (value.is_array()) {
      for (auto& item : value) visit(item);
    } else {
      visit(value);
    }
  }
}

// The shared fields of the record `link` points to; null when it is not one `linked` holds.
const json* shared_of(const json& link, const json& linked) {
  const auto id = link.find("id");
  if (id == link.end() || !id->is_string()) return nullptr;
  const auto found = linked.find(id->get_ref<const std::string&>());
  return found == linked.end() || !found->is_object() ? nullptr : &*found;
}

// Calls `fn(value_object, label)` for each {value, label?} of the record's facets, `label` the
// shared label of that value or null.
template <typename Fn>
void each_facet_value(json& record, const ValueLabels& labels, const Fn& fn) {
  const auto facets = record.find("facets");
  if (facets == record.end() || !facets->is_object()) return;
  for (auto& [facet, values] : facets->items()) {
    const auto by_value = labels.find(facet);
    auto visit = [&](json& v) {
      if (!v.is_object()) return;
      const auto value = v.find("value");
      const std::string* label = nullptr;
      if (by_value != labels.end() && value != v.end() && value->is_string()) {
        const auto l = by_value->second.find(value->get_ref<const std::string&>());
        if (l != by_value->second.end()) label = &l->second;
      }
      fn(v, label);
    };
    if (values.is_array()) {
      for (auto& v : values) visit(v);
    } else {
      visit(values);
    }
  }
}

}  // namespace

void strip_shared(json& record, const json& linked, const ValueLabels& labels) {
  if (!record.is_object()) return;
  each_link(record, [&](json& link) {
    const json* shared = shared_of(link, linked);
    if (shared == nullptr) return;
    for (const auto& [key, value] : shared->items())
      if (const auto it = link.find(key); it != link.end() && *it == value) link.erase(it);
  });
  each_facet_value(record, labels, [](json& v, const std::string* label) {
    if (const auto it = v.find("label"); label != nullptr && it != v.end() && *it == *label) v.erase(it);
  });
}

void fill_shared(json& record, const json& linked, const ValueLabels& labels) {
  if (!record.is_object()) return;
  each_link(record, [&](json& link) {
    const json* shared = shared_of(link, linked);
    if (shared == nullptr) return;
    for (const auto& [key, value] : shared->items())
      if (!link.contains(key)) link[key] = value;
  });
  each_facet_value(record, labels, [](json& v, const std::string* label) {
    if (label != nullptr && !v.contains("label")) v["label"] = *label;
  });
}

}  // namespace riskatlas::index
