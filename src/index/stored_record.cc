#include "index/stored_record.h"

#include <string_view>

namespace riskatlas::index {
namespace {

using nlohmann::json;

// The kind of record listed under `key` of a record (or of a case study's procedure step), as
// linked_fields() groups them; empty for a key that lists no links ("procedure" lists steps, which
// hold links). By kind, because a link may name an id of another kind (a step's unknown technique).
std::string_view linked_kind(std::string_view key) {
  if (key == "parent" || key == "subtechniques" || key == "techniques" || key == "technique") return "technique";
  if (key == "tactics" || key == "tactic") return "tactic";
  if (key == "mitigations") return "mitigation";
  if (key == "case_studies") return "case_study";
  return {};
}

// The shared fields of the `kind` record `link` names; null when `linked` holds none.
const json* shared_of(const json& link, const json& linked, std::string_view kind) {
  const auto id = link.find("id");
  const auto of_kind = linked.find(kind);
  if (id == link.end() || !id->is_string() || of_kind == linked.end() || !of_kind->is_object()) return nullptr;
  const auto found = of_kind->find(id->get_ref<const std::string&>());
  return found == of_kind->end() || !found->is_object() ? nullptr : &*found;
}

// Calls `fn(link, shared)` on every object listed under a link key of `node`, and on those listed in
// turn under theirs (a case study's techniques, a step's technique); `shared` is the shared copy of
// the record the link names, null when `linked` has none.
template <typename Fn>
void each_link(json& node, const json& linked, const Fn& fn) {
  for (auto& [key, value] : node.items()) {
    const std::string_view kind = linked_kind(key);
    if (kind.empty() && key != "procedure") continue;
    auto visit = [&](json& item) {
      if (!item.is_object()) return;
      if (!kind.empty()) fn(item, shared_of(item, linked, kind));
      each_link(item, linked, fn);
    };
    if (value.is_array()) {
      for (auto& item : value) visit(item);
    } else {
      visit(value);
    }
  }
}

// Calls `fn(value_object, label)` for each {value, label?} of the record's facets, `label` the
// shared label of that value or null.
template <typename Fn>
void each_facet_value(json& record, const FacetLabels& labels, const Fn& fn) {
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

void strip_shared(json& record, const json& linked, const FacetLabels& labels) {
  if (!record.is_object()) return;
  each_link(record, linked, [](json& link, const json* shared) {
    if (shared == nullptr) return;
    for (const auto& [key, value] : shared->items())
      if (const auto it = link.find(key); it != link.end() && *it == value) link.erase(it);
  });
  each_facet_value(record, labels, [](json& v, const std::string* label) {
    if (const auto it = v.find("label"); label != nullptr && it != v.end() && *it == *label) v.erase(it);
  });
}

void fill_shared(json& record, const json& linked, const FacetLabels& labels) {
  if (!record.is_object()) return;
  each_link(record, linked, [](json& link, const json* shared) {
    if (shared == nullptr) return;
    for (const auto& [key, value] : shared->items())
      if (!link.contains(key)) link[key] = value;
  });
  each_facet_value(record, labels, [](json& v, const std::string* label) {
    if (label != nullptr && !v.contains("label")) v["label"] = *label;
  });
  // A technique stored before records carried full_title (an index of an older schema, still
  // served): a sub-technique's is its parent's name and its own.
  if (record.contains("full_title") || record.value("type", "") != "technique") return;
  const auto parent = record.find("parent");
  const std::string title = record.value("title", "");
  record["full_title"] = parent != record.end() && parent->is_object() && parent->contains("name")
                             ? parent->value("name", "") + ": " + title
                             : title;
}

}  // namespace riskatlas::index
