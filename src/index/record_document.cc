#include "index/record_document.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "index/hit_summary.h"
#include "index/schema.h"
#include "index/stored_record.h"
#include "index/text_keys.h"
#include "model/taxonomy.h"
#include "util/utf8.h"

namespace riskatlas::index {
namespace {

using nlohmann::json;
using model::Atlas;
using model::LinkGraph;
using model::RecordType;
using model::type_value;


std::string label_of(const FacetLabels& labels, const std::string& facet, const std::string& value) {
  const auto f = labels.find(facet);
  if (f != labels.end()) {
    const auto v = f->second.find(value);
    if (v != f->second.end()) return v->second;
  }
  return value;
}

json facet_json(const FacetLabels& labels, const FacetValues& values) {
  json out = json::object();
  for (const auto& [facet, vals] : values) {
    const model::FacetSpec* spec = model::find_facet(facet);
    if (spec == nullptr || vals.empty()) continue;
    // A named reference, because clang before 16 cannot capture a structured binding.
    const std::string& name = facet;
    auto one = [&](const std::string& v) { return json{{"value", v}, {"label", label_of(labels, name, v)}}; };
    if (spec->multi) {
      json list = json::array();
      for (const auto& v : vals) list.push_back(one(v));
      out[facet] = std::move(list);
    } else {
      out[facet] = one(vals.front());
    }
  }
  return out;
}

json labelled_list(const FacetLabels& labels, const std::string& facet, const std::vector<std::string>& values) {
  json list = json::array();
  for (const auto& v : values) list.push_back({{"value", v}, {"label", label_of(labels, facet, v)}});
  return list;
}

void put_single(FacetValues& values, const char* facet, const std::string& value) {
  if (!value.empty()) values[facet] = {value};
}

}  // namespace

FacetValues risk_facets(const Atlas& atlas, const LinkGraph& graph, std::size_t r) {
  const auto& risk = atlas.risks[r];
  FacetValues v;
  v["type"] = {type_value(RecordType::kRisk)};
  put_single(v, "domain", risk.domain);
  put_single(v, "subdomain", risk.subdomain);
  put_single(v, "entity", risk.entity);
  put_single(v, "intent", risk.intent);
  put_single(v, "timing", risk.timing);
  put_single(v, "source", risk.paper_key());
  if (!graph.lifecycle_of_risk(r).empty()) v["lifecycle"] = graph.lifecycle_of_risk(r);
  if (!graph.categories_of_risk(r).empty()) v["category"] = graph.categories_of_risk(r);
  return v;
}

namespace {

// A technique carries its tactics, and the lifecycle stages and categories of the mitigations that
// address it, so techniques can be filtered by what can be done about them (as risks can).
FacetValues technique_facets(const Atlas& atlas, const LinkGraph& graph, std::size_t t) {
  FacetValues v;
  v["type"] = {type_value(RecordType::kTechnique)};
  std::set<std::string> lifecycle, categories;
  for (const auto& mu : graph.mitigations_of_technique(t)) {
    const auto& m = atlas.mitigations[mu.mitigation];
    lifecycle.insert(m.lifecycle.begin(), m.lifecycle.end());
    categories.insert(m.categories.begin(), m.categories.end());
  }
  if (!lifecycle.empty()) v["lifecycle"].assign(lifecycle.begin(), lifecycle.end());
  if (!categories.empty()) v["category"].assign(categories.begin(), categories.end());
  const std::set<std::string> tactics(atlas.techniques[t].tactics.begin(), atlas.techniques[t].tactics.end());
  if (!tactics.empty()) v["tactic"].assign(tactics.begin(), tactics.end());
  return v;
}

FacetValues mitigation_facets(const Atlas& atlas, std::size_t m) {
  const auto& mit = atlas.mitigations[m];
  FacetValues v;
  v["type"] = {type_value(RecordType::kMitigation)};
  if (!mit.lifecycle.empty()) v["lifecycle"] = mit.lifecycle;
  if (!mit.categories.empty()) v["category"] = mit.categories;
  return v;
}

FacetValues case_study_facets(const Atlas& atlas, const LinkGraph& graph, std::size_t c) {
  const auto& cs = atlas.case_studies[c];
  FacetValues v;
  v["type"] = {type_value(RecordType::kCaseStudy)};
  put_single(v, "kind", cs.kind);
  put_single(v, "year", cs.year());
  if (!graph.tactics_of_case_study(c).empty()) v["tactic"] = graph.tactics_of_case_study(c);
  return v;
}

// Writes the analysed terms of successive fields into a document.
class TermWriter {
 public:
  TermWriter(Xapian::Document& doc, analysis::Analyzer& analyzer, std::vector<std::string>& spelling)
      : doc_(doc), analyzer_(analyzer), spelling_(spelling) {}

  void field(std::string_view text, unsigned wdf, std::string_view field_prefix = {}, bool spell = false) {
    if (text.empty()) return;
    const auto tokens = analyzer_.analyze(text);
    unsigned last = position_;
    for (const auto& token : tokens) {
      const unsigned pos = position_ + token.position;
      last = std::max(last, pos);
      doc_.add_posting(token.text, pos, wdf);
      if (!field_prefix.empty()) doc_.add_posting(std::string(field_prefix) + token.text, pos, wdf);
      if (!token.stem.empty()) {
        doc_.add_term(std::string(schema::kStemPrefix) + token.stem, wdf);
        if (!field_prefix.empty())
          doc_.add_term(std::string(schema::kStemPrefix).append(field_prefix).append(token.stem), wdf);
      }
      if (spell && token.kind == analysis::TokenKind::kWord && token.text.size() >= 4 &&
          std::none_of(token.text.begin(), token.text.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
        spelling_.push_back(token.text);
    }
    position_ = last + schema::kFieldPositionGap;
  }

 private:
  Xapian::Document& doc_;
  analysis::Analyzer& analyzer_;
  std::vector<std::string>& spelling_;
  unsigned position_ = 0;
};

// A citation key is one word to the analyzer ("NIST2024"); its name and its year are indexed apart
// too, so "nist ai rmf" or "weidinger 2022" find the paper's risks. Split where a letter meets a
// digit; empty when there is no such place (a key already written "Weidinger 2022").
std::string citation_parts(std::string_view key) {
  const auto digit = [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; };
  const auto letter = [](char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; };
  std::string out;
  for (std::size_t i = 0; i < key.size(); ++i) {
    if (i > 0 && ((letter(key[i - 1]) && digit(key[i])) || (digit(key[i - 1]) && letter(key[i])))) out += ' ';
    out += key[i];
  }
  return out.size() == key.size() ? std::string() : out;
}

bool term_fits(std::string_view prefix, std::string_view value) {
  return prefix.size() + value.size() <= schema::kMaxXapianTermBytes && value.find('\0') == std::string_view::npos;
}

// Adds filter terms and value slots; a value too long for a term is dropped with a warning.
void add_facets(Xapian::Document& doc, const FacetValues& values, const std::string& id, Diagnostics& warnings) {
  for (const auto& spec : model::facets()) {
    const auto it = values.find(std::string(spec.name));
    if (it == values.end()) continue;
    std::string slot;
    for (const auto& value : it->second) {
      if (value.empty() || value.find(schema::kMultiValueSeparator) != std::string::npos ||
          !term_fits(spec.term_prefix, value)) {
        warnings.push_back({"record " + id, "facet " + std::string(spec.name) + " value dropped: too long or malformed"});
        continue;
      }
      doc.add_boolean_term(std::string(spec.term_prefix) + value);
      if (!slot.empty()) slot += schema::kMultiValueSeparator;
      slot += value;
    }
    if (!slot.empty()) doc.add_value(spec.slot, slot);
  }
}

const char* node_type(model::TextNode::Kind kind) {
  using Kind = model::TextNode::Kind;
  switch (kind) {
    case Kind::kParagraph: return "paragraph";
    case Kind::kHeading: return "heading";
    case Kind::kList: return "list";
    case Kind::kItem: return "item";
    case Kind::kQuote: return "quote";
    case Kind::kCodeBlock: return "code_block";
    case Kind::kRule: return "rule";
    case Kind::kText: return "text";
    case Kind::kCode: return "code";
    case Kind::kEmphasis: return "emphasis";
    case Kind::kStrong: return "strong";
    case Kind::kLink: return "link";
    case Kind::kCitation: return "citation";
    case Kind::kLineBreak: return "line_break";
  }
  return "text";
}

json references_json(const std::vector<model::Reference>& references) {
  json list = json::array();
  for (const auto& r : references) list.push_back({{"number", r.number}, {"title", r.title}, {"url", r.url}});
  return list;
}

// A case study as listed on another record's page.
json case_study_ref(const model::CaseStudy& cs) {
  return {{"id", cs.id},
          {"name", cs.name},
          {"kind", cs.kind},
          {"incident_date", cs.incident_date},
          {"date_precision", cs.date_precision}};
}

// A mitigation as listed on a risk's or a technique's page. strip_shared() keeps a stored link short
// only while it equals linked_fields()' copy, so both are made here.
json mitigation_ref(const FacetLabels& labels, const model::Mitigation& mit) {
  return {{"id", mit.id},
          {"name", mit.name},
          {"categories", labelled_list(labels, "category", mit.categories)},
          {"lifecycle", labelled_list(labels, "lifecycle", mit.lifecycle)}};
}

// The formatted use note of `mitigation` for a technique (its citations number into the
// mitigation's references).
json use_doc(const model::Mitigation& mitigation, const std::string& technique_id) {
  for (const auto& use : mitigation.techniques)
    if (use.technique_id == technique_id) return rich_json(use.use_doc);
  return json::array();
}


json tactic_refs(const Atlas& atlas, const LinkGraph& graph, const std::vector<std::string>& ids) {
  json list = json::array();
  for (const auto& id : ids) {
    const std::size_t t = graph.find_tactic(id);
    list.push_back({{"id", id}, {"name", t == LinkGraph::npos ? id : atlas.tactics[t].name}});
  }
  return list;
}

}  // namespace

json linked_fields(const Atlas& atlas, const LinkGraph& graph, const FacetLabels& labels) {
  // The first of records sharing an id (dirty data): a link whose fields differ keeps its own.
  json tactics = json::object(), techniques = json::object(), mitigations = json::object(),
       case_studies = json::object();
  for (const auto& t : atlas.tactics) tactics.emplace(t.id, json{{"name", t.name}});
  for (std::size_t t = 0; t < atlas.techniques.size(); ++t)
    techniques.emplace(atlas.techniques[t].id, json{{"name", technique_full_name(atlas, graph, t)}});
  for (const auto& m : atlas.mitigations) {
    json shared = mitigation_ref(labels, m);
    shared.erase("id");
    mitigations.emplace(m.id, std::move(shared));
  }
  for (const auto& cs : atlas.case_studies) {
    json shared = case_study_ref(cs);
    shared.erase("id");
    case_studies.emplace(cs.id, std::move(shared));
  }
  return {{"tactic", std::move(tactics)},
          {"technique", std::move(techniques)},
          {"mitigation", std::move(mitigations)},
          {"case_study", std::move(case_studies)}};
}

std::string technique_full_name(const Atlas& atlas, const LinkGraph& graph, std::size_t t) {
  const std::size_t parent = graph.parent_of(t);
  if (parent == LinkGraph::npos) return atlas.techniques[t].name;
  return atlas.techniques[parent].name + ": " + atlas.techniques[t].name;
}

json rich_json(const model::RichText& text) {
  json list = json::array();
  for (const auto& node : text) {
    json j{{"type", node_type(node.kind)}};
    using Kind = model::TextNode::Kind;
    if (node.kind == Kind::kText || node.kind == Kind::kCode || node.kind == Kind::kCodeBlock) j["text"] = node.text;
    if (node.kind == Kind::kLink || node.kind == Kind::kCitation) j["url"] = node.url;
    if (node.kind == Kind::kCitation) j["number"] = node.number;
    if (node.kind == Kind::kHeading) j["level"] = node.number;
    if (node.kind == Kind::kList) j["start"] = node.number;
    if (!node.children.empty()) j["children"] = rich_json(node.children);
    list.push_back(std::move(j));
  }
  return list;
}

std::string natural_sort_key(std::string_view id) {
  std::string key;
  for (std::size_t i = 0; i < id.size();) {
    if (std::isdigit(static_cast<unsigned char>(id[i]))) {
      std::size_t j = i;
      while (j < id.size() && std::isdigit(static_cast<unsigned char>(id[j]))) ++j;
      const std::size_t len = j - i;
      if (len < schema::kSortKeyDigits) key.append(schema::kSortKeyDigits - len, '0');
      key.append(id.substr(i, len));
      i = j;
    } else {
      key += static_cast<char>(std::tolower(static_cast<unsigned char>(id[i])));
      ++i;
    }
  }
  return key;
}

FacetLabels collect_labels(const Atlas& atlas) {
  FacetLabels labels;
  auto add = [&](const std::string& facet, const std::string& value, const std::string& fallback) {
    if (value.empty()) return;
    auto& slot = labels[facet][value];
    if (!slot.empty()) return;
    slot = model::known_label(facet, value).value_or(fallback.empty() ? value : fallback);
  };
  for (const auto type : {RecordType::kRisk, RecordType::kTechnique, RecordType::kMitigation, RecordType::kCaseStudy})
    add("type", type_value(type), type_value(type));
  for (const auto& r : atlas.risks) {
    add("source", r.paper_key(), r.source_title);
    add("domain", r.domain, "");
    add("subdomain", r.subdomain, r.subdomain_label.empty() ? "" : r.subdomain + " " + r.subdomain_label);
    add("entity", r.entity, "");
    add("intent", r.intent, "");
    add("timing", r.timing, "");
  }
  for (const auto& m : atlas.mitigations) {
    for (const auto& v : m.lifecycle) add("lifecycle", v, "");
    for (const auto& v : m.categories) add("category", v, "");
  }
  for (const auto& t : atlas.tactics) add("tactic", t.id, t.name);
  for (const auto& t : atlas.techniques)
    for (const auto& tactic : t.tactics) add("tactic", tactic, "");
  for (const auto& cs : atlas.case_studies) {
    add("kind", cs.kind, "");
    add("year", cs.year(), "");
    for (const auto& step : cs.procedure) add("tactic", step.tactic, "");
  }
  return labels;
}

json risk_json(const Atlas& atlas, const LinkGraph& graph, const FacetLabels& labels, std::size_t r) {
  const auto& risk = atlas.risks[r];
  json evidence = json::array();
  for (const auto& e : risk.evidence) evidence.push_back({{"id", e.id}, {"text", e.text}, {"page", e.page}});
  json techniques = json::array();
  for (const auto& rt : graph.techniques_of_risk(r)) {
    const auto& t = atlas.techniques[rt.technique];
    techniques.push_back({{"id", t.id},
                          {"name", technique_full_name(atlas, graph, rt.technique)},
                          {"tactics", tactic_refs(atlas, graph, t.tactics)},
                          {"origin", rt.origin}});
  }
  json case_studies = json::array();
  for (const auto& tie : graph.case_studies_of_risk(r)) {
    json ref = case_study_ref(atlas.case_studies[tie.case_study]);
    json through = json::array();
    for (std::size_t t : tie.techniques)
      through.push_back({{"id", atlas.techniques[t].id}, {"name", technique_full_name(atlas, graph, t)}});
    ref["techniques"] = std::move(through);
    case_studies.push_back(std::move(ref));
  }
  json mitigations = json::array();
  for (std::size_t m : graph.mitigations_of_risk(r)) mitigations.push_back(mitigation_ref(labels, atlas.mitigations[m]));
  return {
      {"id", risk.id},
      {"type", type_value(RecordType::kRisk)},
      {"title", risk.title()},
      {"ev_id", risk.ev_id},
      {"level", risk.level},
      {"category", risk.category},
      {"subcategory", risk.subcategory},
      {"description", risk.description},
      {"evidence", std::move(evidence)},
      {"source", {{"paper_id", risk.paper_id}, {"title", risk.source_title}, {"quickref", risk.quickref}}},
      {"facets", facet_json(labels, risk_facets(atlas, graph, r))},
      {"counts", {{"techniques", techniques.size()}, {"mitigations", mitigations.size()}, {"case_studies", case_studies.size()}}},
      {"techniques", std::move(techniques)},
      {"mitigations", std::move(mitigations)},
      {"case_studies", std::move(case_studies)},
  };
}

json technique_json(const Atlas& atlas, const LinkGraph& graph, const FacetLabels& labels, std::size_t t) {
  const auto& tech = atlas.techniques[t];
  json parent = nullptr;
  if (const std::size_t p = graph.parent_of(t); p != LinkGraph::npos)
    parent = {{"id", tech.parent}, {"name", atlas.techniques[p].name}};
  json children = json::array();
  for (std::size_t c : graph.subtechniques_of(t))
    children.push_back({{"id", atlas.techniques[c].id}, {"name", atlas.techniques[c].name}});
  json risks = json::array();
  for (std::size_t r : graph.risks_of_technique(t))
    risks.push_back({{"id", atlas.risks[r].id}, {"title", atlas.risks[r].title()}});
  json case_studies = json::array();
  for (std::size_t c : graph.case_studies_of_technique(t)) case_studies.push_back(case_study_ref(atlas.case_studies[c]));
  json mitigations = json::array();
  for (const auto& mu : graph.mitigations_of_technique(t)) {
    const auto& mit = atlas.mitigations[mu.mitigation];
    json ref = mitigation_ref(labels, mit);
    ref["use"] = mu.use;
    ref["use_doc"] = use_doc(mit, tech.id);
    mitigations.push_back(std::move(ref));
  }
  return {
      {"id", tech.id},
      {"type", type_value(RecordType::kTechnique)},
      {"title", tech.name},
      {"name", tech.name},
      {"full_title", technique_full_name(atlas, graph, t)},
      {"description", tech.description},
      {"description_doc", rich_json(tech.description_doc)},
      {"references", references_json(tech.references)},
      {"maturity", tech.maturity},
      {"created", tech.created},
      {"modified", tech.modified},
      {"tactics", tactic_refs(atlas, graph, tech.tactics)},
      {"parent", std::move(parent)},
      {"subtechniques", std::move(children)},
      {"facets", facet_json(labels, technique_facets(atlas, graph, t))},
      {"counts", {{"risks", risks.size()}, {"mitigations", mitigations.size()}, {"case_studies", case_studies.size()}}},
      {"risks", std::move(risks)},
      {"mitigations", std::move(mitigations)},
      {"case_studies", std::move(case_studies)},
  };
}

json mitigation_json(const Atlas& atlas, const LinkGraph& graph, const FacetLabels& labels, std::size_t m) {
  const auto& mit = atlas.mitigations[m];
  json techniques = json::array();
  for (const auto& [t, use] : graph.techniques_of_mitigation(m))
    techniques.push_back({{"id", atlas.techniques[t].id},
                          {"name", technique_full_name(atlas, graph, t)},
                          {"use", use},
                          {"use_doc", use_doc(mit, atlas.techniques[t].id)}});
  json risks = json::array();
  for (std::size_t r : graph.risks_of_mitigation(m))
    risks.push_back({{"id", atlas.risks[r].id}, {"title", atlas.risks[r].title()}});
  return {
      {"id", mit.id},
      {"type", type_value(RecordType::kMitigation)},
      {"title", mit.name},
      {"name", mit.name},
      {"description", mit.description},
      {"description_doc", rich_json(mit.description_doc)},
      {"references", references_json(mit.references)},
      {"created", mit.created},
      {"modified", mit.modified},
      {"facets", facet_json(labels, mitigation_facets(atlas, m))},
      {"counts", {{"techniques", techniques.size()}, {"risks", risks.size()}}},
      {"techniques", std::move(techniques)},
      {"risks", std::move(risks)},
  };
}

json case_study_json(const Atlas& atlas, const LinkGraph& graph, const FacetLabels& labels, std::size_t c) {
  const auto& cs = atlas.case_studies[c];
  json procedure = json::array();
  std::set<std::string> techniques;
  for (std::size_t s = 0; s < cs.procedure.size(); ++s) {
    const auto& step = cs.procedure[s];
    const std::size_t t = graph.find_technique(step.technique);
    if (t != LinkGraph::npos) techniques.insert(step.technique);
    json tactic = nullptr;
    if (!step.tactic.empty()) tactic = tactic_refs(atlas, graph, {step.tactic}).front();
    procedure.push_back({{"step", s + 1},
                         {"tactic", std::move(tactic)},
                         {"technique",
                          {{"id", step.technique},
                           {"name", t == LinkGraph::npos ? step.technique : technique_full_name(atlas, graph, t)},
                           {"known", t != LinkGraph::npos}}},
                         {"description", step.description},
                         {"description_doc", rich_json(step.description_doc)}});
  }
  return {
      {"id", cs.id},
      {"type", type_value(RecordType::kCaseStudy)},
      {"title", cs.name},
      {"name", cs.name},
      {"description", cs.summary},
      {"description_doc", rich_json(cs.summary_doc)},
      {"references", references_json(cs.references)},
      {"kind", cs.kind},
      {"incident_date", cs.incident_date},
      {"date_precision", cs.date_precision},
      {"target", cs.target},
      {"actor", cs.actor},
      {"reporter", cs.reporter},
      {"facets", facet_json(labels, case_study_facets(atlas, graph, c))},
      {"counts", {{"steps", procedure.size()}, {"techniques", techniques.size()}}},
      {"procedure", std::move(procedure)},
  };
}

namespace {

// What a record gives its document.
struct RecordParts {
  const std::string& id;
  model::RecordType type;
  const std::string& title;
  const std::string& description;
  std::vector<std::string_view> extra;  // the lowest-weighted text (quotes, use notes)
  std::string source;                   // a risk's source paper, as cited
  std::vector<std::string> id_aliases;
  FacetValues facets;
  json data;                 // the stored record
  std::string paper = {};    // a risk's source paper key
  std::string listed = {};   // the title listed and sorted by, when not `title`
};

// Makes each record's document (its terms, values and stored record) and hands it to the sink.
struct DocumentBuilder {
  const Atlas& atlas;
  const LinkGraph& graph;
  const FacetLabels& labels;
  const json& linked;
  analysis::Analyzer& analyzer;
  Diagnostics& warnings;
  const std::function<void(BuiltDocument&&)>& sink;

  void add_risk(std::size_t i) {
    const auto& risk = atlas.risks[i];
    std::vector<std::string_view> extra;
    if (!risk.subcategory.empty()) extra.push_back(risk.category);
    for (const auto& e : risk.evidence) extra.push_back(e.text);
    std::vector<std::string> aliases{risk.id};
    if (risk.ev_id != risk.id) aliases.push_back(risk.ev_id);
    build({.id = risk.id,
           .type = model::RecordType::kRisk,
           .title = risk.title(),
           .description = risk.description,
           .extra = std::move(extra),
           .source = risk.source_title + " " + risk.quickref + " " + citation_parts(risk.quickref),
           .id_aliases = std::move(aliases),
           .facets = risk_facets(atlas, graph, i),
           .data = risk_json(atlas, graph, labels, i),
           .paper = risk.paper_key()});
  }

  void add_technique(std::size_t i) {
    const auto& tech = atlas.techniques[i];
    // Its tactics' names and ids: a tactic is no record, so "AML.TA0003" finds the techniques under it.
    std::vector<std::string> tactic_names;
    for (const auto& tactic : tech.tactics)
      if (const std::size_t t = graph.find_tactic(tactic); t != LinkGraph::npos)
        tactic_names.push_back(atlas.tactics[t].name + " " + tactic);
    std::vector<std::string_view> extra(tactic_names.begin(), tactic_names.end());
    build({.id = tech.id,
           .type = model::RecordType::kTechnique,
           .title = tech.name,
           .description = tech.description,
           .extra = std::move(extra),
           .source = {},
           .id_aliases = {tech.id},
           .facets = technique_facets(atlas, graph, i),
           .data = technique_json(atlas, graph, labels, i),
           .listed = technique_full_name(atlas, graph, i)});
  }

  void add_mitigation(std::size_t i) {
    const auto& mit = atlas.mitigations[i];
    std::vector<std::string_view> extra;
    for (const auto& use : mit.techniques) extra.push_back(use.use);
    build({.id = mit.id,
           .type = model::RecordType::kMitigation,
           .title = mit.name,
           .description = mit.description,
           .extra = std::move(extra),
           .source = {},
           .id_aliases = {mit.id},
           .facets = mitigation_facets(atlas, i),
           .data = mitigation_json(atlas, graph, labels, i)});
  }

  void add_case_study(std::size_t i) {
    const auto& cs = atlas.case_studies[i];
    std::vector<std::string_view> extra;
    for (const auto& step : cs.procedure) extra.push_back(step.description);
    build({.id = cs.id,
           .type = model::RecordType::kCaseStudy,
           .title = cs.name,
           .description = cs.summary,
           .extra = std::move(extra),
           .source = {},
           .id_aliases = {cs.id},
           .facets = case_study_facets(atlas, graph, i),
           .data = case_study_json(atlas, graph, labels, i)});
  }

  void build(RecordParts r) {
    if (!indexable_id(r.id)) {
      warnings.push_back({"record " + std::string(utf8::truncate(r.id, 80)), "skipped: id too long to index"});
      return;
    }
    BuiltDocument built{r.id, r.type, {}, {}};
    Xapian::Document& doc = built.document;
    TermWriter terms(doc, analyzer, built.spelling_words);
    const bool case_study = r.type == model::RecordType::kCaseStudy;
    // A sub-technique is listed and sorted by its full name ("LLM Prompt Injection: Direct"): alone,
    // "Direct" says nothing in a list of hits or suggestions. Either name typed whole ranks it first.
    const std::string& listed = r.listed.empty() ? r.title : r.listed;
    terms.field(listed, case_study ? schema::kCaseStudyNameWdf : schema::kTitleWdf, schema::kTitlePrefix, true);
    for (const auto& alias : r.id_aliases) terms.field(alias, schema::kIdWdf, schema::kIdFieldPrefix);
    terms.field(r.description, case_study ? schema::kCaseStudyTextWdf : schema::kDescriptionWdf, {}, true);
    terms.field(r.source, schema::kDescriptionWdf, schema::kSourcePrefix);
    for (auto text : r.extra) terms.field(text, schema::kQuoteWdf);
    doc.add_boolean_term(std::string(schema::kIdPrefix) + r.id);
    const auto add_exact_title = [&](const std::string& name) {
      if (const std::string key = title_key(analyzer.analyze(name)); !key.empty())
        doc.add_term(std::string(schema::kExactTitlePrefix) + key);
    };
    add_exact_title(r.title);
    if (listed != r.title) add_exact_title(listed);
    if (!r.paper.empty() && term_fits(schema::kSourcePaperPrefix, r.paper))
      doc.add_boolean_term(std::string(schema::kSourcePaperPrefix) + r.paper);
    add_facets(doc, r.facets, r.id, warnings);
    doc.add_value(schema::kSlotSortId, natural_sort_key(r.id));
    doc.add_value(schema::kSlotSortTitle, std::string(utf8::truncate(analyzer.fold(listed), schema::kSortTitleBytes)));
    doc.add_value(schema::kSlotHit, pack_hit_summary(r.data, listed));
    strip_shared(r.data, linked, labels);
    doc.set_data(stored_json(r.data));
    sink(std::move(built));
  }
};

}  // namespace

void build_documents(const Atlas& atlas, const LinkGraph& graph, const FacetLabels& labels, const json& linked,
                     analysis::Analyzer& analyzer, Diagnostics& warnings,
                     const std::function<void(BuiltDocument&&)>& sink, const RecordSelection& selection) {
  DocumentBuilder builder{atlas, graph, labels, linked, analyzer, warnings, sink};
  const std::size_t end = std::min(selection.end, record_count(atlas));
  for (std::size_t ordinal = selection.begin; ordinal < end; ++ordinal) {
    if (selection.skip != nullptr && (*selection.skip)[ordinal]) continue;
    switch (const RecordAt at = record_at(atlas, ordinal); at.type) {
      case model::RecordType::kRisk: builder.add_risk(at.index); break;
      case model::RecordType::kTechnique: builder.add_technique(at.index); break;
      case model::RecordType::kMitigation: builder.add_mitigation(at.index); break;
      case model::RecordType::kCaseStudy: builder.add_case_study(at.index); break;
    }
  }
}

std::size_t record_count(const Atlas& atlas) {
  return atlas.risks.size() + atlas.techniques.size() + atlas.mitigations.size() + atlas.case_studies.size();
}

RecordAt record_at(const Atlas& atlas, std::size_t ordinal) {
  if (ordinal < atlas.risks.size()) return {RecordType::kRisk, ordinal};
  ordinal -= atlas.risks.size();
  if (ordinal < atlas.techniques.size()) return {RecordType::kTechnique, ordinal};
  ordinal -= atlas.techniques.size();
  if (ordinal < atlas.mitigations.size()) return {RecordType::kMitigation, ordinal};
  return {RecordType::kCaseStudy, ordinal - atlas.mitigations.size()};
}

const std::string& record_id(const Atlas& atlas, std::size_t ordinal) {
  const RecordAt at = record_at(atlas, ordinal);
  if (at.type == RecordType::kRisk) return atlas.risks[at.index].id;
  if (at.type == RecordType::kTechnique) return atlas.techniques[at.index].id;
  if (at.type == RecordType::kMitigation) return atlas.mitigations[at.index].id;
  return atlas.case_studies[at.index].id;
}

bool indexable_id(std::string_view id) {
  return !id.empty() && term_fits(schema::kIdPrefix, id) && term_fits(schema::kIdFieldPrefix, id);
}

}  // namespace riskatlas::index
