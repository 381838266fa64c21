#include "api_json.h"

#include <cmath>

#include "analysis/analyzer.h"
#include "index/hit_summary.h"
#include "util/version.h"

namespace riskatlas::server {
namespace {

double rounded(double value, double scale) { return std::round(value * scale) / scale; }

// An empty object with room for `keys` keys. An ordered object that grows copies every value it
// holds (a std::vector of pairs whose key is const, so their move may throw and the vector copies):
// building an answer key by key without room copied its hits and facets over and over.
OrderedJson object_with_room(std::size_t keys) {
  OrderedJson out = OrderedJson::object();
  out.get_ref<OrderedJson::object_t&>().reserve(keys);
  return out;
}

// {facet: {value,label} | [{value,label}]} in the facets' order (model::facets()), a multi-valued
// facet as a list even with one value: the same for hits (search::RecordFacet) and stored records
// (index::SummaryFacet).
template <typename Facets>
OrderedJson facets_json(const Facets& facets) {
  OrderedJson out = object_with_room(facets.size());
  for (const auto& facet : facets) {
    auto one = [](const auto& v) { return OrderedJson{{"value", v.first}, {"label", v.second}}; };
    if (facet.multi) {
      OrderedJson list = OrderedJson::array();
      for (const auto& v : facet.values) list.push_back(one(v));
      out[std::string(facet.name)] = std::move(list);
    } else if (!facet.values.empty()) {
      out[std::string(facet.name)] = one(facet.values.front());
    }
  }
  return out;
}

OrderedJson hit_json(const search::Hit& hit, bool relaxed) {
  OrderedJson h = object_with_room(8);
  h["id"] = hit.id;
  h["type"] = hit.type;
  h["title"] = hit.title;
  h["snippet"] = hit.snippet;
  h["score"] = hit.score;
  h["facets"] = facets_json(hit.facets);
  if (relaxed) h["missing_words"] = hit.missing_words;
  if (hit.explain) {
    OrderedJson terms = OrderedJson::array();
    for (const auto& e : *hit.explain) terms.push_back({{"field", e.field}, {"term", e.term}, {"weight", e.weight}});
    h["explain"] = std::move(terms);
  }
  return h;
}

// A stored record with id, type and title first and its facets in model order; the other keys follow
// in stored order.
OrderedJson ordered_record(const nlohmann::json& record) {
  if (!record.is_object()) return OrderedJson(record);
  OrderedJson out = object_with_room(record.size() + 1);  // and record_json's "generation"
  for (const char* key : {"id", "type", "title"})
    if (record.contains(key)) out[key] = OrderedJson(record[key]);
  for (const auto& [key, value] : record.items()) {
    if (out.contains(key)) continue;
    out[key] = key == "facets" ? facets_json(index::summary_facets(value)) : OrderedJson(value);
  }
  return out;
}

}  // namespace

std::string dump(const OrderedJson& body) { return body.dump(-1, ' ', false, OrderedJson::error_handler_t::replace); }

OrderedJson error_json(const ApiError& error) {
  return {{"error", {{"code", error.code}, {"message", error.message}}}};
}

OrderedJson facet_counts_json(const std::vector<search::FacetCounts>& facets) {
  OrderedJson out = object_with_room(facets.size());
  for (const auto& facet : facets) {
    OrderedJson values = OrderedJson::array();
    for (const auto& v : facet.values) {
      OrderedJson one = object_with_room(4);
      one["value"] = v.value;
      one["label"] = v.label;
      one["count"] = v.count;
      one["selected"] = v.selected;
      values.push_back(std::move(one));
    }
    out[facet.name] = std::move(values);
  }
  return out;
}

namespace {

// "relaxed", and "relaxation" when the answer was widened to records missing some words.
void add_relaxation(const std::optional<search::Relaxation>& relaxation, OrderedJson& out) {
  out["relaxed"] = relaxation.has_value();
  if (relaxation) {
    out["relaxation"] = {{"words", relaxation->words},
                         {"min_matched", relaxation->min_matched},
                         {"best_matched", relaxation->best_matched},
                         {"dropped_words", relaxation->dropped_words}};
  }
}

}  // namespace

OrderedJson search_json(const search::SearchResponse& r) {
  OrderedJson hits = OrderedJson::array();
  for (const auto& hit : r.hits) hits.push_back(hit_json(hit, r.relaxation.has_value()));
  OrderedJson out = object_with_room(14);
  out["query"] = r.query;
  out["total"] = r.total;
  out["page"] = r.page;
  out["per_page"] = r.per_page;
  out["hits"] = std::move(hits);
  out["facets"] = facet_counts_json(r.facets);
  if (r.suggestion) out["suggestion"] = *r.suggestion;
  out["corrected"] = r.corrected;
  out["interpreted_literally"] = r.interpreted_literally;
  add_relaxation(r.relaxation, out);
  out["generation"] = r.generation;
  out["took_ms"] = rounded(r.took_ms, 1000.0);
  return out;
}

OrderedJson facets_json(const std::vector<search::FacetCounts>& facets, const std::string& generation) {
  return {{"facets", facet_counts_json(facets)}, {"generation", generation}};
}

OrderedJson suggest_json(std::string_view query, const std::vector<search::Suggestion>& suggestions,
                         const std::string& generation) {
  OrderedJson list = OrderedJson::array();
  for (const auto& s : suggestions) {
    OrderedJson one{{"text", s.text}, {"kind", s.kind}};
    if (!s.id.empty()) one["id"] = s.id;
    if (!s.type.empty()) one["type"] = s.type;
    list.push_back(std::move(one));
  }
  return {{"query", query}, {"suggestions", std::move(list)}, {"generation", generation}};
}

OrderedJson record_json(const nlohmann::json& record, const std::string& generation) {
  OrderedJson out = ordered_record(record);
  out["generation"] = generation;
  return out;
}

namespace {

OrderedJson related_list(const std::vector<search::RelatedRecord>& records, bool linked) {
  OrderedJson list = OrderedJson::array();
  for (const auto& r : records) {
    OrderedJson one{{"id", r.id}};
    if (linked) {
      one["name"] = r.title;
    } else {
      one["type"] = r.type;
      one["title"] = r.title;
      one["source"] = r.source;
    }
    one["score"] = r.score;
    one["words"] = r.words;
    list.push_back(std::move(one));
  }
  return list;
}

}  // namespace

OrderedJson related_json(std::string_view id, const search::RelatedRecords& related, const std::string& generation) {
  return {{"id", id},
          {"related", related_list(related.related, false)},
          {"techniques", related_list(related.techniques, true)},
          {"mitigations", related_list(related.mitigations, true)},
          {"generation", generation}};
}

OrderedJson export_json(std::string_view query, const search::ExportedMatches& exported, const std::string& generation) {
  OrderedJson list = OrderedJson::array();
  for (const auto& r : exported.records) list.push_back(ordered_record(r));
  OrderedJson out{{"query", query}, {"total", exported.total}, {"exported", exported.records.size()}};
  if (exported.suggestion) out["suggestion"] = *exported.suggestion;
  out["corrected"] = exported.corrected;
  add_relaxation(exported.relaxation, out);
  out["generation"] = generation;
  out["records"] = std::move(list);
  return out;
}

OrderedJson health_json(const search::IndexStatus& status, const std::vector<search::ShardState>& shards,
                        bool served_gone) {
  if (!status.generation) {
    return {{"status", "unavailable"},
            {"version", version()},
            {"problem", status.problem.empty() ? std::string("no index generation is open") : status.problem}};
  }
  const auto& info = status.generation->info();
  auto build_field = [&](const char* key, nlohmann::json fallback) {
    return info.build.is_object() && info.build.contains(key) ? OrderedJson(info.build[key]) : OrderedJson(fallback);
  };
  OrderedJson out{{"status", status.damage.empty() ? "ok" : "damaged"},
                  {"version", version()},
                  {"documents", info.documents},
                  {"generation", info.name},
                  {"uuid", info.uuid},
                  {"built_at", build_field("built_at", nullptr)},
                  {"versions", build_field("versions", nlohmann::json::object())},
                  {"load", build_field("load", nlohmann::json::object())},
                  {"analyzer",
                   {{"index", info.analyzer_version},
                    {"server", analysis::analyzer_version()},
                    {"matches", info.analyzer_matches}}}};
  std::string problem = status.problem;
  if (!status.damage.empty())
    problem = "the index cannot be read (" + status.damage + "); rebuild it with riskatlas-index";
  else if (problem.empty() && !info.analyzer_matches)
    problem = "the index was built with another analyzer; queries may miss records until it is rebuilt";
  if (!status.generation->shards().sharded()) {
    // A single database that no longer opens (removed by hand, or by a clean-up after the server
    // failed to move on): handles already open still answer, a new one cannot be had.
    if (!shards.empty() && !shards.front().up && status.damage.empty()) {
      if (served_gone) out["status"] = "unavailable";
      problem = "the generation being served cannot be opened (" + shards.front().error + ")" +
                (problem.empty() ? "" : "; " + problem);
    }
  } else if (!shards.empty()) {
    OrderedJson list = OrderedJson::array();
    std::string down;
    for (const auto& s : shards) {
      OrderedJson entry{{"database", s.database}, {"remote", s.remote}, {"state", s.up ? "up" : "down"}};
      if (s.up) entry["documents"] = s.documents;
      if (!s.up) {
        entry["error"] = s.error;
        down += (down.empty() ? "" : ", ") + s.database;
      }
      list.push_back(std::move(entry));
    }
    out["shards"] = std::move(list);
    if (!down.empty()) {
      out["status"] = "unavailable";
      problem = "shards down: " + down + (problem.empty() ? "" : "; " + problem);
    }
  }
  if (!problem.empty()) out["problem"] = problem;
  return out;
}

}  // namespace riskatlas::server
