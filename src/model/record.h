// The record model: what the atlas holds, independent of where it was read from and how it is indexed.
// Facet fields hold stable facet *values* (see model/taxonomy.h), never display labels.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "model/rich_text.h"

namespace riskatlas::model {

enum class RecordType { kRisk, kTechnique, kMitigation, kCaseStudy };
const char* type_value(RecordType type);  // "risk", "technique", "mitigation", "case-study"

// One quoted passage from a source: a risk row's own 'Additional ev.' or an 'Additional evidence' row.
struct Evidence {
  std::string id;    // the row's Ev_ID, e.g. "01.01.00" or "01.01.00.a"
  std::string text;  // the quote as published (cleaned UTF-8)
  std::string page;  // page reference ('P.Def' / 'p.AddEv'), may be empty
};

struct Risk {
  std::string id;            // unique within the atlas: the Ev_ID, or "<Ev_ID>-2" etc. when a source repeats one
  std::string ev_id;         // the Ev_ID as published
  std::string paper_id;      // Paper_ID
  std::string source_title;  // title of the source paper
  std::string quickref;      // e.g. "Critch2023"
  std::string level;         // "Risk Category" or "Risk Sub-Category"
  std::string category;      // 'Risk category'
  std::string subcategory;   // 'Risk subcategory', may be empty
  std::string description;
  std::vector<Evidence> evidence;  // the row's own quote first, then merged additional-evidence rows
  std::string entity;     // human | ai | other | not-coded | "" (not given)
  std::string intent;     // intentional | unintentional | other | not-coded | ""
  std::string timing;     // pre-deployment | post-deployment | other | not-coded | ""
  std::string domain;     // "1".."7", "X", or "" when the export leaves it blank
  std::string subdomain;  // "2.2", "X.1", "" ...
  std::string subdomain_label;  // the text after '>' in the export, e.g. "AI system security vulnerabilities and attacks"
  std::string origin;     // "file:line" of the row, for diagnostics
  // Subcategory when there is one, else category.
  const std::string& title() const { return subcategory.empty() ? category : subcategory; }
  // What names the source paper: its QuickRef, else its paper id.
  const std::string& paper_key() const { return quickref.empty() ? paper_id : quickref; }
};

// ATLAS text is Markdown: `description` and the like hold its words only (for indexing, snippets and
// exports), the `*_doc` beside them its formatting for display, and a record's `references` the
// sources its texts cite (model/rich_text.h). Text of the risk export and of our JSON Lines records
// is plain and has no `*_doc`.

struct Tactic {
  std::string id;  // AML.TA0002
  std::string name;
  std::string description;
  std::string origin;
};

struct Technique {
  std::string id;  // AML.T0020 or sub-technique AML.T0010.002
  std::string name;
  std::string description;
  RichText description_doc;
  std::vector<Reference> references;
  std::vector<std::string> tactics;  // tactic ids; a sub-technique inherits its parent's when it lists none
  std::string maturity;              // feasible | demonstrated | realized | ""
  std::string parent;                // parent technique id for a sub-technique, else ""
  std::string created;               // dates as published (YYYY-MM-DD), may be empty
  std::string modified;
  std::string origin;
};

struct TechniqueUse {
  std::string technique_id;
  std::string use;  // ATLAS's note on how the mitigation applies to that technique
  RichText use_doc = {};  // its citations number into the mitigation's references; {} keeps {id, use} initialisers short
};

struct Mitigation {
  std::string id;  // AML.M0007
  std::string name;
  std::string description;
  RichText description_doc;
  std::vector<Reference> references;
  std::vector<std::string> categories;  // technical-ml | technical-cyber | policy
  std::vector<std::string> lifecycle;   // business-and-data-understanding | ... | monitoring-and-maintenance
  std::vector<TechniqueUse> techniques;
  std::string created;
  std::string modified;
  std::string origin;
};

// One step of a case study's procedure: what the actor did, as a tactic and a technique of ATLAS.
struct ProcedureStep {
  std::string tactic;     // tactic id, AML.TA0002
  std::string technique;  // technique id, AML.T0000.001
  std::string description;
  RichText description_doc;
};

// An ATLAS case study: a real incident or a red-team exercise, told as the steps its actor took.
struct CaseStudy {
  std::string id;  // AML.CS0000
  std::string name;
  std::string summary;
  RichText summary_doc;
  std::string incident_date;   // YYYY-MM-DD as published, may be empty
  std::string date_precision;  // how much of the date is meant: "year", "month", "day" or ""
  std::string kind;            // incident | exercise | "" (not given)
  std::string target;
  std::string actor;
  std::string reporter;        // may be empty
  std::vector<Reference> references;  // the listed references first, then other sources the text cites
  std::vector<ProcedureStep> procedure;
  std::string origin;
  // "2020" of the incident date; "" when there is none.
  std::string year() const { return incident_date.size() >= 4 ? incident_date.substr(0, 4) : ""; }
};

// A source paper of the AI Risk Repository (its 'Paper' row).
struct Source {
  std::string paper_id;
  std::string title;
  std::string quickref;
};

// Risk -> technique, with where the link came from ("links.yaml:12 subdomain 2.2", "register.jsonl:3").
struct Link {
  std::string risk_id;
  std::string technique_id;
  std::string origin;
};

// Expressions that mean the same in this field ("llm", "large language model"), as written in the
// synonyms file; each expands a query to all the others.
struct SynonymGroup {
  std::vector<std::string> expressions;
  std::string origin;  // "synonyms.yaml:12"
};

struct Atlas {
  std::vector<Risk> risks;
  std::vector<Technique> techniques;
  std::vector<Mitigation> mitigations;
  std::vector<Tactic> tactics;
  std::vector<CaseStudy> case_studies;
  std::vector<Source> sources;
  std::vector<Link> links;
  std::vector<SynonymGroup> synonyms;
  // What the atlas was built from, reported by /healthz and the UI footer:
  // e.g. "atlas_version" -> "5.6.0", "risk_repository_file" -> "ai-risk-repository.csv".
  std::map<std::string, std::string> versions;
};

}  // namespace riskatlas::model
